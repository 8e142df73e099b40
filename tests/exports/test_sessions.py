"""The sessions export: CSV and JSON, exactly; date ranges; streaming; who may download what."""

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from exports import rows
from tests.exports.conftest import History, make_history
from tests.factories import AthleteFactory, CoachFactory, LiftSetFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

HEADER = (
    "Athlete,Username,Date,Time,Time zone,Week,Session,Kind,Status,Compliance,"
    "Planned duration (min),Actual start,Actual duration (min),Distance (km),Set,Target reps,"
    "Target load (kg),Target RIR,Reps,Load (kg),RIR,Failed,Notes\r\n"
)
RUN = (
    "Anna Berg,anna,2026-11-30,07:00,Europe/Berlin,2026-W49,run,interval,done,"
    "On plan · 104 %,60,2026-11-30 07:05,62,10.5,,,,,,,,,'=1+1 felt strong\r\n"
)
LIFT = (
    "Anna Berg,anna,2026-11-30,17:00,Europe/Berlin,2026-W49,lift,deadlift,planned,"
    "On plan · 100 %,45,,,,"
)
SETS = [
    LIFT + "Warm-up 1,5,60,,,,,,\r\n",
    LIFT + "Set 1,3,147.5,1,3,147.5,2,no,\r\n",
    LIFT + "Set 2,3,147.5,1,,,,,\r\n",
]
DRAFT = (
    "Anna Berg,anna,2026-12-08,07:00,Europe/Berlin,2026-W50,run,easy,planned,,60,,,,,,,,,,,,\r\n"
)


def body(response: Any) -> str:
    """A streamed answer's text, read to its end (the queries run while it is read)."""
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(cast(Iterator[bytes], response.streaming_content)).decode()


@pytest.fixture
def coach_client(client: Client, history: History) -> Client:
    client.force_login(history.coach.user)
    return client


def test_the_coach_downloads_an_athletes_csv(coach_client: Client, history: History) -> None:
    response = coach_client.get(reverse("exports:athlete_csv", args=[history.athlete.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"] == 'attachment; filename="ironstride-anna-2026-12-05.csv"'
    )
    assert body(response) == HEADER + RUN + "".join(SETS) + DRAFT


def test_the_json_holds_the_same_rows(coach_client: Client, history: History) -> None:
    response = coach_client.get(reverse("exports:athlete_json", args=[history.athlete.pk]))
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == (
        'attachment; filename="ironstride-anna-2026-12-05.json"'
    )
    data = json.loads(body(response))
    assert len(data) == 5
    assert data[0] == {
        "athlete": "Anna Berg",
        "username": "anna",
        "date": "2026-11-30",
        "time": "07:00",
        "time_zone": "Europe/Berlin",
        "week": "2026-W49",
        "session": "run",
        "kind": "interval",
        "status": "done",
        "compliance": "On plan · 104 %",
        "planned_minutes": 60,
        "actual_start": "2026-11-30 07:05",
        "actual_minutes": 62,
        "distance_km": "10.5",
        "set": None,
        "target_reps": None,
        "target_load_kg": None,
        "target_rir": None,
        "reps": None,
        "load_kg": None,
        "rir": None,
        "failed": None,
        "notes": "=1+1 felt strong",
    }
    assert data[2] | {} == data[0] | {
        "time": "17:00",
        "session": "lift",
        "kind": "deadlift",
        "status": "planned",
        "compliance": "On plan · 100 %",
        "planned_minutes": 45,
        "actual_start": None,
        "actual_minutes": None,
        "distance_km": None,
        "set": "Set 1",
        "target_reps": 3,
        "target_load_kg": "147.5",
        "target_rir": 1,
        "reps": 3,
        "load_kg": "147.5",
        "rir": 2,
        "failed": False,
        "notes": "",
    }
    assert [row["set"] for row in data] == [None, "Warm-up 1", "Set 1", "Set 2", None]
    assert data[3]["failed"] is None  # not logged yet


def test_a_lift_without_sets_is_one_row(coach_client: Client, history: History) -> None:
    history.lift.sets.all().delete()
    response = coach_client.get(reverse("exports:athlete_csv", args=[history.athlete.pk]))
    # Nothing logged and over: missed.
    missed = LIFT.replace("On plan · 100 %", "Off plan · missed")
    assert body(response) == HEADER + RUN + missed + ",,,,,,,,\r\n" + DRAFT


def test_a_failed_set_says_so(coach_client: Client, history: History) -> None:
    history.lift.sets.filter(order=3).update(reps=2, load_kg=150, rir=0, failed=True)
    response = coach_client.get(reverse("exports:athlete_csv", args=[history.athlete.pk]))
    assert body(response).splitlines()[4] == LIFT + "Set 2,3,147.5,1,2,150,0,yes,"


# ---------------------------------------------------------------------------- date ranges


@pytest.mark.parametrize(
    ("query", "expected", "label"),
    [
        # The run and the lift are on Monday 30 November (local), the draft on 8 December.
        ("from=2026-11-30&to=2026-11-30", RUN + "".join(SETS), "2026-11-30-to-2026-11-30"),
        ("from=2026-12-01&to=2026-12-08", DRAFT, "2026-12-01-to-2026-12-08"),
        ("from=2026-12-01&to=2026-12-07", "", "2026-12-01-to-2026-12-07"),
        ("to=2026-11-29", "", "to-2026-11-29"),
        ("to=2026-11-30", RUN + "".join(SETS), "to-2026-11-30"),
        ("from=2026-12-08", DRAFT, "from-2026-12-08"),
        ("from=2026-12-09", "", "from-2026-12-09"),
        ("from=&to=", RUN + "".join(SETS) + DRAFT, "2026-12-05"),
    ],
)
def test_a_date_range_holds_its_local_days_both_ends_included(
    coach_client: Client, history: History, query: str, expected: str, label: str
) -> None:
    url = reverse("exports:athlete_csv", args=[history.athlete.pk])
    response = coach_client.get(f"{url}?{query}")
    assert body(response) == HEADER + expected
    assert response["Content-Disposition"] == f'attachment; filename="ironstride-anna-{label}.csv"'


def test_the_local_date_decides_not_utc(coach_client: Client, history: History) -> None:
    # 23:30 UTC on 30 November is already 1 December in Berlin.
    history.run.start = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)
    history.run.save()
    url = reverse("exports:athlete_csv", args=[history.athlete.pk])
    assert "2026-12-01,00:30" in body(coach_client.get(f"{url}?from=2026-12-01&to=2026-12-01"))
    assert "run,interval" not in body(coach_client.get(f"{url}?from=2026-11-30&to=2026-11-30"))


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=2026-12-02&to=2026-12-01", "'from' (2026-12-02) is after 'to' (2026-12-01)."),
        ("from=yesterday", "'from' must be a date like 2026-11-30, not 'yesterday'."),
        ("to=2026-02-30", "'to' must be a date like 2026-11-30, not '2026-02-30'."),
        ("to=2026-W49-1", "'to' must be a date like 2026-11-30, not '2026-W49-1'."),
        ("from=20261201", "'from' must be a date like 2026-11-30, not '20261201'."),
    ],
)
@pytest.mark.parametrize("name", ["exports:roster_csv", "exports:roster_json"])
def test_a_bad_range_is_a_400_and_nothing_else(
    coach_client: Client, query: str, message: str, name: str
) -> None:
    response = coach_client.get(f"{reverse(name)}?{query}")
    assert response.status_code == 400
    assert not response.streaming
    assert response.content.decode() == message
    assert "Content-Disposition" not in response


def test_the_range_checks_happen_for_one_athlete_too(
    coach_client: Client, history: History
) -> None:
    url = reverse("exports:athlete_json", args=[history.athlete.pk])
    assert coach_client.get(f"{url}?from=2026-12-02&to=2026-12-01").status_code == 400
    assert coach_client.get(f"{url}?from=2026-12-01&to=2026-12-01").status_code == 200


# ---------------------------------------------------------------------------- the roster


def test_the_roster_export_holds_every_athlete_by_name(
    coach_client: Client, history: History
) -> None:
    # Added later, sorted before Anna Berg by last name; another coach's athlete is not there.
    make_history(history.coach, username="abe", last_name="Aalto")
    make_history(CoachFactory(), username="zed", last_name="Stranger")
    response = coach_client.get(reverse("exports:roster_csv"))
    assert response["Content-Disposition"] == (
        'attachment; filename="ironstride-roster-carla-2026-12-05.csv"'
    )
    lines = body(response).splitlines()
    names = [line.split(",")[1] for line in lines[1:]]
    assert names == ["abe"] * 5 + ["anna"] * 5


def test_a_deactivated_athletes_history_is_in_the_roster_export(
    coach_client: Client, history: History
) -> None:
    history.athlete.deactivate()
    assert body(coach_client.get(reverse("exports:roster_csv"))).count("anna") == 5


def roster_queries(client: Client, fmt: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(f"exports:roster_{fmt}"))
        body(response)
    return len(queries)


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_the_roster_streams_in_a_fixed_number_of_queries(client: Client, fmt: str) -> None:
    coach = CoachFactory()
    client.force_login(coach.user)
    for number in range(2):
        make_history(coach, username=f"a{number}")
    # The session, the user, the coach, the athletes' order, the runs, the lifts, their sets.
    assert roster_queries(client, fmt) == 6
    for number in range(2, 20):
        make_history(coach, username=f"a{number}")
    assert roster_queries(client, fmt) == 6


def test_queries_grow_with_chunks_not_athletes(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    coach = CoachFactory()
    client.force_login(coach.user)
    for number in range(4):
        make_history(coach, username=f"a{number}")  # 8 runs and 4 lifts
    monkeypatch.setattr(rows, "CHUNK_SIZE", 3)
    # One query reads each kind of session, a chunk at a time from the cursor; each chunk of
    # lifts reads its sets: 4 lifts in chunks of 3 are two reads of sets.
    assert roster_queries(client, "csv") == 7
    monkeypatch.setattr(rows, "CHUNK_SIZE", 500)
    assert roster_queries(client, "csv") == 6


# ---------------------------------------------------------------------------- who may download


def test_another_coachs_athlete_is_404(client: Client, history: History) -> None:
    client.force_login(CoachFactory().user)
    for name in ("exports:athlete_csv", "exports:athlete_json", "exports:account"):
        assert client.get(reverse(name, args=[history.athlete.pk])).status_code == 404
    assert client.get(reverse("exports:athlete_csv", args=[999999])).status_code == 404


def test_the_athlete_downloads_their_own_published_weeks(client: Client, history: History) -> None:
    client.force_login(history.athlete.user)
    response = client.get(reverse("exports:athlete_csv", args=[history.athlete.pk]))
    # The draft week is the coach's work in progress: not in the athlete's own export.
    assert body(response) == HEADER + RUN + "".join(SETS)


def test_an_athlete_sees_no_other_athlete(client: Client, history: History) -> None:
    other = AthleteFactory(coach=history.coach)
    client.force_login(other.user)
    for name in ("exports:athlete_csv", "exports:athlete_json", "exports:account"):
        assert client.get(reverse(name, args=[history.athlete.pk])).status_code == 404
    assert client.get(reverse("exports:roster_csv")).status_code == 403


def test_anonymous_users_log_in_first(client: Client, history: History) -> None:
    response = client.get(reverse("exports:roster_csv"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_user_with_no_role_sees_nothing(client: Client, history: History) -> None:
    client.force_login(UserFactory())
    assert client.get(reverse("exports:athlete_csv", args=[history.athlete.pk])).status_code == 404
    assert client.get(reverse("exports:roster_json")).status_code == 403


def test_the_export_answers_get_only(coach_client: Client, history: History) -> None:
    assert coach_client.post(reverse("exports:roster_csv")).status_code == 405


def test_sets_added_after_the_chunk_was_read_do_not_break_the_order(
    coach_client: Client, history: History
) -> None:
    # A second lift on the same day, after the first: rows stay in start order.
    later = history.lift.start + timedelta(hours=2)
    second = LiftSetFactory(session__athlete=history.athlete, session__start=later, order=1)
    lines = body(coach_client.get(reverse("exports:athlete_csv", args=[history.athlete.pk])))
    times = [line.split(",")[3] for line in lines.splitlines()[1:]]
    assert times == ["07:00", "17:00", "17:00", "17:00", "19:00", "07:00"]
    assert second.session.plan.week_start.isoformat() == "2026-11-30"
