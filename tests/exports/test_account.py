"""The account file: what it holds, who may download it, and import_account: the round trip
into a database without the athlete, and every file it refuses (writing nothing)."""

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from athletes.models import Athlete
from exports.account import (
    FORMAT_VERSION,
    TABLES,
    export_account,
    of_user,
    user_settings_models,
)
from plans.models import WeeklyPlan
from tests.exports.conftest import NOW, History
from tests.factories import CoachFactory
from workouts.models import LiftSession, LiftSet, RunFile, RunSession

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

User = get_user_model()


def download(client: Client, history: History) -> dict[str, Any]:
    response = client.get(reverse("exports:account", args=[history.athlete.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == (
        'attachment; filename="ironstride-account-anna-2026-12-05.json"'
    )
    return json.loads(response.content)


def without_ids(document: dict[str, Any]) -> dict[str, Any]:
    """The document with every id and reference replaced by the row's place in its list (the
    rows keep their order), so two exports compare equal when only the ids differ."""
    places: dict[str, dict[int, int]] = {}
    result = dict(document)
    for table in TABLES:
        rows = document[table.key]
        places[table.key] = {row["id"]: place for place, row in enumerate(rows)}
        refer = {"plan": "plans", "session": "lift_sessions", "run": "run_sessions"}
        result[table.key] = [
            {
                key: places[refer[key]][value] if key in refer else value
                for key, value in row.items()
                if key != "id"
            }
            for row in rows
        ]
    return result


def test_the_file_holds_the_account_and_no_secret(client: Client, history: History) -> None:
    client.force_login(history.coach.user)
    document = download(client, history)
    assert document["format"] == "ironstride-account"
    assert document["version"] == FORMAT_VERSION == 1
    assert document["exported_at"] == NOW.isoformat()
    user = document["user"]
    assert {"username": "anna", "first_name": "Anna", "last_name": "Berg"}.items() <= user.items()
    assert not {"id", "password", "is_staff", "is_superuser"} & user.keys()
    assert document["athlete"] == {
        "time_zone": "Europe/Berlin",
        "training_window_start": "06:00:00",
        "training_window_end": "21:00:00",
        "load_increment_kg": "2.5",
        "is_active": True,
    } | {k: v for k, v in document["athlete"].items() if k not in _ATHLETE_TODAY}
    assert "calendar_token" not in document["athlete"]
    assert document["settings"] == {}  # nobody changed a setting of theirs
    assert history.athlete.calendar_token not in json.dumps(document)
    assert document["coach"] == {"username": "carla", "name": str(history.coach)}
    assert [(p["week_start"], p["status"], p["coach_note"]) for p in document["plans"]] == [
        ("2026-11-30", "published", "Easy week, Anna."),
        ("2026-12-07", "draft", ""),
    ]
    run = document["run_sessions"][0]
    assert run == {
        "id": history.run.pk,
        "plan": document["plans"][0]["id"],
        "start": "2026-11-30T06:00:00+00:00",
        "duration_minutes": 60,
        "status": "done",
        "actual_start": "2026-11-30T06:05:00+00:00",
        "actual_duration_minutes": 62,
        "notes": "=1+1 felt strong",
        "kind": "interval",
        "distance_km": "10.5",
        "unplanned": False,
    } | {k: v for k, v in run.items() if k not in _RUN_TODAY}
    assert len(document["run_sessions"]) == 2
    assert [s["order"] for s in document["lift_sets"]] == [1, 2, 3]
    logged = document["lift_sets"][1]
    assert (logged["session"], logged["load_kg"], logged["rir"]) == (
        history.lift.pk,
        "147.5",
        2,
    )
    (run_file,) = document["run_files"]
    assert (run_file["run"], run_file["filename"], run_file["avg_heart_rate"]) == (
        history.run.pk,
        "monday.fit",
        151,
    )


# The fields of today's models the test names; other branches' fields may join them.
_ATHLETE_TODAY = {
    "time_zone",
    "training_window_start",
    "training_window_end",
    "load_increment_kg",
    "is_active",
}
_RUN_TODAY = {
    "id",
    "plan",
    "start",
    "duration_minutes",
    "status",
    "actual_start",
    "actual_duration_minutes",
    "notes",
    "kind",
    "distance_km",
    "unplanned",
}


def test_the_athletes_own_file_holds_the_weeks_they_see(client: Client, history: History) -> None:
    client.force_login(history.athlete.user)
    document = download(client, history)
    assert [p["week_start"] for p in document["plans"]] == ["2026-11-30"]
    assert [r["id"] for r in document["run_sessions"]] == [history.run.pk]
    assert len(document["lift_sets"]) == 3
    assert len(document["run_files"]) == 1


def test_a_coach_without_the_athlete_gets_404(client: Client, history: History) -> None:
    client.force_login(CoachFactory().user)
    assert client.get(reverse("exports:account", args=[history.athlete.pk])).status_code == 404


# ---------------------------------------------------------------------------- the round trip


def write(tmp_path: Path, document: Any, name: str = "anna.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "athletes": Athlete.objects.count(),
        "plans": WeeklyPlan.objects.count(),
        "runs": RunSession.objects.count(),
        "lifts": LiftSession.objects.count(),
        "sets": LiftSet.objects.count(),
        "files": RunFile.objects.count(),
    }


def test_export_delete_import_export_gives_the_same_file(
    history: History, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Every model of a user's own settings (another app's, one-to-one to the user) travels:
    # a row of each, with its defaults.
    for model in user_settings_models():
        model._default_manager.create(**of_user(model, history.athlete.user))
    original = export_account(history.athlete, published_only=False, now=NOW)
    assert sorted(original["settings"]) == [m._meta.label for m in user_settings_models()]
    old_token = history.athlete.calendar_token
    history.athlete.user.delete()
    assert counts()["athletes"] == 0
    call_command("import_account", write(tmp_path, original), "--coach", "carla")
    out = capsys.readouterr().out
    assert out == (
        "Imported Anna Berg as 'anna' (coach carla): 2 plans, 2 run sessions, 1 lift sessions, "
        "3 lift sets, 1 run files.\n"
        "They have no password here yet: manage.py changepassword anna\n"
    )
    athlete = Athlete.objects.select_related("user", "coach__user").get(user__username="anna")
    assert athlete.coach == history.coach
    assert not athlete.user.has_usable_password()
    assert athlete.calendar_token != old_token
    again = export_account(athlete, published_only=False, now=NOW)
    assert without_ids(again) == without_ids(original)
    assert counts() == {
        "users": 2,
        "athletes": 1,
        "plans": 2,
        "runs": 2,
        "lifts": 1,
        "sets": 3,
        "files": 1,
    }
    # The plans the sessions belong to are the imported ones, in the right week.
    run = RunSession.objects.get(athlete=athlete, kind="interval")
    assert run.plan.coach_note == "Easy week, Anna."
    assert LiftSet.objects.get(session__athlete=athlete, order=2).load_kg == Decimal("147.50")


def test_fields_added_to_a_model_travel(history: History, tmp_path: Path) -> None:
    # A field another branch adds to the athlete (say, units) is in the file and read back;
    # this one exists today and stands in for it: its value must survive unchanged.
    history.athlete.load_increment_kg = Decimal("1.25")
    history.athlete.save()
    original = export_account(history.athlete, published_only=False, now=NOW)
    history.athlete.user.delete()
    call_command("import_account", write(tmp_path, original), stdout=None)
    assert Athlete.objects.get().load_increment_kg == Decimal("1.25")
    assert Athlete.objects.get().coach is None


def test_importing_the_same_file_twice_is_refused(history: History, tmp_path: Path) -> None:
    path = write(tmp_path, export_account(history.athlete, published_only=False, now=NOW))
    before = counts()
    with pytest.raises(CommandError) as error:
        call_command("import_account", path)
    assert str(error.value) == (
        "A user named 'anna' already exists here (imported before?). Import under another name "
        "with --username. Nothing was imported."
    )
    assert counts() == before


def test_another_username_imports_a_copy(history: History, tmp_path: Path) -> None:
    document = export_account(history.athlete, published_only=False, now=NOW)
    for lift_set in document["lift_sets"]:
        lift_set["client_id"] = None  # the phone's retry ids are unique in a database
    call_command("import_account", write(tmp_path, document), "--username", "anna2")
    copy = Athlete.objects.get(user__username="anna2")
    same = {"user": None, "coach": None}  # a copy under another name, on no coach's roster
    assert without_ids(export_account(copy, published_only=False, now=NOW)) | same == (
        without_ids(document) | same
    )


def broken(history: History, change: Any) -> dict[str, Any]:
    document = export_account(history.athlete, published_only=False, now=NOW)
    history.athlete.user.delete()
    change(document)
    return document


def set_value(path: tuple[Any, ...], value: Any) -> Any:
    def change(document: dict[str, Any]) -> None:
        target: Any = document
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            set_value(("version",), 2),
            "The file is format version 2; this Ironstride reads version 1 and older. "
            "Upgrade this Ironstride first.",
        ),
        (set_value(("version",), "1"), "The file's \"version\" is '1', not a format version."),
        (
            set_value(("format",), "wger"),
            'This is not an Ironstride account file (no "format": "ironstride-account").',
        ),
        (set_value(("athlete",), None), 'The file has no "athlete" object.'),
        (
            set_value(("athlete", "time_zone"), "Mars/Olympus"),
            "athlete: time_zone: 'Mars/Olympus' is not an IANA time zone (e.g. Europe/Berlin).",
        ),
        (
            set_value(("athlete", "shoe_size"), 44),
            "athlete: no field shoe_size here (a file from a newer Ironstride?).",
        ),
        (
            set_value(("run_sessions", 1, "kind"), "sprint"),
            "run_sessions[1]: kind: Value 'sprint' is not a valid choice.",
        ),
        (
            set_value(("run_sessions", 0, "plan"), 424242),
            "run_sessions[0].plan: no row with id 424242 in the file.",
        ),
        (
            set_value(("lift_sets", 2, "session"), [1]),
            "lift_sets[2].session: no row with id [1] in the file.",
        ),
        (
            set_value(("lift_sets", 1, "load_kg"), "heavy"),
            "lift_sets[1].load_kg: “heavy” value must be a decimal number.",
        ),
        (
            set_value(("run_sessions", 0, "start"), "2026-12-08T06:00:00+00:00"),
            "run_sessions[0]: starts outside the week of its plan (plan of 2026-11-30).",
        ),
        (set_value(("lift_sets",), {}), '"lift_sets" must be a list.'),
        (set_value(("settings",), []), '"settings" must be an object.'),
        (
            set_value(("settings",), {"garmin.Watch": {"model": "Forerunner"}}),
            "settings.garmin.Watch: no such settings here (a file from a newer Ironstride?).",
        ),
        (set_value(("run_files", 0), "monday.fit"), "run_files[0] must be an object."),
        (
            set_value(("user", "username"), "anna berg!"),
            "user: username: Enter a valid username. This value may contain only letters, "
            "numbers, and @/./+/-/_ characters.",
        ),
    ],
)
def test_a_bad_file_writes_nothing(
    history: History, tmp_path: Path, change: Any, message: str
) -> None:
    path = write(tmp_path, broken(history, change))
    before = counts()
    with pytest.raises(CommandError) as error:
        call_command("import_account", path)
    assert str(error.value) == f"{message} Nothing was imported."
    assert counts() == before


def test_a_constraint_the_database_keeps_writes_nothing(history: History, tmp_path: Path) -> None:
    def two_first_sets(document: dict[str, Any]) -> None:
        document["lift_sets"][1]["order"] = 1

    path = write(tmp_path, broken(history, two_first_sets))
    before = counts()
    with pytest.raises(CommandError, match=r"^The database refused the data: .* Nothing was"):
        call_command("import_account", path)
    assert counts() == before


def test_the_commands_other_errors(history: History, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"^Cannot read .*missing\.json: No such file"):
        call_command("import_account", str(tmp_path / "missing.json"))
    not_json = tmp_path / "notes.txt"
    not_json.write_text("hello", encoding="utf-8")
    with pytest.raises(CommandError, match=r"notes\.txt is not JSON: Expecting value"):
        call_command("import_account", str(not_json))
    path = write(tmp_path, broken(history, lambda document: None))
    with pytest.raises(CommandError) as error:
        call_command("import_account", path, "--coach", "nobody")
    assert str(error.value) == "No coach named 'nobody'; nothing was imported."
    assert not User.objects.filter(username="anna").exists()


def test_export_account_writes_the_file(history: History, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    call_command("export_account", "anna", "--output", str(out))
    document = json.loads(out.read_text(encoding="utf-8"))
    assert len(document["plans"]) == 2  # drafts too
    with pytest.raises(CommandError, match="No athlete named 'bob'."):
        call_command("export_account", "bob")
