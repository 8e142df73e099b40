"""The week endpoint builds its answer from plain values (plans.api.week_data over
plans.selectors.read_week); these tests hold it to what the serializers it documents made of
the same week, byte for byte, on a week that has a bit of everything."""

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from rest_framework.renderers import JSONRenderer

from athletes.models import Athlete
from plans import services
from plans.api import (
    LiftInWeekSerializer,
    RunInWeekSerializer,
    WeekSerializer,
    _violation,
)
from plans.domain.weeks import Week
from plans.models import PlanStatus, WeeklyPlan
from plans.selectors import (
    _LIFTS_AND_SETS_IN_RANGE,
    LIFT_COLUMNS,
    LIFT_SET_COLUMNS,
    RUN_COLUMNS,
    CompiledQuery,
)
from tests.api.conftest import MONDAY, WEEK, World, client_for, publish
from tests.conftest import clock_before
from tests.factories import LiftSessionFactory, LiftSetFactory, RunSessionFactory
from workouts.models import Exercise, LiftSession, RunKind, RunSession, SessionStatus
from workouts.serializers import LiftSessionSerializer, LiftSetSerializer, RunSessionSerializer


@pytest.fixture(autouse=True)
def before_the_week():
    with clock_before(MONDAY):
        yield


def serialized_week(athlete, monday) -> bytes:
    """The week as the serializers made it (the code the direct build replaced): the engine's
    report through RunSessionSerializer, LiftSessionSerializer and WeekSerializer."""
    report = services.evaluate_week(athlete=athlete, week=monday)
    loaded = report.loaded
    runs, lifts = loaded.own(loaded.runs), loaded.own(loaded.lifts)
    run_data = RunSessionSerializer(runs, many=True).data
    lift_data = LiftSessionSerializer(lifts, many=True).data
    sessions = [
        (run.start, 0, run.pk, {"type": "run", **data})
        for run, data in zip(runs, run_data, strict=True)
    ] + [
        (lift.start, 1, lift.pk, {"type": "lift", **data})
        for lift, data in zip(lifts, lift_data, strict=True)
    ]
    starts_at, ends_at = loaded.bounds
    plan = loaded.plan
    data = {
        "athlete": athlete.pk,
        "week": Week(monday).name,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "time_zone": athlete.time_zone,
        "plan": {
            "status": plan.status if plan else PlanStatus.DRAFT.value,
            "note": plan.coach_note if plan else "",
        },
        "e1rm_kg": loaded.e1rm.kg if loaded.e1rm else None,
        "sessions": [item[3] for item in sorted(sessions, key=lambda item: item[:3])],
        "violations": [_violation(v) for v in report.violations],
    }
    return JSONRenderer().render(WeekSerializer(data).data)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 30, tzinfo=UTC) + timedelta(days=day, hours=hour, minutes=minute)


def busy_week(world: World) -> None:
    """Runs done, skipped and in the neighbouring weeks; a deadlift 3 h after the intervals
    with warm-ups, targets and logged sets (to failure, high reps, failed, too easy), another
    without sets 4 h after the last week's intervals, a squat; 42 days of history with sets
    that count and sets that don't. World already has an interval run on Tuesday 06:00 and a
    deadlift at 16:00."""
    athlete = world.athlete
    RunSessionFactory(
        athlete=athlete,
        kind=RunKind.TEMPO,
        start=at(0, 6),
        status=SessionStatus.DONE,
        actual_start=at(0, 6, 10),
        actual_duration_minutes=50,
        distance_km=Decimal("12.35"),
        notes="Windy.",
    )
    RunSessionFactory(athlete=athlete, kind=RunKind.EASY, start=at(3, 7), status="skipped")
    # Neighbours: Sunday night before the week (an interval, within reach) and after it.
    RunSessionFactory(athlete=athlete, kind=RunKind.INTERVAL, start=at(-1, 20))
    RunSessionFactory(athlete=athlete, kind=RunKind.LONG, start=at(7, 0))
    lift = LiftSessionFactory(athlete=athlete, start=at(1, 10), notes="Chalk.")
    for order, load in ((1, "40"), (2, "60.5")):
        LiftSetFactory(
            session=lift, order=order, is_warmup=True, target_reps=5, target_load_kg=Decimal(load)
        )
    LiftSetFactory(
        session=lift, order=3, reps=3, load_kg=Decimal("102.5"), rir=0, client_id=uuid.uuid4()
    )
    LiftSetFactory(session=lift, order=4, reps=12, load_kg=Decimal("60.25"), rir=3, failed=True)
    LiftSetFactory(session=lift, order=5, target_reps=5, target_rir=4, target_load_kg=None)
    # A third deadlift, without sets, 4 h after the interval run of the Sunday before.
    LiftSessionFactory(athlete=athlete, start=at(0, 1))
    squat = LiftSessionFactory(athlete=athlete, exercise=Exercise.SQUAT, start=at(2, 17))
    LiftSetFactory(session=squat, order=1, reps=5, load_kg=Decimal("80"), rir=2)
    # History: what counts for the e1RM, and what does not.
    done = LiftSessionFactory(athlete=athlete, start=at(-10, 17), status=SessionStatus.DONE)
    LiftSetFactory(session=done, order=1, is_warmup=True, reps=5, load_kg=Decimal("200"), rir=0)
    LiftSetFactory(session=done, order=2, reps=3, load_kg=Decimal("120"), rir=1)
    LiftSetFactory(session=done, order=3, reps=2, load_kg=Decimal("122.5"), rir=2)
    LiftSetFactory(session=done, order=4, reps=3, load_kg=Decimal("190"), rir=1, failed=True)
    skipped = LiftSessionFactory(athlete=athlete, start=at(-5, 17), status=SessionStatus.SKIPPED)
    LiftSetFactory(session=skipped, order=1, reps=3, load_kg=Decimal("180"), rir=1)
    old = LiftSessionFactory(athlete=athlete, start=at(-43, 17), status=SessionStatus.DONE)
    LiftSetFactory(session=old, order=1, reps=3, load_kg=Decimal("170"), rir=1)
    heavy_squat = LiftSessionFactory(athlete=athlete, exercise=Exercise.SQUAT, start=at(-3, 17))
    LiftSetFactory(session=heavy_squat, order=1, reps=3, load_kg=Decimal("175"), rir=1)
    WeeklyPlan.objects.filter(athlete=athlete, week_start=MONDAY).update(coach_note="Go easy.")


def week_url(athlete, week=WEEK) -> str:
    return reverse("api:week", kwargs={"pk": athlete.pk, "week": week})


@pytest.mark.parametrize("caller", ["coach", "athlete"])
def test_the_week_is_what_the_serializers_made_of_it(world, caller):
    busy_week(world)
    response = client_for(world.user(caller)).get(week_url(world.athlete))
    assert response.status_code == 200
    assert response.content == serialized_week(world.athlete, MONDAY)
    data = response.json()
    # The busy week has all it was built for, so the comparison compared something.
    assert len(data["sessions"]) == 7 and data["e1rm_kg"] == 137.3
    lifts = [s for s in data["sessions"] if s["type"] == "lift"]
    assert [len(lift["sets"]) for lift in lifts] == [0, 5, 2, 1]
    assert {v["code"] for v in data["violations"]} >= {
        "deadlift.too_many",
        "deadlift.too_close_to_intervals",
        "deadlift.to_failure",
        "deadlift.high_reps",
    }
    assert any(v["fix"] for v in data["violations"])


def test_missed_in_the_week_is_what_the_serializers_made_of_it(world):
    # Thursday noon: Tuesday's interval run and deadlift and Monday's deadlift without sets
    # are missed; the lifts with a logged set, the done and the skipped runs are not.
    busy_week(world)
    with time_machine.travel(at(3, 12), tick=False):
        response = client_for(world.coach.user).get(week_url(world.athlete))
        assert response.content == serialized_week(world.athlete, MONDAY)
    missed = [(s["type"], s["start"][:13]) for s in response.json()["sessions"] if s["missed"]]
    assert missed == [
        ("lift", "2026-11-30T01"),
        ("run", "2026-12-01T06"),
        ("lift", "2026-12-01T16"),
    ]


def test_an_empty_draft_week_is_what_the_serializers_made_of_it(world):
    response = client_for(world.coach.user).get(week_url(world.athlete, "2027-W10"))
    assert response.status_code == 200
    assert response.content == serialized_week(world.athlete, MONDAY + timedelta(weeks=14))
    assert response.json()["plan"] == {"status": "draft", "note": ""}


def test_the_week_after_a_change_is_what_the_serializers_made_of_it(world):
    busy_week(world)
    client = client_for(world.coach.user)
    kwargs = {"pk": world.athlete.pk, "week": "2026-W50"}
    RunSessionFactory(athlete=world.athlete, kind=RunKind.INTERVAL, start=at(8, 7))
    published = client.post(reverse("api:publish-week", kwargs=kwargs))
    assert published.status_code == 200
    assert published.content == serialized_week(world.athlete, MONDAY + timedelta(weeks=1))
    scheduled = client.post(reverse("api:schedule-deadlift", kwargs=kwargs), format="json")
    assert scheduled.status_code == 200
    body = scheduled.json()
    assert body.pop("scheduling")["result"] == "placed"
    expected = JSONRenderer().render(body)
    assert expected == serialized_week(world.athlete, MONDAY + timedelta(weeks=1))


def test_the_columns_read_are_the_documented_fields_in_their_order():
    assert ["type", *RUN_COLUMNS, "missed"] == RunInWeekSerializer.Meta.fields
    assert ["type", *LIFT_COLUMNS, "sets", "missed"] == LiftInWeekSerializer.Meta.fields
    assert list(LIFT_SET_COLUMNS) == LiftSetSerializer.Meta.fields


def test_a_bad_week_is_404_for_any_athlete_so_it_tells_nothing(world):
    client = client_for(world.coach.user)
    for athlete in (world.stranger, world.athlete):
        response = client.get(f"/api/v1/athletes/{athlete.pk}/weeks/abc/")
        assert response.status_code == 404
        assert response.json() == {"detail": "No such endpoint."}
    assert client.get(week_url(world.stranger)).status_code == 404


def test_an_unpublished_week_is_404_for_the_athlete_and_shown_to_the_coach(world):
    draft = week_url(world.athlete, "2026-W50")
    RunSessionFactory(athlete=world.athlete, start=at(8, 7))
    assert client_for(world.athlete.user).get(draft).status_code == 404
    assert client_for(world.coach.user).get(draft).json()["plan"]["status"] == "draft"
    publish(world.athlete, MONDAY + timedelta(weeks=1))
    assert client_for(world.athlete.user).get(draft).status_code == 200


@pytest.mark.parametrize(("caller", "queries"), [("coach", 7), ("athlete", 8)])
def test_the_week_in_a_fixed_number_of_queries(world, caller, queries, django_assert_num_queries):
    # The token (2 queries) and the caller's role (1 for a coach, 2 for an athlete), as for
    # /ping/; then the athlete, the week's plan, the runs, the lifts with their sets.
    busy_week(world)
    client = client_for(world.user(caller))
    with django_assert_num_queries(queries):
        assert client.get(week_url(world.athlete)).status_code == 200


def test_a_week_the_engine_cannot_read_is_400_naming_the_athlete(world):
    Athlete.objects.filter(pk=world.athlete.pk).update(time_zone="Mars/Olympus_Mons")
    response = client_for(world.coach.user).get(week_url(world.athlete))
    assert response.status_code == 400
    name = world.athlete.user.get_full_name()
    assert response.json() == {"detail": f"{name} has no valid time zone ('Mars/Olympus_Mons')."}


@pytest.mark.parametrize(
    ("after", "before"),
    [
        (at(-50, 0), at(8, 0)),
        (at(1, 0), at(1, 10)),
        (at(1, 10), at(1, 10, 1)),
        (at(9, 0), at(10, 0)),
    ],
)
def test_a_compiled_query_gives_what_its_queryset_gives(world, after, before):
    busy_week(world)
    columns = (*LIFT_COLUMNS, *(f"sets__{name}" for name in LIFT_SET_COLUMNS))
    queryset = LiftSession.objects.filter(
        athlete_id=world.athlete.pk, start__gte=after, start__lt=before
    ).values_list(*columns)
    rows = _LIFTS_AND_SETS_IN_RANGE.rows(
        "default", athlete=world.athlete.pk, after=after, before=before
    )
    assert sorted(map(tuple, rows), key=repr) == sorted(queryset, key=repr)


def test_a_compiled_query_refuses_samples_it_cannot_place():
    twins = CompiledQuery(
        lambda a, b: RunSession.objects.filter(pk=a, athlete_id=b).values_list("pk"), a=1, b=1
    )
    with pytest.raises(ValueError, match="sample"):
        twins.rows("default", a=1, b=2)
