"""The JSON shapes of the contract, bad input refused field by field, fixed query counts."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.models import PlanStatus, WeeklyPlan
from tests.api.conftest import MONDAY, WEEK, client_for, publish
from tests.conftest import clock_before
from tests.factories import LiftSessionFactory, LiftSetFactory, RunSessionFactory
from workouts.models import LiftSession, RunSession


@pytest.fixture(autouse=True)
def before_the_week():
    with clock_before(MONDAY):
        yield


def test_athlete_shape(world):
    data = client_for(world.coach.user).get(reverse("api:athlete-detail", args=[world.athlete.pk]))
    assert data.json() == {
        "id": world.athlete.pk,
        "username": world.athlete.user.username,
        "first_name": world.athlete.user.first_name,
        "last_name": world.athlete.user.last_name,
        "time_zone": "Europe/Berlin",
        "training_window_start": "06:00",
        "training_window_end": "21:00",
        "load_increment_kg": 2.5,
        "units": "kg",
        "autoregulate_coach_targets": False,
        "is_active": True,
        "e1rm_kg": None,
        "compliance_7d": None,
        "compliance_28d": None,
    }


def test_an_athlete_lists_only_themselves(world):
    data = client_for(world.athlete.user).get("/api/v1/athletes/").json()
    assert data["count"] == 1 and set(data) == {"count", "next", "previous", "results"}
    assert [a["id"] for a in data["results"]] == [world.athlete.pk]


def test_create_an_athlete_who_can_then_log_in(world):
    response = client_for(world.coach.user).post(
        "/api/v1/athletes/",
        {
            "username": "maya",
            "password": "a-long-athlete-password",
            "time_zone": "Europe/Oslo",
            "training_window_start": "06:30:00",
            "training_window_end": "20:00",
        },
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["training_window_start"] == "06:30"
    assert "password" not in response.json()
    token = client_for().post(
        "/api/v1/auth/token/",
        {"username": "maya", "password": "a-long-athlete-password"},
        format="json",
    )
    assert token.status_code == 200


def test_run_session_shape_numbers_and_offsets(world):
    data = client_for(world.athlete.user).get(
        reverse("api:run-session-detail", args=[world.run.pk])
    )
    assert data.json() == {
        "id": world.run.pk,
        "athlete": world.athlete.pk,
        "kind": "interval",
        "start": "2026-12-01T06:00:00+00:00",
        "duration_minutes": 60,
        "status": "planned",
        "actual_start": None,
        "actual_duration_minutes": None,
        "notes": "",
        "distance_km": 10.5,
        "unplanned": False,
        "missed": False,
        "compliance": None,
    }


def test_lift_session_created_with_its_sets(world):
    response = client_for(world.coach.user).post(
        "/api/v1/lift-sessions/",
        {
            "athlete": world.athlete.pk,
            "start": "2026-12-03T18:00:00+01:00",
            "sets": [
                {"order": 1, "is_warmup": True, "target_reps": 5, "target_load_kg": 40},
                {"order": 2, "target_reps": 3, "target_load_kg": 102.5, "target_rir": 1},
            ],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["start"] == "2026-12-03T17:00:00+00:00"
    assert body["exercise"] == "deadlift"
    assert [(s["order"], s["target_load_kg"]) for s in body["sets"]] == [(1, 40), (2, 102.5)]
    assert set(body["sets"][0]) == {
        "id", "order", "is_warmup", "target_reps", "target_load_kg", "target_rir",
        "target_load_reason", "original_target_load_kg", "adjustment", "reps", "load_kg", "rir",
        "failed", "client_id", "adjustment_reason",
    }  # fmt: skip


def test_filters(world):
    RunSessionFactory(athlete=world.athlete, start=datetime(2026, 12, 10, 7, tzinfo=UTC))
    client = client_for(world.coach.user)
    within = client.get(
        "/api/v1/run-sessions/",
        {"athlete": world.athlete.pk, "start_after": "2026-12-01T00:00:00Z",
         "start_before": "2026-12-02T00:00:00+00:00"},
    )  # fmt: skip
    assert [r["id"] for r in within.json()["results"]] == [world.run.pk]
    assert client.get("/api/v1/run-sessions/", {"start_after": "soon"}).status_code == 400
    assert client.get("/api/v1/run-sessions/", {"athlete": "x"}).status_code == 400


def test_athletes_see_published_weeks_only(world):
    draft = RunSessionFactory(athlete=world.athlete, start=datetime(2026, 12, 8, 7, tzinfo=UTC))
    athlete, coach = client_for(world.athlete.user), client_for(world.coach.user)
    url = reverse("api:run-session-detail", args=[draft.pk])
    assert athlete.get(url).status_code == 404
    assert coach.get(url).status_code == 200
    assert draft.pk not in [r["id"] for r in athlete.get("/api/v1/run-sessions/").json()["results"]]
    week = reverse("api:week", kwargs={"pk": world.athlete.pk, "week": "2026-W50"})
    assert athlete.get(week).status_code == 404
    assert coach.get(week).json()["plan"] == {"status": "draft", "note": ""}


def test_athlete_may_report_how_it_went_but_not_change_the_plan(world):
    client = client_for(world.athlete.user)
    url = reverse("api:run-session-detail", args=[world.run.pk])
    done = client.patch(url, {"status": "done", "actual_duration_minutes": 55}, format="json")
    assert done.status_code == 200
    assert done.json()["actual_start"] == "2026-12-01T06:00:00+00:00"  # done as planned
    for change in ({"start": "2026-12-01T09:00:00Z"}, {"kind": "easy"}, {"distance_km": 3}):
        response = client.patch(url, change, format="json")
        assert response.status_code == 403, change
    world.run.refresh_from_db()
    assert (world.run.kind, world.run.distance_km) == ("interval", Decimal("10.5"))
    # The same value again is no change: a client may send back what it read.
    assert client.patch(url, {"kind": "interval"}, format="json").status_code == 200


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/api/v1/athletes/", {"time_zone": "Mars/Olympus"}, "time_zone"),
        ("/api/v1/athletes/", {"training_window_start": "20:00", "training_window_end": "06:00"},
         "training_window_end"),
        ("/api/v1/athletes/", {"load_increment_kg": "heavy"}, "load_increment_kg"),
        ("/api/v1/run-sessions/", {"duration_minutes": "long"}, "duration_minutes"),
        ("/api/v1/run-sessions/", {"distance_km": -1}, "distance_km"),
        ("/api/v1/run-sessions/", {"start": "0001-01-01T00:00:00Z"}, "start"),
        ("/api/v1/run-sessions/", {"kind": "sprint"}, "kind"),
        ("/api/v1/lift-sessions/", {"sets": [{"order": 1, "target_reps": 1000}]}, "sets"),
        ("/api/v1/lift-sessions/", {"sets": [{"order": 1, "target_rir": 11}]}, "sets"),
        ("/api/v1/lift-sessions/", {"sets": [{"order": 1, "target_load_kg": -5}]}, "sets"),
        ("/api/v1/lift-sessions/", {"sets": [{"order": 1, "load_kg": 80}]}, "sets"),
        ("/api/v1/lift-sessions/", {"sets": [{"order": 1}, {"order": 1}]}, "sets"),
    ],
    ids=["unknown time zone", "window ends before it starts", "string load increment",
         "string duration", "negative distance", "year 1", "unknown kind", "reps 1000",
         "RIR 11", "load -5", "load without reps", "two sets of one order"],
)  # fmt: skip
def test_bad_input_is_400_per_field_and_writes_nothing(world, url, body, field):
    base = {
        "/api/v1/athletes/": {"username": "new", "password": "a-long-athlete-password"},
        "/api/v1/run-sessions/": {"athlete": world.athlete.pk, "kind": "easy",
                                  "start": "2026-12-03T07:00:00Z"},
        "/api/v1/lift-sessions/": {"athlete": world.athlete.pk, "start": "2026-12-03T17:00:00Z"},
    }[url]  # fmt: skip
    counts = (RunSession.objects.count(), LiftSession.objects.count())
    response = client_for(world.coach.user).post(url, {**base, **body}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert (RunSession.objects.count(), LiftSession.objects.count()) == counts


@pytest.mark.parametrize(
    ("week", "status"),
    [("2026-W49", 200), ("2026-W54", 404), ("2026-49", 404), ("abc", 404), ("1066-W01", 404)],
)
def test_iso_weeks(world, week, status):
    # An address naming no week names no resource: the API's JSON 404.
    response = client_for(world.coach.user).get(
        f"/api/v1/athletes/{world.athlete.pk}/weeks/{week}/"
    )
    assert response.status_code == status
    if status == 404:
        assert response.json() == {"detail": "No such endpoint."}


def test_not_json_is_415_and_broken_json_400_and_huge_413(world, settings):
    client = client_for(world.coach.user)
    form = client.post("/api/v1/run-sessions/", {"kind": "easy"})  # multipart form
    assert form.status_code == 415 and "detail" in form.json()
    broken = client.post("/api/v1/run-sessions/", data="{not json", content_type="application/json")
    assert broken.status_code == 400 and "detail" in broken.json()
    settings.API_MAX_BODY_BYTES = 1000
    huge = client.post(
        "/api/v1/run-sessions/",
        data='{"notes": "' + "x" * 5000 + '"}',
        content_type="application/json",
    )
    assert huge.status_code == 413 and "detail" in huge.json()
    assert RunSession.objects.count() == 1


def test_the_week(world):
    WeeklyPlan.objects.filter(athlete=world.athlete).update(coach_note="Easy does it")
    data = (
        client_for(world.athlete.user)
        .get(reverse("api:week", kwargs={"pk": world.athlete.pk, "week": WEEK}))
        .json()
    )
    assert data["athlete"] == world.athlete.pk and data["week"] == WEEK
    assert data["starts_at"] == "2026-11-29T23:00:00+00:00"  # Monday 00:00 in Berlin
    assert data["time_zone"] == "Europe/Berlin"
    assert data["plan"] == {"status": "published", "note": "Easy does it"}
    assert [(s["type"], s["id"]) for s in data["sessions"]] == [
        ("run", world.run.pk),
        ("lift", world.lift.pk),
    ]
    by_code = {v["code"]: v for v in data["violations"]}
    sets = by_code["deadlift.sets_out_of_range"]
    assert sets["severity"] == "warning" and sets["session_ids"] == [world.lift.pk]
    assert sets["fix"] == {"action": "add_working_sets", "label": "Add 1 working set"}


def test_schedule_deadlift_publish_and_fix_through_the_engine(world):
    client = client_for(world.coach.user)
    kwargs = {"pk": world.athlete.pk, "week": WEEK}
    fixed = client.post(
        reverse("api:apply-fix", kwargs=kwargs), {"code": "deadlift.sets_out_of_range"},
        format="json",
    )  # fmt: skip
    assert fixed.status_code == 200
    assert "deadlift.sets_out_of_range" not in {v["code"] for v in fixed.json()["violations"]}
    again = client.post(
        reverse("api:apply-fix", kwargs=kwargs), {"code": "deadlift.sets_out_of_range"},
        format="json",
    )  # fmt: skip
    assert again.status_code == 400
    first = client.post(reverse("api:schedule-deadlift", kwargs=kwargs), format="json").json()
    second = client.post(reverse("api:schedule-deadlift", kwargs=kwargs), format="json").json()
    assert first["scheduling"]["result"] in {"moved", "updated", "unchanged", "placed"}
    assert second["scheduling"]["result"] == "unchanged"
    bad = client.post(reverse("api:schedule-deadlift", kwargs=kwargs), {"sets": 5}, format="json")
    assert bad.status_code == 400 and "sets" in bad.json()
    draft = {"pk": world.athlete.pk, "week": "2026-W50"}
    published = client.post(reverse("api:publish-week", kwargs=draft)).json()
    assert published["plan"]["status"] == PlanStatus.PUBLISHED
    roster = client.post(reverse("api:schedule-roster", kwargs={"week": "2026-W50"})).json()
    assert {r["athlete"] for r in roster["results"]} == {world.athlete.pk, world.other_athlete.pk}
    violations = client.get("/api/v1/violations/", {"week": "2026-W50", "severity": "error"})
    assert violations.status_code == 200
    assert all(v["severity"] == "error" for v in violations.json()["results"])
    assert client.get("/api/v1/violations/", {"severity": "fatal"}).status_code == 400


def _add_sessions(athlete, count):
    start = datetime(2026, 11, 30, 7, tzinfo=UTC)
    for day in range(count):
        RunSessionFactory(athlete=athlete, start=start + timedelta(hours=7 * day))
        lift = LiftSessionFactory(athlete=athlete, start=start + timedelta(hours=7 * day + 3))
        LiftSetFactory(session=lift, order=1)
        LiftSetFactory(session=lift, order=2)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/api/v1/run-sessions/", 3),
        ("/api/v1/lift-sessions/", 4),
        # The e1RMs come from the week's read model (plans.selectors, Detail.E1RM): the lifts
        # of the history, then their sets (one join query before); the 7- and 28-day
        # compliance one more (the page's runs and lifts of 28 days, one UNION).
        ("/api/v1/athletes/", 6),
        # The token, the athlete with their revision, then the week (plan, runs, lifts, sets);
        # once cached, the first two only (tests/api/test_week_etag.py).
        (f"/api/v1/athletes/{{athlete}}/weeks/{WEEK}/", 6),
    ],
)
def test_fixed_query_counts_whatever_the_number_of_sessions(
    world, url, expected, django_assert_num_queries
):
    client = client_for(world.coach.user)
    url = url.format(athlete=world.athlete.pk)
    _add_sessions(world.athlete, 1)
    few = _queries(client, url)
    _add_sessions(world.athlete, 12)
    publish(world.athlete)
    with django_assert_num_queries(expected):
        client.get(url)
    assert few == expected


def test_odd_offsets_and_years_in_filters_are_fine(world):
    client = client_for(world.coach.user)
    for value in ("1820-04-05T15:55:54-19:31", "9999-12-31T23:59:59+14:00", "0001-01-01T00:00Z"):
        assert client.get("/api/v1/run-sessions/", {"start_after": value}).status_code == 200
