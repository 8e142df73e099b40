"""evaluate_sets: the set rules on a deadlift's own sets, as the week judges them, without the
week's placement rules, the training window, the clock or the scheduler."""

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plans.domain import rules
from plans.domain.rules import (
    DEADLIFT_HIGH_REPS,
    DEADLIFT_REPS_OUT_OF_RANGE,
    DEADLIFT_SETS_OUT_OF_RANGE,
    DEADLIFT_TO_FAILURE,
    DEADLIFT_TOO_EASY,
    SET_RULES,
    evaluate_sets,
    evaluate_week,
)
from plans.domain.types import AthleteWeek, LiftSession, LiftSet
from tests.plans.test_rules import BEFORE, deadlift, local, one_deadlift_week, working
from tests.plans.test_scheduling import athlete_weeks

BERLIN = ZoneInfo("Europe/Berlin")


@st.composite
def set_lists(draw: st.DrawFn, first_id: int) -> tuple[LiftSet, ...]:
    """Warm-ups and working sets with any targets, some logged with any values."""
    sets = []
    for order in range(1, draw(st.integers(0, 7)) + 1):
        logged = draw(st.booleans())
        sets.append(
            LiftSet(
                first_id + order,
                order,
                draw(st.booleans()),
                draw(st.none() | st.integers(1, 25)),
                Decimal("100"),
                draw(st.none() | st.integers(0, 10)),
                reps=draw(st.integers(1, 25)) if logged else None,
                load_kg=Decimal("100") if logged else None,
                rir=draw(st.none() | st.integers(0, 10)) if logged else None,
                failed=draw(st.booleans()) if logged else False,
            )
        )
    return tuple(sets)


@st.composite
def weeks_with_sets(draw: st.DrawFn) -> AthleteWeek:
    w = draw(athlete_weeks())
    lifts = tuple(
        replace(
            lift,
            status=draw(st.sampled_from([lift.status, "done"])),
            sets=draw(set_lists(1000 * (n + 1))),
        )
        for n, lift in enumerate(w.lifts)
    )
    return replace(w, lifts=lifts)


@settings(max_examples=300, deadline=None)
@given(weeks_with_sets())
def test_the_set_rules_judge_as_the_week_does(w: AthleteWeek) -> None:
    week = [v for v in evaluate_week(w, now=BEFORE, suggest_fixes=False) if v.code in SET_RULES]
    assert evaluate_sets(w.deadlifts, time_zone=w.time_zone) == week


@settings(max_examples=300, deadline=None)
@given(weeks_with_sets())
def test_one_deadlift_is_judged_as_the_week_judges_it_alone(w: AthleteWeek) -> None:
    for lift in w.deadlifts:
        alone = replace(w, lifts=(lift,))
        week = [
            v for v in evaluate_week(alone, now=BEFORE, suggest_fixes=False) if v.code in SET_RULES
        ]
        judged = evaluate_sets([lift], time_zone=w.time_zone)
        assert judged == week
        assert all(v.session_ids == (lift.id,) for v in judged)


@pytest.mark.parametrize(
    ("sets", "codes"),
    [
        ((working(4), working(5), working(6)), []),
        ((working(4), working(5)), [DEADLIFT_SETS_OUT_OF_RANGE]),
        ((working(4), working(5), working(6, reps=5)), [DEADLIFT_REPS_OUT_OF_RANGE]),
        ((working(4), working(5), working(6, done_reps=12, done_rir=2)), [DEADLIFT_HIGH_REPS]),
        ((working(4), working(5), working(6, done_reps=3, done_rir=0)), [DEADLIFT_TO_FAILURE]),
        ((working(4), working(5), working(6, done_reps=3, failed=True)), [DEADLIFT_TO_FAILURE]),
        ((working(4), working(5), working(6, done_reps=3, done_rir=4)), [DEADLIFT_TOO_EASY]),
        (
            (working(4, done_reps=12, done_rir=0), working(5)),
            [DEADLIFT_HIGH_REPS, DEADLIFT_TO_FAILURE, DEADLIFT_SETS_OUT_OF_RANGE],
        ),
    ],
    ids=[
        "three good sets",
        "two working sets",
        "five target reps",
        "twelve reps logged",
        "logged at RIR 0",
        "logged as failed",
        "logged at RIR 4",
        "errors first, then warnings",
    ],
)
def test_a_session_breaks_the_set_rules_its_week_would(sets, codes) -> None:
    w = one_deadlift_week(sets)
    judged = evaluate_sets(w.deadlifts, time_zone=w.time_zone)
    assert [v.code for v in judged] == codes
    week = [v for v in evaluate_week(w, now=BEFORE) if v.code in SET_RULES]
    # The same words; the week adds the fixes.
    assert [(v.code, v.severity, v.message, v.session_ids) for v in judged] == [
        (v.code, v.severity, v.message, v.session_ids) for v in week
    ]
    assert all(v.fix is None for v in judged)


def test_skipped_sessions_and_other_lifts_are_not_judged() -> None:
    bad = (working(4, reps=12),)
    skipped = deadlift(local(1, 19), bad, status="skipped")
    squat = deadlift(local(1, 19), bad, exercise="squat")
    assert evaluate_sets([skipped, squat], time_zone=BERLIN) == []


def test_no_window_clock_nor_scheduler_is_asked(monkeypatch) -> None:
    def no_scheduler(week, *, now):
        raise AssertionError("the scheduler ran")

    def no_window(athlete):
        raise AssertionError("the training window was checked")

    monkeypatch.setattr(rules, "schedule_deadlift", no_scheduler)
    monkeypatch.setattr(rules, "check_training_window", no_window)
    lift = LiftSession(1, "deadlift", datetime(2026, 12, 1, 18, tzinfo=UTC), 60, "planned")
    [violation] = evaluate_sets([lift], time_zone=BERLIN)
    assert violation.code == DEADLIFT_SETS_OUT_OF_RANGE
    assert (
        violation.message == 'Deadlift on Tue 19:00 has 0 working sets: "Volume: Low. 3 to 4 sets."'
    )
