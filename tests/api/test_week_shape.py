"""The week endpoint's answer, byte for byte: the JSON is built from plain values
(plans.api.week_data over the read model, plans.selectors), and these tests hold it to stored
answers (tests/api/fixtures/, made by the serializers it documents, when the answer was
built by them) on a week that has a bit of everything, and to the serializers' own output
for its sessions. Ids differ from run to run and database to database: the stored answers
name them (`{athlete}`, `{session:1}`, `{set:1}`, in order of appearance)."""

import json
import os
import re
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse
from rest_framework.renderers import JSONRenderer

from athletes.models import Athlete
from plans.api import LiftInWeekSerializer, RunInWeekSerializer
from plans.models import WeeklyPlan
from plans.selectors import LIFT_COLUMNS, LIFT_SET_COLUMNS, RUN_COLUMNS
from tests.api.conftest import MONDAY, WEEK, World, client_for, publish
from tests.factories import LiftSessionFactory, LiftSetFactory, RunSessionFactory
from workouts.models import Exercise, LiftSession, RunKind, RunSession, SessionStatus
from workouts.serializers import LiftSessionSerializer, LiftSetSerializer, RunSessionSerializer

FIXTURES = Path(__file__).parent / "fixtures"
# Saturday noon before the week, the clock standing still: the answer depends on it.
BEFORE_THE_WEEK = datetime.combine(MONDAY - timedelta(days=2), datetime.min.time(), UTC).replace(
    hour=12
)


@pytest.fixture(autouse=True)
def before_the_week():
    with time_machine.travel(BEFORE_THE_WEEK, tick=False):
        yield


# Runs get ids of their own range, so no run shares its id with a lift and a violation's
# session_ids name one session each.
FIRST_RUN_ID = 900_001


def run_session(athlete, **values) -> RunSession:
    taken = RunSession.objects.filter(pk__gte=FIRST_RUN_ID).count()
    return RunSessionFactory(athlete=athlete, id=FIRST_RUN_ID + taken, **values)


def named_ids(content: bytes) -> str:
    """The answer with its ids named in order of appearance, so it compares across runs and
    databases: `{athlete}`, `{run:1}`, `{lift:1}`, `{set:1}`."""
    names: dict[tuple[str, str], str] = {}

    def name(kind: str, value: str) -> str:
        if (kind, value) not in names:
            count = sum(1 for k, _ in names if k == kind)
            names[kind, value] = f"{{{kind}:{count + 1}}}"
        return names[kind, value]

    def session(value: str) -> str:
        # Neighbours' sessions too, which the answer names nowhere else.
        return name("run" if int(value) >= FIRST_RUN_ID else "lift", value)

    text = content.decode()
    text = re.sub(r'"athlete":(\d+)', '"athlete":{athlete}', text)
    text = re.sub(
        r'"type":"(run|lift)","id":(\d+)',
        lambda m: f'"type":"{m[1]}","id":{name(m[1], m[2])}',
        text,
    )
    text = re.sub(r'\{"id":(\d+),"order"', lambda m: f'{{"id":{name("set", m[1])},"order"', text)
    return re.sub(
        r'"session_ids":\[([\d,]*)\]',
        lambda m: '"session_ids":[' + ",".join(map(session, filter(None, m[1].split(",")))) + "]",
        text,
    )


def assert_stored(content: bytes, fixture: str) -> None:
    path = FIXTURES / f"{fixture}.json"
    if os.environ.get("WRITE_WEEK_FIXTURES"):
        path.write_text(named_ids(content) + "\n")
    assert named_ids(content) + "\n" == path.read_text()


def serialized_sessions(athlete, monday) -> list:
    """The week's own sessions as RunSessionSerializer and LiftSessionSerializer make them
    (their public output, on model rows read here), in start order."""
    start = datetime.combine(monday, datetime.min.time(), athlete.tz)
    end = start + timedelta(days=7)
    runs = RunSession.objects.filter(athlete=athlete, start__gte=start, start__lt=end)
    lifts = LiftSession.objects.filter(athlete=athlete, start__gte=start, start__lt=end)
    sessions = [
        (run.start, 0, run.pk, {"type": "run", **RunSessionSerializer(run).data}) for run in runs
    ] + [
        (lift.start, 1, lift.pk, {"type": "lift", **LiftSessionSerializer(lift).data})
        for lift in lifts.prefetch_related("sets")
    ]
    rendered = JSONRenderer().render([item[3] for item in sorted(sessions, key=lambda i: i[:3])])
    return json.loads(rendered)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 30, tzinfo=UTC) + timedelta(days=day, hours=hour, minutes=minute)


def busy_week(world: World) -> None:
    """Runs done, skipped and in the neighbouring weeks; a deadlift 3 h after the intervals
    with warm-ups, targets and logged sets (to failure, high reps, failed, too easy), another
    without sets 4 h after the last week's intervals, a squat; 42 days of history with sets
    that count and sets that don't. World already has an interval run on Tuesday 06:00 and a
    deadlift at 16:00."""
    athlete = world.athlete
    RunSession.objects.filter(pk=world.run.pk).update(id=FIRST_RUN_ID)
    run_session(
        athlete,
        kind=RunKind.TEMPO,
        start=at(0, 6),
        status=SessionStatus.DONE,
        actual_start=at(0, 6, 10),
        actual_duration_minutes=50,
        distance_km=Decimal("12.35"),
        notes="Windy.",
    )
    run_session(athlete, kind=RunKind.EASY, start=at(3, 7), status="skipped")
    # Neighbours: Sunday night before the week (an interval, within reach) and after it.
    run_session(athlete, kind=RunKind.INTERVAL, start=at(-1, 20))
    run_session(athlete, kind=RunKind.LONG, start=at(7, 0))
    lift = LiftSessionFactory(athlete=athlete, start=at(1, 10), notes="Chalk.")
    for order, load in ((1, "40"), (2, "60.5")):
        LiftSetFactory(
            session=lift, order=order, is_warmup=True, target_reps=5, target_load_kg=Decimal(load)
        )
    LiftSetFactory(
        session=lift,
        order=3,
        reps=3,
        load_kg=Decimal("102.5"),
        rir=0,
        client_id=uuid.UUID("5f1c2a8e-0b7d-4c3e-9a61-2d4f8e7b9c10"),
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
    assert_stored(response.content, "busy_week")
    data = response.json()
    assert data["sessions"] == serialized_sessions(world.athlete, MONDAY)
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
        assert_stored(response.content, "busy_week_on_thursday")
        assert response.json()["sessions"] == serialized_sessions(world.athlete, MONDAY)
    missed = [(s["type"], s["start"][:13]) for s in response.json()["sessions"] if s["missed"]]
    assert missed == [
        ("lift", "2026-11-30T01"),
        ("run", "2026-12-01T06"),
        ("lift", "2026-12-01T16"),
    ]


def test_an_empty_draft_week_is_what_the_serializers_made_of_it(world):
    response = client_for(world.coach.user).get(week_url(world.athlete, "2027-W10"))
    assert response.status_code == 200
    assert_stored(response.content, "empty_draft_week")
    assert response.json()["plan"] == {"status": "draft", "note": ""}


def test_the_week_after_a_change_is_what_the_serializers_made_of_it(world):
    busy_week(world)
    client = client_for(world.coach.user)
    kwargs = {"pk": world.athlete.pk, "week": "2026-W50"}
    run_session(world.athlete, kind=RunKind.INTERVAL, start=at(8, 7))
    published = client.post(reverse("api:publish-week", kwargs=kwargs))
    assert published.status_code == 200
    assert_stored(published.content, "next_week_published")
    scheduled = client.post(reverse("api:schedule-deadlift", kwargs=kwargs), format="json")
    assert scheduled.status_code == 200
    body = scheduled.json()
    assert body.pop("scheduling")["result"] == "placed"
    assert_stored(JSONRenderer().render(body), "next_week_scheduled")
    assert client.get(reverse("api:week", kwargs=kwargs)).json() == body


def test_the_columns_read_are_the_documented_fields_in_their_order():
    assert ["type", *RUN_COLUMNS, "missed", "compliance"] == RunInWeekSerializer.Meta.fields
    lift_fields = ["type", *LIFT_COLUMNS, "sets", "missed", "compliance"]
    assert lift_fields == LiftInWeekSerializer.Meta.fields
    assert [*LIFT_SET_COLUMNS, "adjustment_reason"] == LiftSetSerializer.Meta.fields


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


@pytest.mark.parametrize("caller", ["coach", "athlete"])
def test_the_week_in_a_fixed_number_of_queries(world, caller, django_assert_num_queries):
    # The token with its user and their profile (1 query), as for /ping/; then the athlete
    # with their revision (one query), the week's plan, the runs, the lifts, their sets.
    # Asked again, the answer comes from the cache: the first two only, neither the plan nor
    # the sessions (the revision moves with both; tests/api/test_week_etag.py); half a minute
    # past, so it holds a while.
    busy_week(world)
    client = client_for(world.user(caller))
    with time_machine.travel(BEFORE_THE_WEEK + timedelta(seconds=30), tick=False):
        with django_assert_num_queries(6):
            assert client.get(week_url(world.athlete)).status_code == 200
        with django_assert_num_queries(2):
            assert client.get(week_url(world.athlete)).status_code == 200


def test_a_week_the_engine_cannot_read_is_400_naming_the_athlete(world):
    Athlete.objects.filter(pk=world.athlete.pk).update(time_zone="Mars/Olympus_Mons")
    response = client_for(world.coach.user).get(week_url(world.athlete))
    assert response.status_code == 400
    name = world.athlete.user.get_full_name()
    assert response.json() == {"detail": f"{name} has no valid time zone ('Mars/Olympus_Mons')."}
