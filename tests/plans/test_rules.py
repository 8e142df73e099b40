from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from itertools import count
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings

from plans.domain import rules
from plans.domain.prescription import prescribe
from plans.domain.rules import (
    DEADLIFT_HIGH_REPS,
    DEADLIFT_MISSING,
    DEADLIFT_NOT_ON_HARD_DAY,
    DEADLIFT_REPS_OUT_OF_RANGE,
    DEADLIFT_SETS_OUT_OF_RANGE,
    DEADLIFT_TO_FAILURE,
    DEADLIFT_TOO_CLOSE_TO_INTERVALS,
    DEADLIFT_TOO_EASY,
    DEADLIFT_TOO_MANY,
    RULES,
    evaluate_week,
)
from plans.domain.scheduling import schedule_deadlift
from plans.domain.types import (
    AddWorkingSets,
    AthleteSettings,
    AthleteWeek,
    DropWorkingSets,
    LiftSession,
    LiftSet,
    MoveDeadlift,
    RemoveDeadlifts,
    RunSession,
    ScheduleDeadlift,
    SetTargetReps,
    SetTargetRir,
    Severity,
    Violation,
)
from tests.plans.test_scheduling import athlete_weeks

AUCKLAND = ZoneInfo("Pacific/Auckland")
BERLIN = ZoneInfo("Europe/Berlin")
WINTER_MONDAY = date(2026, 11, 30)  # 2026-W49: no DST change in Berlin or Auckland
SPRING_MONDAY = date(2026, 3, 23)  # Berlin's clocks go forward on Sunday 2026-03-29
AUTUMN_MONDAY = date(2026, 10, 19)  # Berlin's clocks go back on Sunday 2026-10-25

# Long before any week here: nothing is past, so only the rules decide (the present has tests
# of its own).
BEFORE = datetime(2000, 1, 3, tzinfo=UTC)

_ids = count(1)


def local(
    day: int,
    hour: int,
    minute: int = 0,
    *,
    monday: date = WINTER_MONDAY,
    tz: ZoneInfo = BERLIN,
) -> datetime:
    """Wall time on the week's day `day` (0 = Monday, -1 = the Sunday before, 7 = the Monday
    after) in the athlete's zone."""
    wall = datetime.combine(monday + timedelta(days=day), time(hour, minute))
    return wall.replace(tzinfo=tz)


def athlete(tz: ZoneInfo = BERLIN, start: time = time(6), end: time = time(21)) -> AthleteSettings:
    return AthleteSettings(1, tz, start, end, Decimal("2.5"))


def interval(
    start: datetime,
    minutes: int = 60,
    *,
    status: str = "planned",
    actual_start: datetime | None = None,
    actual_minutes: int | None = None,
    kind: str = "interval",
) -> RunSession:
    return RunSession(next(_ids), kind, start, minutes, status, actual_start, actual_minutes)


def warmups() -> tuple[LiftSet, ...]:
    return tuple(
        LiftSet(next(_ids), order, True, reps, Decimal(load), None)
        for order, (reps, load) in enumerate(((5, "70"), (3, "105"), (2, "140")), start=1)
    )


def working(
    order: int,
    reps: int = 3,
    rir: int | None = 1,
    *,
    done_reps: int | None = None,
    done_rir: int | None = None,
    failed: bool = False,
) -> LiftSet:
    done_load = Decimal("150") if done_reps is not None else None
    return LiftSet(
        next(_ids),
        order,
        False,
        reps,
        Decimal("150"),
        rir,
        reps=done_reps,
        load_kg=done_load,
        rir=done_rir,
        failed=failed,
    )


def good_working_sets(count: int = 3) -> tuple[LiftSet, ...]:
    return tuple(working(order) for order in range(4, 4 + count))


def deadlift(
    start: datetime,
    sets: tuple[LiftSet, ...] | None = None,
    *,
    minutes: int = 60,
    status: str = "planned",
    actual_start: datetime | None = None,
    actual_minutes: int | None = None,
    exercise: str = "deadlift",
) -> LiftSession:
    all_sets = warmups() + (good_working_sets() if sets is None else sets)
    return LiftSession(
        next(_ids), exercise, start, minutes, status, actual_start, actual_minutes, all_sets
    )


def week(
    runs: tuple[RunSession, ...] = (),
    lifts: tuple[LiftSession, ...] = (),
    *,
    athlete_settings: AthleteSettings | None = None,
    monday: date = WINTER_MONDAY,
) -> AthleteWeek:
    return AthleteWeek(athlete_settings or athlete(), monday, runs, lifts)


def by_code(w: AthleteWeek) -> dict[str, Violation]:
    violations = evaluate_week(w, now=BEFORE)
    found = {v.code: v for v in violations}
    assert len(found) == len(violations), "one violation per code"
    return found


def one_deadlift_week(sets: tuple[LiftSet, ...], status: str = "planned") -> AthleteWeek:
    """A week that breaks no placement rule, so only the set rules can speak."""
    return week(
        runs=(interval(local(1, 7)),),
        lifts=(deadlift(local(1, 19), sets, status=status),),
    )


# ---------------------------------------------------------------------------- the catalogue


@pytest.mark.parametrize(
    "code, severity",
    [
        (DEADLIFT_MISSING, Severity.WARNING),
        (DEADLIFT_TOO_MANY, Severity.ERROR),
        (DEADLIFT_TOO_CLOSE_TO_INTERVALS, Severity.ERROR),
        (DEADLIFT_NOT_ON_HARD_DAY, Severity.WARNING),
        (DEADLIFT_SETS_OUT_OF_RANGE, Severity.WARNING),
        (DEADLIFT_REPS_OUT_OF_RANGE, Severity.WARNING),
        (DEADLIFT_HIGH_REPS, Severity.ERROR),
        (DEADLIFT_TO_FAILURE, Severity.ERROR),
        (DEADLIFT_TOO_EASY, Severity.WARNING),
    ],
    ids=lambda value: str(value),
)
def test_the_catalogue_matches_domain_md(code: str, severity: Severity) -> None:
    assert RULES[code].severity == severity
    assert RULES[code].code == code
    assert RULES[code].title


def test_the_catalogue_has_nine_rules() -> None:
    assert len(RULES) == 9


def test_a_week_that_follows_the_advice_has_no_violations() -> None:
    sets = prescribe(None, sets=3, reps=3, load_increment_kg=Decimal("2.5"))
    lift = LiftSession(1, "deadlift", local(1, 19), 60, "planned", sets=sets)
    assert evaluate_week(week(runs=(interval(local(1, 7)),), lifts=(lift,)), now=BEFORE) == []


def test_other_lifts_are_not_judged() -> None:
    squat = deadlift(local(1, 8), (working(4, reps=20, rir=0),), exercise="squat")
    w = week(runs=(interval(local(1, 7)),), lifts=(squat, deadlift(local(1, 19))))
    assert evaluate_week(w, now=BEFORE) == []


# ---------------------------------------------------------------------------- 6 hours


@pytest.mark.parametrize(
    "monday, run_start, deadlift_start, too_close",
    [
        pytest.param(
            WINTER_MONDAY, local(1, 19), local(1, 12, 1), True, id="lift ends 5h59 before"
        ),
        pytest.param(WINTER_MONDAY, local(1, 19), local(1, 12), False, id="lift ends 6h00 before"),
        pytest.param(
            WINTER_MONDAY, local(1, 7), local(1, 13, 59), True, id="lift starts 5h59 after"
        ),
        pytest.param(WINTER_MONDAY, local(1, 7), local(1, 14), False, id="lift starts 6h00 after"),
        pytest.param(WINTER_MONDAY, local(1, 7), local(1, 7, 30), True, id="lift overlaps the run"),
        pytest.param(WINTER_MONDAY, local(1, 19), local(1, 18), True, id="lift ends as run starts"),
        pytest.param(
            WINTER_MONDAY, local(-1, 22), local(0, 4, 59), True, id="Sunday-before run ends 5h59"
        ),
        pytest.param(
            WINTER_MONDAY, local(-1, 22), local(0, 5), False, id="Sunday-before run ends 6h00"
        ),
        pytest.param(
            WINTER_MONDAY, local(7, 5), local(6, 22, 1), True, id="Monday-after run in 5h59"
        ),
        pytest.param(
            WINTER_MONDAY, local(7, 5), local(6, 22), False, id="Monday-after run in 6h00"
        ),
        pytest.param(
            SPRING_MONDAY,
            local(6, 8, monday=SPRING_MONDAY),
            local(6, 1, monday=SPRING_MONDAY),
            True,
            id="spring change: 6 h on the wall, 5 h real",
        ),
        pytest.param(
            SPRING_MONDAY,
            local(6, 9, monday=SPRING_MONDAY),
            local(6, 1, monday=SPRING_MONDAY),
            False,
            id="spring change: 7 h on the wall, 6 h real",
        ),
        pytest.param(
            AUTUMN_MONDAY,
            local(6, 6, monday=AUTUMN_MONDAY),
            local(6, 0, monday=AUTUMN_MONDAY),
            False,
            id="autumn change: 5 h on the wall, 6 h real",
        ),
        pytest.param(
            AUTUMN_MONDAY,
            local(6, 0, monday=AUTUMN_MONDAY),
            local(6, 5, 59, monday=AUTUMN_MONDAY),
            True,
            id="autumn change: run first, 4h59 on the wall, 5h59 real",
        ),
        pytest.param(
            AUTUMN_MONDAY,
            local(6, 0, monday=AUTUMN_MONDAY),
            local(6, 6, monday=AUTUMN_MONDAY),
            False,
            id="autumn change: run first, 5 h on the wall, 6 h real",
        ),
    ],
)
def test_six_hours_from_the_interval_run(
    monday: date, run_start: datetime, deadlift_start: datetime, too_close: bool
) -> None:
    run, lift = interval(run_start), deadlift(deadlift_start)
    w = week(runs=(run,), lifts=(lift,), athlete_settings=athlete(start=time(0)), monday=monday)
    violation = by_code(w).get(DEADLIFT_TOO_CLOSE_TO_INTERVALS)
    assert (violation is not None) == too_close
    if violation is not None:
        assert violation.severity == Severity.ERROR
        assert violation.session_ids == (lift.id, run.id)


def test_too_close_message_fix_and_label() -> None:
    run, lift = interval(local(1, 19, 30)), deadlift(local(1, 14))
    w = week(runs=(run,), lifts=(lift,))
    violation = by_code(w)[DEADLIFT_TOO_CLOSE_TO_INTERVALS]
    assert violation.message == (
        "Deadlift on Tue 14:00 ends 4 h 30 min before Tuesday's interval run at 19:30; keep 6+ "
        'hours between them: "6+ hours before or after your interval run".'
    )
    # The scheduler's slot: Tuesday as early as the window allows, 12 h 30 min before.
    assert violation.fix == MoveDeadlift(lift.id, local(1, 6), BERLIN)
    assert violation.fix.label == "Move the deadlift to Tue 06:00"
    assert schedule_deadlift(w, now=BEFORE).start == local(1, 6)


@pytest.mark.parametrize(
    "run_start, deadlift_start, text",
    [
        pytest.param(
            local(1, 7),
            local(1, 11),
            "Deadlift on Tue 11:00 starts 3 h after the end of Tuesday's interval run at 07:00",
            id="after the run",
        ),
        pytest.param(
            local(1, 7),
            local(1, 7, 30),
            "Deadlift on Tue 07:30 overlaps Tuesday's interval run at 07:00",
            id="overlapping",
        ),
        pytest.param(
            local(-1, 22),
            local(0, 1, 15),
            "Deadlift on Mon 01:15 starts 2 h 15 min after the end of the interval run on "
            "Sun 29 Nov 22:00",
            id="run in the week before",
        ),
    ],
)
def test_too_close_messages_name_local_times(
    run_start: datetime, deadlift_start: datetime, text: str
) -> None:
    w = week(runs=(interval(run_start),), lifts=(deadlift(deadlift_start),))
    assert by_code(w)[DEADLIFT_TOO_CLOSE_TO_INTERVALS].message.startswith(text)


def test_too_close_message_in_auckland_local_time() -> None:
    # Tuesday 06:00 and 09:00 in Auckland are Monday 17:00 and 20:00 in UTC.
    run = interval(local(1, 6, tz=AUCKLAND))
    lift = deadlift(local(1, 9, tz=AUCKLAND))
    w = week(runs=(run,), lifts=(lift,), athlete_settings=athlete(AUCKLAND))
    assert lift.start.astimezone(UTC).date() == date(2026, 11, 30)
    violation = by_code(w)[DEADLIFT_TOO_CLOSE_TO_INTERVALS]
    assert violation.message.startswith(
        "Deadlift on Tue 09:00 starts 2 h after the end of Tuesday's interval run at 06:00"
    )
    assert violation.fix is not None
    assert violation.fix.label == "Move the deadlift to Tue 20:00"


def test_two_deadlifts_too_close_make_one_violation() -> None:
    run = interval(local(1, 12))
    early, late = deadlift(local(1, 8)), deadlift(local(1, 14))
    violation = by_code(week(runs=(run,), lifts=(late, early)))[DEADLIFT_TOO_CLOSE_TO_INTERVALS]
    assert violation.session_ids == (early.id, run.id, late.id)
    assert violation.message.count("Deadlift on") == 2


def test_no_slot_for_a_move_says_why() -> None:
    # Intervals at noon every day and a 10:00-14:30 window: nowhere to go.
    lift = deadlift(local(1, 14))
    w = week(
        runs=tuple(interval(local(day, 12)) for day in range(7)),
        lifts=(lift,),
        athlete_settings=athlete(start=time(10), end=time(14, 30)),
    )
    violation = by_code(w)[DEADLIFT_TOO_CLOSE_TO_INTERVALS]
    assert violation.fix is None
    assert violation.message.endswith(
        "No time this week fits a 60-minute deadlift: every 60-minute slot in the 10:00–14:30 "
        "window is within 6 h of an interval run."
    )


# ---------------------------------------------------------------------------- done, skipped


@pytest.mark.parametrize(
    "start, status, actual_start, actual_minutes, too_close",
    [
        pytest.param(
            local(1, 12), "done", local(1, 14), 60, True, id="planned 6 h before, done 4 h before"
        ),
        pytest.param(
            local(1, 14), "done", local(1, 8), 45, False, id="planned too close, done at 08:00"
        ),
        pytest.param(
            local(1, 12),
            "done",
            local(1, 14),
            None,
            False,
            id="done without an actual duration: judged as planned",
        ),
        pytest.param(
            local(1, 12),
            "planned",
            local(1, 14),
            60,
            False,
            id="actuals on a planned session do not count",
        ),
        pytest.param(
            local(1, 12), "done", local(1, 12), 61, True, id="done, one minute longer than planned"
        ),
    ],
)
def test_done_sessions_are_judged_by_their_actuals(
    start: datetime,
    status: str,
    actual_start: datetime,
    actual_minutes: int | None,
    too_close: bool,
) -> None:
    lift = deadlift(start, status=status, actual_start=actual_start, actual_minutes=actual_minutes)
    violation = by_code(week(runs=(interval(local(1, 19)),), lifts=(lift,))).get(
        DEADLIFT_TOO_CLOSE_TO_INTERVALS
    )
    assert (violation is not None) == too_close
    if violation is not None and status == "done":
        assert violation.fix is None, "logged history cannot be fixed"


def test_a_done_interval_run_counts_at_its_actual_time() -> None:
    run = interval(local(1, 7), status="done", actual_start=local(1, 9), actual_minutes=60)
    w = week(runs=(run,), lifts=(deadlift(local(1, 15)),))
    violation = by_code(w)[DEADLIFT_TOO_CLOSE_TO_INTERVALS]
    assert "Tuesday's interval run at 09:00" in violation.message


def test_skipped_sessions_are_ignored() -> None:
    skipped_run = interval(local(1, 12), status="skipped")
    skipped_lift = deadlift(local(1, 13), status="skipped")
    lift = deadlift(local(3, 19))
    assert evaluate_week(week(runs=(skipped_run,), lifts=(skipped_lift, lift)), now=BEFORE) == []


def test_a_skipped_deadlift_leaves_the_week_without_one() -> None:
    w = week(lifts=(deadlift(local(1, 19), status="skipped"),))
    assert list(by_code(w)) == [DEADLIFT_MISSING]


# ---------------------------------------------------------------------------- how many


def test_missing_deadlift() -> None:
    violation = by_code(week(runs=(interval(local(1, 7)),)))[DEADLIFT_MISSING]
    assert violation.severity == Severity.WARNING
    assert violation.message == 'No deadlift this week: "1x per week".'
    # The same in two parts, for the pages that set the advice apart from the finding.
    assert (violation.finding, violation.advice) == ("No deadlift this week.", "1x per week")
    assert violation.session_ids == ()
    assert violation.fix == ScheduleDeadlift()
    assert violation.fix.label == "Schedule this week's deadlift"


def test_missing_deadlift_with_no_time_for_one() -> None:
    w = week(athlete_settings=athlete(start=time(6), end=time(6, 30)))
    violation = by_code(w)[DEADLIFT_MISSING]
    assert violation.fix is None
    assert violation.message == (
        'No deadlift this week: "1x per week". No time this week fits a 60-minute deadlift: the '
        "06:00–06:30 training window is shorter than the 60-minute session."
    )


@pytest.mark.parametrize(
    "deadlift_start, missing",
    [
        pytest.param(local(0, 0, 30, tz=AUCKLAND), False, id="local Monday 00:30 is this week"),
        pytest.param(local(-1, 23, 30, tz=AUCKLAND), True, id="local Sunday 23:30 is last week"),
        pytest.param(local(7, 0, 30, tz=AUCKLAND), True, id="local Monday after is next week"),
    ],
)
def test_only_the_weeks_own_deadlifts_count_in_auckland(
    deadlift_start: datetime, missing: bool
) -> None:
    w = week(lifts=(deadlift(deadlift_start),), athlete_settings=athlete(AUCKLAND))
    assert (DEADLIFT_MISSING in by_code(w)) == missing


def test_too_many_deadlifts() -> None:
    first, second = deadlift(local(1, 19)), deadlift(local(3, 19))
    w = week(runs=(interval(local(1, 7)), interval(local(3, 7))), lifts=(second, first))
    violation = by_code(w)[DEADLIFT_TOO_MANY]
    assert violation.severity == Severity.ERROR
    assert violation.session_ids == (first.id, second.id)
    assert violation.message == (
        '2 deadlifts this week (Tue 19:00 and Thu 19:00); keep the one on Tue 19:00: "1x per week".'
    )
    assert violation.fix == RemoveDeadlifts((second.id,))
    assert violation.fix.label == "Remove the extra deadlift"


def test_too_many_keeps_the_logged_one() -> None:
    planned = deadlift(local(1, 19))
    done = deadlift(local(3, 19), status="done")
    w = week(runs=(interval(local(1, 7)), interval(local(3, 7))), lifts=(planned, done))
    violation = by_code(w)[DEADLIFT_TOO_MANY]
    assert violation.fix == RemoveDeadlifts((planned.id,))
    assert "keep the one on Thu 19:00" in violation.message


def test_too_many_logged_deadlifts_have_no_fix() -> None:
    lifts = (deadlift(local(1, 19), status="done"), deadlift(local(3, 19), status="done"))
    w = week(runs=(interval(local(1, 7)), interval(local(3, 7))), lifts=lifts)
    assert by_code(w)[DEADLIFT_TOO_MANY].fix is None


def test_three_deadlifts() -> None:
    lifts = tuple(deadlift(local(day, 19)) for day in (1, 3, 5))
    w = week(runs=tuple(interval(local(day, 7)) for day in (1, 3, 5)), lifts=lifts)
    violation = by_code(w)[DEADLIFT_TOO_MANY]
    assert violation.fix == RemoveDeadlifts((lifts[1].id, lifts[2].id))
    assert violation.fix.label == "Remove 2 extra deadlifts"


# ---------------------------------------------------------------------------- hard day


def test_not_on_the_hard_day_moves_to_it() -> None:
    lift = deadlift(local(3, 10))
    violation = by_code(week(runs=(interval(local(1, 12)),), lifts=(lift,)))[
        DEADLIFT_NOT_ON_HARD_DAY
    ]
    assert violation.severity == Severity.WARNING
    assert violation.message == (
        "Deadlift on Thu 10:00 is not on a hard day (Tuesday holds the interval run): "
        '"preferably on your Hard day".'
    )
    assert violation.session_ids == (lift.id,)
    assert violation.fix == MoveDeadlift(lift.id, local(1, 20), BERLIN)
    assert violation.fix.label == "Move the deadlift to Tue 20:00"


def test_not_on_a_hard_day_with_two_hard_days() -> None:
    runs = (interval(local(1, 12)), interval(local(4, 12)))
    violation = by_code(week(runs=runs, lifts=(deadlift(local(2, 10)),)))[DEADLIFT_NOT_ON_HARD_DAY]
    assert "(Tuesday and Friday hold the interval runs)" in violation.message


def test_not_on_a_hard_day_says_why_no_hard_day_had_room() -> None:
    w = week(
        runs=(interval(local(1, 19)),),
        lifts=(deadlift(local(3, 18)),),
        athlete_settings=athlete(start=time(18), end=time(21)),
    )
    violation = by_code(w)[DEADLIFT_NOT_ON_HARD_DAY]
    assert violation.fix is None
    assert violation.message == (
        "Deadlift on Thu 18:00 is not on a hard day (Tuesday holds the interval run): "
        '"preferably on your Hard day". No hard day has room: Tue: every 60-minute slot in the '
        "18:00–21:00 window is within 6 h of the interval run on Tue 19:00."
    )
    assert violation.finding == (
        "Deadlift on Thu 18:00 is not on a hard day (Tuesday holds the interval run). No hard "
        "day has room: Tue: every 60-minute slot in the 18:00–21:00 window is within 6 h of the "
        "interval run on Tue 19:00."
    )
    assert violation.advice == "preferably on your Hard day"


def test_no_interval_run_in_the_week_means_no_hard_day_rule() -> None:
    runs = (interval(local(-1, 8)), interval(local(7, 20)))
    assert evaluate_week(week(runs=runs, lifts=(deadlift(local(3, 10)),)), now=BEFORE) == []


@pytest.mark.parametrize(
    "deadlift_start, on_hard_day",
    [
        pytest.param(local(1, 0, 30, tz=AUCKLAND), True, id="local Tuesday 00:30, UTC says Monday"),
        pytest.param(local(0, 23, 30, tz=AUCKLAND), False, id="local Monday 23:30"),
        pytest.param(
            local(2, 0, 30, tz=AUCKLAND), False, id="local Wednesday 00:30, UTC says Tuesday"
        ),
    ],
)
def test_hard_days_are_local_days(deadlift_start: datetime, on_hard_day: bool) -> None:
    w = week(
        runs=(interval(local(1, 19, tz=AUCKLAND)),),
        lifts=(deadlift(deadlift_start),),
        athlete_settings=athlete(AUCKLAND, start=time(0), end=time(23, 45)),
    )
    assert (DEADLIFT_NOT_ON_HARD_DAY not in by_code(w)) == on_hard_day


# ---------------------------------------------------------------------------- sets


@pytest.mark.parametrize(
    "working_sets, violation",
    [
        pytest.param(2, True, id="2 working sets"),
        pytest.param(3, False, id="3 working sets"),
        pytest.param(4, False, id="4 working sets"),
        pytest.param(5, True, id="5 working sets"),
    ],
)
def test_number_of_working_sets(working_sets: int, violation: bool) -> None:
    w = one_deadlift_week(good_working_sets(working_sets))
    assert (DEADLIFT_SETS_OUT_OF_RANGE in by_code(w)) == violation


def test_too_few_working_sets_adds_sets() -> None:
    w = one_deadlift_week(good_working_sets(2))
    violation = by_code(w)[DEADLIFT_SETS_OUT_OF_RANGE]
    assert violation.message == (
        'Deadlift on Tue 19:00 has 2 working sets: "Volume: Low. 3 to 4 sets."'
    )
    assert violation.fix == AddWorkingSets(w.lifts[0].id, 1)
    assert violation.fix.label == "Add 1 working set"


def test_too_many_working_sets_drops_the_last() -> None:
    sets = good_working_sets(6)
    violation = by_code(one_deadlift_week(sets))[DEADLIFT_SETS_OUT_OF_RANGE]
    assert isinstance(violation.fix, DropWorkingSets)
    assert violation.fix.set_ids == (sets[4].id, sets[5].id)
    assert violation.fix.label == "Drop sets 5 and 6"


def test_warm_ups_do_not_count_as_working_sets() -> None:
    # Three warm-ups plus two working sets is still two.
    w = one_deadlift_week(good_working_sets(2))
    assert len(w.lifts[0].sets) == 5
    assert DEADLIFT_SETS_OUT_OF_RANGE in by_code(w)


@pytest.mark.parametrize(
    "logged, violation",
    [
        pytest.param(2, True, id="done, 2 of 4 sets logged"),
        pytest.param(3, False, id="done, 3 of 4 sets logged"),
        pytest.param(0, True, id="done, nothing logged"),
    ],
)
def test_a_done_session_counts_its_logged_sets(logged: int, violation: bool) -> None:
    sets = tuple(
        working(order, done_reps=3 if order < 4 + logged else None, done_rir=1)
        for order in range(4, 8)
    )
    found = by_code(one_deadlift_week(sets, status="done")).get(DEADLIFT_SETS_OUT_OF_RANGE)
    assert (found is not None) == violation
    if found is not None:
        assert f"logged {logged} working set" in found.message
        assert found.fix is None


# ---------------------------------------------------------------------------- reps


@pytest.mark.parametrize(
    "reps, code, fixed_reps",
    [
        pytest.param(2, DEADLIFT_REPS_OUT_OF_RANGE, 3, id="2 reps"),
        pytest.param(3, None, None, id="3 reps"),
        pytest.param(4, None, None, id="4 reps"),
        pytest.param(5, DEADLIFT_REPS_OUT_OF_RANGE, 4, id="5 reps"),
        pytest.param(9, DEADLIFT_REPS_OUT_OF_RANGE, 4, id="9 reps"),
        pytest.param(10, DEADLIFT_HIGH_REPS, 4, id="10 reps"),
        pytest.param(20, DEADLIFT_HIGH_REPS, 4, id="20 reps"),
    ],
)
def test_target_reps(reps: int, code: str | None, fixed_reps: int | None) -> None:
    sets = (working(4), working(5, reps=reps), working(6))
    found = by_code(one_deadlift_week(sets))
    rep_codes = {DEADLIFT_REPS_OUT_OF_RANGE, DEADLIFT_HIGH_REPS} & set(found)
    assert rep_codes == ({code} if code else set())
    if code is not None and fixed_reps is not None:
        violation = found[code]
        assert f"set 2 targets {reps} reps" in violation.message
        assert sets[1].id is not None
        assert violation.fix == SetTargetReps(
            found[code].session_ids[0], (sets[1].id,), fixed_reps, (2,)
        )
        assert violation.fix.label == f"Target {fixed_reps} reps in set 2"


def test_high_reps_message_quotes_the_advice() -> None:
    violation = by_code(one_deadlift_week((working(4, reps=20), working(5), working(6))))[
        DEADLIFT_HIGH_REPS
    ]
    assert violation.severity == Severity.ERROR
    assert violation.message == (
        'Deadlift on Tue 19:00: set 1 targets 20 reps: "We are not doing sets of 20 reps."'
    )


@pytest.mark.parametrize(
    "done_reps, code",
    [
        pytest.param(2, DEADLIFT_REPS_OUT_OF_RANGE, id="logged 2 reps"),
        pytest.param(4, None, id="logged 4 reps"),
        pytest.param(5, DEADLIFT_REPS_OUT_OF_RANGE, id="logged 5 reps"),
        pytest.param(12, DEADLIFT_HIGH_REPS, id="logged 12 reps"),
    ],
)
def test_logged_reps_are_judged_not_targets(done_reps: int, code: str | None) -> None:
    sets = (working(4, done_reps=done_reps, done_rir=1), working(5), working(6))
    found = by_code(one_deadlift_week(sets))
    assert {DEADLIFT_REPS_OUT_OF_RANGE, DEADLIFT_HIGH_REPS} & set(found) == (
        {code} if code else set()
    )
    if code is not None:
        assert f"set 1 logged {done_reps} reps" in found[code].message
        assert found[code].fix is None


def test_warm_ups_never_count() -> None:
    heavy_warmup = LiftSet(
        99, 1, True, 20, Decimal("100"), 0, reps=12, load_kg=Decimal("100"), rir=0, failed=True
    )
    lift = LiftSession(
        98, "deadlift", local(1, 19), 60, "planned", sets=(heavy_warmup, *good_working_sets())
    )
    assert evaluate_week(week(runs=(interval(local(1, 7)),), lifts=(lift,)), now=BEFORE) == []


# ---------------------------------------------------------------------------- RIR


@pytest.mark.parametrize(
    "rir, code",
    [
        pytest.param(0, DEADLIFT_TO_FAILURE, id="RIR 0"),
        pytest.param(1, None, id="RIR 1"),
        pytest.param(2, None, id="RIR 2"),
        pytest.param(3, DEADLIFT_TOO_EASY, id="RIR 3"),
        pytest.param(5, DEADLIFT_TOO_EASY, id="RIR 5"),
    ],
)
def test_target_rir(rir: int, code: str | None) -> None:
    sets = (working(4, rir=rir), working(5, rir=rir), working(6))
    found = by_code(one_deadlift_week(sets))
    assert {DEADLIFT_TO_FAILURE, DEADLIFT_TOO_EASY} & set(found) == ({code} if code else set())
    if code is not None:
        violation = found[code]
        assert f"set 1 targets RIR {rir} and set 2 targets RIR {rir}" in violation.message
        assert sets[0].id is not None and sets[1].id is not None
        assert violation.fix == SetTargetRir(
            violation.session_ids[0], (sets[0].id, sets[1].id), 1, (1, 2)
        )
        assert violation.fix.label == "Target RIR 1 in sets 1 and 2"


@pytest.mark.parametrize(
    "done_rir, failed, code, text",
    [
        pytest.param(0, False, DEADLIFT_TO_FAILURE, "set 1 logged at RIR 0", id="logged RIR 0"),
        pytest.param(1, True, DEADLIFT_TO_FAILURE, "set 1 logged as failed", id="logged failed"),
        pytest.param(2, False, None, "", id="logged RIR 2"),
        pytest.param(3, False, DEADLIFT_TOO_EASY, "set 1 logged at RIR 3", id="logged RIR 3"),
        pytest.param(None, False, None, "", id="RIR not logged"),
    ],
)
def test_logged_rir_and_failure(
    done_rir: int | None, failed: bool, code: str | None, text: str
) -> None:
    sets = (working(4, done_reps=3, done_rir=done_rir, failed=failed), working(5), working(6))
    found = by_code(one_deadlift_week(sets))
    assert {DEADLIFT_TO_FAILURE, DEADLIFT_TOO_EASY} & set(found) == ({code} if code else set())
    if code is not None:
        assert text in found[code].message
        assert found[code].fix is None


def test_failed_flag_without_logged_reps_is_not_judged() -> None:
    sets = (working(4, failed=True), working(5), working(6))
    assert DEADLIFT_TO_FAILURE not in by_code(one_deadlift_week(sets))


def test_to_failure_message_quotes_the_advice() -> None:
    violation = by_code(one_deadlift_week((working(4, rir=0), working(5), working(6))))[
        DEADLIFT_TO_FAILURE
    ]
    assert violation.message == (
        'Deadlift on Tue 19:00: set 1 targets RIR 0: "Leave 1 rep in the tank, never go to '
        'failure on technical lifts".'
    )


# ---------------------------------------------------------------------------- order


def test_errors_come_first_then_codes() -> None:
    sets = (working(4, reps=20), working(5, rir=3))
    lifts = (deadlift(local(3, 10), sets), deadlift(local(5, 10)))
    w = week(runs=(interval(local(1, 12)),), lifts=lifts)
    assert [v.code for v in evaluate_week(w, now=BEFORE)] == [
        DEADLIFT_HIGH_REPS,
        DEADLIFT_TOO_MANY,
        DEADLIFT_NOT_ON_HARD_DAY,
        DEADLIFT_SETS_OUT_OF_RANGE,
        DEADLIFT_TOO_EASY,
    ]
    assert evaluate_week(w, now=BEFORE) == evaluate_week(w, now=BEFORE)


def test_not_on_hard_day_lists_every_deadlift_it_concerns() -> None:
    lifts = (deadlift(local(3, 10)), deadlift(local(5, 10)))
    violation = by_code(week(runs=(interval(local(1, 12)),), lifts=lifts))[DEADLIFT_NOT_ON_HARD_DAY]
    assert violation.session_ids == (lifts[0].id, lifts[1].id)


# ---------------------------------------------------------------------------- judging only


@settings(max_examples=200, deadline=None)
@given(athlete_weeks())
def test_judging_without_fixes_finds_the_same_violations(w: AthleteWeek) -> None:
    full = evaluate_week(w, now=BEFORE)
    judged = evaluate_week(w, suggest_fixes=False, now=BEFORE)
    assert [(v.code, v.severity, v.session_ids) for v in judged] == [
        (v.code, v.severity, v.session_ids) for v in full
    ]
    for short, long in zip(judged, full, strict=True):
        assert short.fix is None
        # The same words; only the scheduler's reason why no better time exists is left out.
        assert long.message.startswith(short.message)
    # What plans.selectors reads at Detail.JUDGE is enough: the runs within reach and the
    # week's own lifts.
    read = replace(w, lifts=tuple(lift for lift in w.lifts if w.owns(lift)))
    assert evaluate_week(read, suggest_fixes=False, now=BEFORE) == judged


def test_judging_without_fixes_never_runs_the_scheduler(monkeypatch) -> None:
    def no_scheduler(week, *, now):
        raise AssertionError("the scheduler ran")

    monkeypatch.setattr(rules, "schedule_deadlift", no_scheduler)
    w = week(
        (interval(local(1, 19, 30)),),
        (deadlift(local(1, 14)), deadlift(local(5, 10))),
    )
    codes = [v.code for v in evaluate_week(w, suggest_fixes=False, now=BEFORE)]
    assert codes == [DEADLIFT_TOO_CLOSE_TO_INTERVALS, DEADLIFT_TOO_MANY, DEADLIFT_NOT_ON_HARD_DAY]
    with pytest.raises(AssertionError, match="the scheduler ran"):
        evaluate_week(w, now=BEFORE)


@pytest.mark.parametrize(
    ("lift_start", "text"),
    [
        (local(1, 13), "Deadlift on Tue 13:00 starts as Tuesday's interval run at 12:00 ends"),
        (local(1, 11), "Deadlift on Tue 11:00 ends as Tuesday's interval run at 12:00 starts"),
        (
            local(1, 13, 1),
            "Deadlift on Tue 13:01 starts 1 min after the end of Tuesday's interval run at 12:00",
        ),
    ],
)
def test_a_deadlift_touching_the_interval_run_is_too_close(lift_start, text) -> None:
    w = week((interval(local(1, 12)),), (deadlift(lift_start),))
    assert by_code(w)[DEADLIFT_TOO_CLOSE_TO_INTERVALS].message.startswith(text + "; keep 6+")
