"""Hostile input, one section per row of issue 11's table: each answer is a clear 4xx and
writes nothing. Runs on SQLite and, with DATABASE_URL, on PostgreSQL."""

import json
import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from athletes.forms import AthleteForm
from plans.domain.weeks import FIRST_MONDAY, LAST_MONDAY, Week
from plans.models import WeekVerdict
from tests.api.conftest import World, client_for
from tests.workouts import phone_data
from web.api import MAX_JSON_DEPTH
from workouts.models import LiftSet

pytestmark = pytest.mark.django_db

LIFT_START = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fresh_throttles():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db):
    return World()


@pytest.fixture
def phone(world):
    client = Client()
    client.force_login(world.athlete.user)
    return client


@pytest.fixture
def coach_page(world):
    client = Client()
    client.force_login(world.coach.user)
    return client


@pytest.fixture
def lift(world):
    """A published deadlift of three warm-ups and three working sets, on the phone."""
    return phone_data.deadlift(world.athlete, start=LIFT_START)


def snapshot() -> dict[str, list[str]]:
    """Every row the app stores, but the verdict cache: a page may judge this week's roster
    while it answers 400, which stores nothing a user sent."""
    models = [
        model
        for label in ("athletes", "workouts", "plans", "plan_templates")
        for model in apps.get_app_config(label).get_models()
        if model is not WeekVerdict
    ]
    tables = {
        model._meta.label: sorted(repr(row) for row in model._default_manager.values())
        for model in models
    }
    users = get_user_model().objects.values("pk", "username", "password", "is_active")
    tables["users"] = sorted(repr(row) for row in users)
    return tables


def json_post(client, url: str, body, method: str = "post"):
    data = body if isinstance(body, str) else json.dumps(body)
    return getattr(client, method)(url, data, content_type="application/json")


# ---------------------------------------------------------------------------- 40 KB of `[`

DEEP = "[" * 40 * 1024


def api_json_endpoints(world) -> list[tuple[str, str]]:
    pk, lift, week = world.athlete.pk, world.lift.pk, "2026-W49"
    return [
        ("post", "/api/v1/auth/token/"),
        ("post", "/api/v1/athletes/"),
        ("patch", f"/api/v1/athletes/{pk}/"),
        ("post", "/api/v1/run-sessions/"),
        ("patch", f"/api/v1/lift-sessions/{lift}/"),
        ("post", f"/api/v1/lift-sessions/{lift}/sets/"),
        ("patch", f"/api/v1/lift-sessions/{lift}/sets/{world.sets[0].pk}/"),
        ("post", f"/api/v1/athletes/{pk}/weeks/{week}/schedule-deadlift/"),
        ("post", f"/api/v1/athletes/{pk}/weeks/{week}/apply-fix/"),
        ("post", f"/api/v1/weeks/{week}/schedule-roster/"),
        ("post", "/api/v1/templates/"),
        ("put", f"/api/v1/templates/{world.template.pk}/"),
        ("post", f"/api/v1/templates/{world.template.pk}/copy/"),
        ("post", f"/api/v1/templates/{world.template.pk}/preview/"),
        ("post", f"/api/v1/templates/{world.template.pk}/apply/"),
    ]


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(
    "body",
    [
        DEEP,
        # Parses, but looking up a primary key by a list of lists recursed once per level.
        f'{{"athlete": {nested(500)}, "start": "2026-12-03T17:00:00Z"}}',
        f'{{"sets": [{{"order": 1, "reps": {nested(19)}}}]}}',
    ],
    ids=["40 KB of [", "500 levels in a field", "22 levels"],
)
def test_deeply_nested_json_on_the_api_is_400(world, body):
    client = client_for(world.coach.user)
    before = snapshot()
    for method, url in api_json_endpoints(world):
        response = json_post(client, url, body, method)
        assert response.status_code == 400, url
        assert response.json() == {"detail": "The JSON body is nested too deeply."}, url
    assert snapshot() == before


def test_json_as_deep_as_the_limit_is_parsed(world):
    body = {"athlete": world.athlete.pk, "start": "2026-12-03T17:00:00Z", "notes": 1}
    body["notes"] = json.loads(nested(MAX_JSON_DEPTH - 1))
    response = json_post(client_for(world.coach.user), "/api/v1/lift-sessions/", body)
    assert response.status_code == 400
    assert response.json() == {"notes": ["Not a valid string."]}


def test_deeply_nested_json_on_the_phone_is_400(world, phone, lift):
    logged = lift.sets.get(order=1)
    json_post(phone, reverse("workouts:phone_log_set", args=[lift.pk]), a_set(set_id=logged.pk))
    before = snapshot()
    for url in (
        reverse("workouts:phone_log_set", args=[lift.pk]),
        reverse("workouts:phone_edit_set", args=[lift.pk, logged.pk]),
    ):
        response = json_post(phone, url, DEEP)
        assert response.status_code == 400, url
        assert response.json() == {"detail": "The JSON body is nested too deeply."}
    assert snapshot() == before


# ---------------------------------------------------------------------------- weeks out of range


@pytest.mark.parametrize("week", ["9999-W52", "0001-W01", "1999-W52", "2100-W01"])
def test_a_page_addressed_by_a_week_out_of_range_is_404(world, phone, coach_page, week):
    pk = world.athlete.pk
    before = snapshot()
    assert phone.get(f"/me/week/{week}/").status_code == 404
    for path in ("", "runs/add/", "deadlift/add/"):
        assert coach_page.get(f"/athletes/{pk}/week/{week}/{path}").status_code == 404, path
    for path in ("schedule/", "fix/", "copy-runs/", "publish/", "note/", "runs/add/"):
        assert coach_page.post(f"/athletes/{pk}/week/{week}/{path}").status_code == 404, path
    assert snapshot() == before


@pytest.mark.parametrize("week", ["9999-W52", "0001-W01", "2100-W01"])
def test_a_week_out_of_range_in_a_query_or_form_is_400(world, coach_page, week):
    before = snapshot()
    response = coach_page.get("/dashboard/", {"week": week})
    assert response.status_code == 400
    assert b"Give a week between 2000 and 2099." in response.content
    for path in ("/dashboard/schedule/", "/dashboard/publish/"):
        assert coach_page.post(path, {"week": week}).status_code == 400, path
    assert snapshot() == before


@pytest.mark.parametrize("week", ["9999-W52", "0001-W01", "2100-W01"])
def test_a_week_out_of_range_on_the_api_is_404_in_the_path_and_400_in_the_query(world, week):
    # In the path the week names the resource: no such week, no such address (the isoweek
    # converter), the API's JSON 404 as for any unknown address. In the query it is a value the
    # caller sent: 400 on the field, in the parser's words.
    client = client_for(world.coach.user)
    pk = world.athlete.pk
    before = snapshot()
    for method, url in [
        ("get", f"/api/v1/athletes/{pk}/weeks/{week}/"),
        ("post", f"/api/v1/athletes/{pk}/weeks/{week}/schedule-deadlift/"),
        ("post", f"/api/v1/athletes/{pk}/weeks/{week}/publish/"),
        ("post", f"/api/v1/athletes/{pk}/weeks/{week}/apply-fix/"),
        ("post", f"/api/v1/weeks/{week}/schedule-roster/"),
    ]:
        response = client.get(url) if method == "get" else client.post(url, {}, format="json")
        assert response.status_code == 404, url
        assert response.json() == {"detail": "No such endpoint."}, url
    response = client.get(f"/api/v1/violations/?week={week}")
    assert response.status_code == 400
    assert response.json() == {"week": ["Give a week between 2000 and 2099."]}
    assert snapshot() == before


def test_a_week_out_of_range_stops_the_command(world):
    before = snapshot()
    with pytest.raises(CommandError, match="between 2000 and 2099"):
        call_command("schedule_week", week="9999-W52")
    assert snapshot() == before


@pytest.mark.parametrize("monday", [FIRST_MONDAY, LAST_MONDAY], ids=["first", "last"])
def test_the_first_and_the_last_week_of_the_range_are_pages(world, phone, coach_page, monday):
    week = Week(monday).name
    assert week in ("2000-W01", "2099-W53")
    pk = world.athlete.pk
    assert phone.get(f"/me/week/{week}/").status_code == 200
    assert coach_page.get(f"/athletes/{pk}/week/{week}/").status_code == 200
    assert coach_page.get("/dashboard/", {"week": week}).status_code == 200
    assert (
        client_for(world.coach.user).get(f"/api/v1/athletes/{pk}/weeks/{week}/").status_code == 200
    )


@pytest.mark.parametrize(
    "actual_start", ["0001-01-01T00:00", "9999-12-31T23:59", "1999-12-31T23:00"]
)
def test_a_run_done_outside_the_years_is_400_on_the_phone(world, phone, actual_start):
    """Found by probing the pages: year 1 in Berlin overflowed (500), year 9999 was stored."""
    before = snapshot()
    response = phone.post(
        reverse("workouts:phone_run", args=[world.run.pk]),
        {"action": "done", "actual_start": actual_start, "actual_duration_minutes": "30"},
    )
    assert response.status_code == 400
    assert b"Enter a time between 2000 and 2099." in response.content
    assert snapshot() == before


# ---------------------------------------------------------------------------- load_kg digits


def a_set(**values):
    return {"client_id": str(uuid.uuid4()), "reps": 3, "load_kg": "100", "rir": 1, **values}


@pytest.mark.parametrize(
    "load_kg", ["1e-999999999", "1e999999999", "100.00000000005", "NaN", "Infinity", 1e308]
)
def test_a_load_beyond_the_apis_digits_is_400_on_the_phone_as_on_the_api(
    world, phone, lift, load_kg
):
    before = snapshot()
    response = json_post(
        phone, reverse("workouts:phone_log_set", args=[lift.pk]), a_set(load_kg=load_kg)
    )
    assert response.status_code == 400
    assert set(response.json()) == {"load_kg"}
    api = json_post(
        client_for(world.athlete.user),
        f"/api/v1/lift-sessions/{world.lift.pk}/sets/",
        a_set(load_kg=load_kg),
    )
    assert api.status_code == 400
    assert set(api.json()) == {"load_kg"}
    assert snapshot() == before


def test_editing_a_set_with_a_load_beyond_the_digits_is_400(phone, lift):
    logged = lift.sets.get(order=1)
    json_post(phone, reverse("workouts:phone_log_set", args=[lift.pk]), a_set(set_id=logged.pk))
    before = snapshot()
    response = json_post(
        phone,
        reverse("workouts:phone_edit_set", args=[lift.pk, logged.pk]),
        {"reps": 3, "load_kg": "1e-999999999"},
    )
    assert response.status_code == 400
    assert set(response.json()) == {"load_kg"}
    assert snapshot() == before


# ---------------------------------------------------------------------------- client_id


NOT_UUID_STRINGS = [False, True, 0, 5, 2**127, 1.5, [], {}]


@pytest.mark.parametrize("client_id", NOT_UUID_STRINGS, ids=repr)
def test_a_client_id_that_is_not_a_uuid_string_is_400(world, phone, lift, client_id):
    before = snapshot()
    response = json_post(
        phone, reverse("workouts:phone_log_set", args=[lift.pk]), a_set(client_id=client_id)
    )
    assert response.status_code == 400
    assert set(response.json()) == {"client_id"}
    api = client_for(world.coach.user)
    logged = json_post(
        api, f"/api/v1/lift-sessions/{world.lift.pk}/sets/", a_set(client_id=client_id)
    )
    assert logged.status_code == 400
    assert set(logged.json()) == {"client_id"}
    created = json_post(
        api,
        "/api/v1/lift-sessions/",
        {
            "athlete": world.athlete.pk,
            "start": "2026-12-03T17:00:00Z",
            "sets": [{"order": 1, "reps": 3, "client_id": client_id}],
        },
    )
    assert created.status_code == 400
    assert created.json() == {"sets": {"0": {"client_id": ["Must be a valid UUID."]}}}
    assert snapshot() == before
    assert not LiftSet.objects.filter(client_id=uuid.UUID(int=0)).exists()


# ---------------------------------------------------------------------------- nested sets


def test_a_nested_set_with_a_client_id_but_no_reps_is_400_on_the_field(world):
    before = snapshot()
    response = json_post(
        client_for(world.coach.user),
        "/api/v1/lift-sessions/",
        {
            "athlete": world.athlete.pk,
            "start": "2026-12-03T17:00:00Z",
            "sets": [{"order": 1, "client_id": str(uuid.uuid4())}],
        },
    )
    assert response.status_code == 400
    assert response.json() == {"sets": {"0": {"reps": ["A logged set needs its reps."]}}}
    assert snapshot() == before


# ---------------------------------------------------------------------------- unknown /api/ paths


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete", "options"])
@pytest.mark.parametrize(
    "path", ["/api/v1/lift-sessions/abc/", "/api/v1/nothing-here/", "/api/v2/athletes/", "/api/x"]
)
def test_an_unknown_api_path_is_json_404_for_every_method(world, method, path):
    # A logged-in browser without a CSRF token: the check would answer HTML 403.
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.coach.user)
    before = snapshot()
    body = {} if method == "get" else {"data": "{}", "content_type": "application/json"}
    response = getattr(client, method)(path, **body)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "No such endpoint."}
    assert snapshot() == before


# ---------------------------------------------------------------------------- time zones


@pytest.mark.parametrize("zone", ["localtime", "Factory", "posixrules", "Etc/GMT+5", "US/Pacific"])
def test_only_the_forms_time_zones_are_accepted(world, zone):
    client = client_for(world.coach.user)
    before = snapshot()
    created = client.post(
        "/api/v1/athletes/",
        {"username": "new", "password": "a-long-athlete-password", "time_zone": zone},
        format="json",
    )
    assert created.status_code == 400
    assert set(created.json()) == {"time_zone"}
    changed = client.patch(
        f"/api/v1/athletes/{world.athlete.pk}/", {"time_zone": zone}, format="json"
    )
    assert changed.status_code == 400
    assert snapshot() == before
    form = AthleteForm(
        {
            "first_name": "Ana",
            "time_zone": zone,
            "training_window_start": "06:00",
            "training_window_end": "21:00",
            "load_increment_kg": "2.5",
        },
        instance=world.athlete,
    )
    assert not form.is_valid()
    assert set(form.errors) == {"time_zone"}


def test_the_forms_time_zones_are_still_accepted(world):
    client = client_for(world.coach.user)
    for zone in ("UTC", "Europe/Oslo", "America/Argentina/Buenos_Aires"):
        response = client.patch(
            f"/api/v1/athletes/{world.athlete.pk}/", {"time_zone": zone}, format="json"
        )
        assert response.status_code == 200, zone


# ---------------------------------------------------------------------------- sqlite:// URL


SQLITE = "django.db.backends.sqlite3"


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != SQLITE,
    reason="starts Django on a SQLite file; one run of the suite is enough",
)
def test_a_sqlite_database_url_gets_the_tuned_sqlite(tmp_path):
    path = tmp_path / "by-url.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{path}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    root = Path(settings.BASE_DIR)
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=root, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert migrate.returncode == 0, migrate.stderr
    probe = (
        "import django, json; django.setup()\n"
        "from django.conf import settings; from django.db import connection\n"
        "from athletes.models import Athlete\n"
        "db = settings.DATABASES['default']\n"
        "with connection.cursor() as c:\n"
        "    c.execute('PRAGMA journal_mode'); mode = c.fetchone()[0]\n"
        "    c.execute('PRAGMA foreign_keys'); keys = c.fetchone()[0]\n"
        "print(json.dumps([db['ENGINE'], db['NAME'], db['OPTIONS'], mode, keys,"
        " Athlete.objects.count()]))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    engine, name, options, mode, keys, athletes = json.loads(run.stdout)
    default = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    assert (engine, name, mode, keys, athletes) == (SQLITE, str(path), "wal", 1, 0)
    assert options == tuned_sqlite_options(root, default)


def tuned_sqlite_options(root: Path, env: dict) -> dict:
    """The OPTIONS of the default SQLite (no DATABASE_URL), read the same way."""
    run = subprocess.run(
        [sys.executable, "-c",
         "import django, json; django.setup(); from django.conf import settings; "
         "print(json.dumps(settings.DATABASES['default']['OPTIONS']))"],
        cwd=root, env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)
