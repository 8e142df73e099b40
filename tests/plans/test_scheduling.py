import os
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from itertools import count
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plans.domain.constants import MIN_GAP_FROM_INTERVALS
from plans.domain.rules import (
    DEADLIFT_MISSING,
    DEADLIFT_NOT_ON_HARD_DAY,
    DEADLIFT_TOO_CLOSE_TO_INTERVALS,
    DEADLIFT_TOO_MANY,
    evaluate_week,
)
from plans.domain.scheduling import Placement, SchedulingError, schedule_deadlift
from plans.domain.types import (
    AthleteSettings,
    AthleteWeek,
    LiftSession,
    MoveDeadlift,
    RunSession,
)
from plans.domain.weeks import week_bounds

AUCKLAND = ZoneInfo("Pacific/Auckland")
BERLIN = ZoneInfo("Europe/Berlin")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
WINTER_MONDAY = date(2026, 11, 30)  # 2026-W49: no DST change in Berlin
SPRING_MONDAY = date(2026, 3, 23)  # Berlin's clocks go forward on Sunday 2026-03-29
AUTUMN_MONDAY = date(2026, 10, 19)  # Berlin's clocks go back on Sunday 2026-10-25

# Long before any week here: nothing is past, so only the rules decide (the present has tests
# of its own).
BEFORE = datetime(2000, 1, 3, tzinfo=UTC)

_ids = count(1)


def athlete(start: time = time(6), end: time = time(21), tz: ZoneInfo = BERLIN) -> AthleteSettings:
    return AthleteSettings(1, tz, start, end, Decimal("2.5"))


def local(day: int, hour: int, minute: int = 0, *, monday: date = WINTER_MONDAY) -> datetime:
    """Berlin wall time on the week's day `day` (0 = Monday; -1 the Sunday before)."""
    wall = datetime.combine(monday + timedelta(days=day), time(hour, minute))
    return wall.replace(tzinfo=BERLIN)


def run(start: datetime, minutes: int = 60, kind: str = "interval") -> RunSession:
    return RunSession(next(_ids), kind, start, minutes, "planned")


def deadlift(start: datetime, minutes: int = 60, status: str = "planned") -> LiftSession:
    return LiftSession(next(_ids), "deadlift", start, minutes, status)


def week(
    runs: tuple[RunSession, ...] = (),
    lifts: tuple[LiftSession, ...] = (),
    athlete_settings: AthleteSettings | None = None,
    monday: date = WINTER_MONDAY,
) -> AthleteWeek:
    return AthleteWeek(athlete_settings or athlete(), monday, runs, lifts)


def at_utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# ---------------------------------------------------------------------------- examples


def test_places_the_deadlift_on_the_hard_day_as_far_from_the_intervals_as_it_can() -> None:
    # Intervals Tue 12:00-13:00; the window 06:00-21:00 leaves Tue 19:00-20:00 starts.
    placement = schedule_deadlift(week(runs=(run(local(1, 12)),)), now=BEFORE)
    assert placement.outcome == "placed"
    assert placement.session_id is None
    assert placement.start == local(1, 20)
    assert placement.end == local(1, 21)
    assert placement.on_hard_day
    assert "Tue 20:00 is on a hard day, 7 h from the nearest interval run" in placement.reason
    assert placement.start.utcoffset() == timedelta(0)


def test_another_session_pushes_the_deadlift_earlier() -> None:
    # Intervals Tue 07:00; an easy run 19:00-20:30 takes the evening.
    runs = (run(local(1, 7)), run(local(1, 19), 90, kind="easy"))
    placement = schedule_deadlift(week(runs=runs), now=BEFORE)
    assert placement.start == local(1, 18)


def test_touching_another_session_is_no_overlap() -> None:
    runs = (run(local(1, 7)), run(local(1, 20), 60, kind="easy"))
    placement = schedule_deadlift(week(runs=runs), now=BEFORE)
    assert placement.start == local(1, 19)


def test_grid_starts_on_the_quarter_hour_inside_the_window() -> None:
    placement = schedule_deadlift(week(athlete_settings=athlete(time(6, 10), time(21))), now=BEFORE)
    assert placement.start == local(0, 6, 15)
    assert placement.reason == (
        "The week has no interval run, so no hard day. Mon 06:15 is the earliest free time in "
        "the training window."
    )


def test_without_any_interval_run_the_earliest_free_time_wins() -> None:
    placement = schedule_deadlift(week(runs=(run(local(0, 6), kind="easy"),)), now=BEFORE)
    assert placement.start == local(0, 7)
    assert not placement.on_hard_day


def test_a_valid_deadlift_on_the_hard_day_stays() -> None:
    lift = deadlift(local(1, 19))
    placement = schedule_deadlift(week(runs=(run(local(1, 12)),), lifts=(lift,)), now=BEFORE)
    assert placement.outcome == "unchanged"
    assert (placement.session_id, placement.start) == (lift.id, local(1, 19))
    assert not placement.changes_anything


def test_a_deadlift_off_the_hard_day_moves_when_the_hard_day_has_room() -> None:
    lift = deadlift(local(3, 10))
    placement = schedule_deadlift(week(runs=(run(local(1, 12)),), lifts=(lift,)), now=BEFORE)
    assert placement.outcome == "moved"
    assert (placement.session_id, placement.start) == (lift.id, local(1, 20))


def test_a_deadlift_too_close_to_the_intervals_moves() -> None:
    lift = deadlift(local(1, 14))
    placement = schedule_deadlift(week(runs=(run(local(1, 12)),), lifts=(lift,)), now=BEFORE)
    assert placement.outcome == "moved"
    assert placement.start == local(1, 20)


def test_the_existing_deadlift_keeps_its_duration() -> None:
    lift = deadlift(local(3, 10), minutes=90)
    placement = schedule_deadlift(week(runs=(run(local(1, 12)),), lifts=(lift,)), now=BEFORE)
    assert placement.start == local(1, 19, 30)
    assert placement.end == local(1, 21)
    assert placement.duration_minutes == 90


def test_extra_deadlifts_are_listed_and_do_not_block() -> None:
    first, second = deadlift(local(1, 20)), deadlift(local(4, 10))
    placement = schedule_deadlift(
        week(runs=(run(local(1, 12)),), lifts=(second, first)), now=BEFORE
    )
    assert placement.outcome == "unchanged"
    assert placement.session_id == first.id
    assert placement.extra_session_ids == (second.id,)
    assert placement.changes_anything


def test_the_extra_deadlift_being_deleted_frees_its_time() -> None:
    # The earliest is kept and moved onto the time the deleted one held.
    kept, extra = deadlift(local(0, 8)), deadlift(local(1, 20))
    placement = schedule_deadlift(week(runs=(run(local(1, 12)),), lifts=(kept, extra)), now=BEFORE)
    assert (placement.outcome, placement.session_id) == ("moved", kept.id)
    assert placement.start == local(1, 20)
    assert placement.extra_session_ids == (extra.id,)


def test_a_logged_deadlift_is_history_and_stays() -> None:
    done = LiftSession(
        7,
        "deadlift",
        local(1, 14),
        60,
        "done",
        actual_start=local(1, 15),
        actual_duration_minutes=50,
    )
    planned = deadlift(local(0, 8))
    placement = schedule_deadlift(
        week(runs=(run(local(1, 12)),), lifts=(planned, done)), now=BEFORE
    )
    # Field by field: the planned start and end, so a caller writing them back moves nothing.
    assert placement == Placement(
        outcome="unchanged",
        session_id=7,
        start=local(1, 14),
        end=local(1, 15),
        on_hard_day=True,
        reason="The deadlift on Tue 15:00 is logged; history stays where it happened.",
        extra_session_ids=(planned.id,),
        duration_minutes=60,
    )


@pytest.mark.parametrize(
    ("start", "fits"),
    [
        (local(1, 13), False),  # starts exactly when the interval run ends
        (local(1, 18, 45), False),  # 5 h 45 min after
        (local(1, 19), True),  # exactly 6 h after
    ],
)
def test_a_deadlift_right_after_the_interval_run(start, fits) -> None:
    lift = deadlift(start)
    placement = schedule_deadlift(week(runs=(run(local(1, 12)),), lifts=(lift,)), now=BEFORE)
    assert (placement.outcome == "unchanged") == fits
    if not fits:
        assert placement.outcome == "moved" and placement.start == local(1, 20)


def test_skipped_sessions_neither_block_nor_count() -> None:
    skipped_interval = replace(run(local(1, 12)), status="skipped")
    skipped_lift = replace(deadlift(local(2, 10)), status="skipped")
    placement = schedule_deadlift(week(runs=(skipped_interval,), lifts=(skipped_lift,)), now=BEFORE)
    assert placement.outcome == "placed"
    assert placement.start == local(0, 6)


def test_fallback_when_no_hard_day_has_room() -> None:
    # Window 18:00-21:00 and intervals Tue 19:00: every Tuesday time is within 6 h.
    athlete_settings = athlete(time(18), time(21))
    placement = schedule_deadlift(
        week(runs=(run(local(1, 19)),), athlete_settings=athlete_settings), now=BEFORE
    )
    assert placement.outcome == "placed"
    assert not placement.on_hard_day
    # Farthest from Tuesday's 19:00-20:00: Sunday 20:00.
    assert placement.start == local(6, 20)
    assert placement.no_hard_day_reason == (
        "Tue: every 60-minute slot in the 18:00–21:00 window is within 6 h of the interval run "
        "on Tue 19:00"
    )
    assert placement.reason.startswith("No hard day had room: Tue: every 60-minute slot")
    assert "Sun 20:00 is 120 h from the nearest interval run" in placement.reason


def test_fallback_keeps_a_valid_deadlift_where_it_is() -> None:
    athlete_settings = athlete(time(18), time(21))
    lift = deadlift(local(3, 18))
    placement = schedule_deadlift(
        week(runs=(run(local(1, 19)),), lifts=(lift,), athlete_settings=athlete_settings),
        now=BEFORE,
    )
    assert placement.outcome == "unchanged"
    assert placement.start == local(3, 18)
    assert "No hard day had room" in placement.reason


def test_fallback_explains_a_full_hard_day() -> None:
    # Intervals just after midnight, then a long run fills Tuesday's whole 07:00-21:00 window.
    runs = (run(local(1, 0), 45), run(local(1, 7), 840, kind="long"))
    placement = schedule_deadlift(
        week(runs=runs, athlete_settings=athlete(time(7), time(21))), now=BEFORE
    )
    assert not placement.on_hard_day
    assert placement.no_hard_day_reason == "Tue: other sessions fill the 07:00–21:00 window"


def test_fallback_explains_a_hard_day_both_close_and_full() -> None:
    runs = (run(local(1, 10)), run(local(1, 17), 240, kind="long"))
    placement = schedule_deadlift(week(runs=runs), now=BEFORE)
    assert placement.no_hard_day_reason == (
        "Tue: the 60-minute slots 6 h from the interval runs are taken by other sessions"
    )


@pytest.mark.parametrize(
    "athlete_settings, runs, reason",
    [
        pytest.param(
            athlete(time(6), time(6, 30)),
            (),
            "No time this week fits a 60-minute deadlift: the 06:00–06:30 training window is "
            "shorter than the 60-minute session.",
            id="window shorter than the session",
        ),
        pytest.param(
            athlete(time(10), time(14)),
            tuple(run(local(day, 12)) for day in range(7)),
            "No time this week fits a 60-minute deadlift: every 60-minute slot in the "
            "10:00–14:00 window is within 6 h of an interval run.",
            id="intervals every day",
        ),
        pytest.param(
            athlete(time(10), time(14)),
            tuple(run(local(day, 9), 300, kind="easy") for day in range(7)),
            "No time this week fits a 60-minute deadlift: every 60-minute slot in the "
            "10:00–14:00 window overlaps another session.",
            id="every window taken",
        ),
        pytest.param(
            athlete(time(10), time(14)),
            tuple(run(local(day, 12)) for day in range(3))
            + tuple(run(local(day, 9), 300, kind="easy") for day in range(3, 7)),
            "No time this week fits a 60-minute deadlift: every 60-minute slot in the "
            "10:00–14:00 window is within 6 h of an interval run or overlaps another session.",
            id="some days too close, the others taken",
        ),
        pytest.param(
            athlete(time(6, 5), time(7, 10)),
            (),
            "No time this week fits a 60-minute deadlift: the 06:05–07:10 training window has "
            "no quarter-hour start that leaves room for the 60-minute session.",
            id="an hour's window off the quarter-hour grid",
        ),
    ],
)
def test_no_slot_says_why(
    athlete_settings: AthleteSettings, runs: tuple[RunSession, ...], reason: str
) -> None:
    placement = schedule_deadlift(week(runs=runs, athlete_settings=athlete_settings), now=BEFORE)
    assert placement.outcome == "no_slot"
    assert (placement.start, placement.end) == (None, None)
    assert placement.reason == reason


@pytest.mark.parametrize(
    "start, end",
    [
        pytest.param(time(21), time(6), id="window ends before it starts"),
        pytest.param(time(9), time(9), id="empty window"),
    ],
)
def test_a_window_that_does_not_end_after_it_starts_is_an_error(start: time, end: time) -> None:
    with pytest.raises(SchedulingError, match="training window"):
        schedule_deadlift(week(athlete_settings=athlete(start, end)), now=BEFORE)


@pytest.mark.parametrize(
    "interval_start, deadlift_start, outcome",
    [
        pytest.param(local(-1, 22), local(0, 4, 59), "moved", id="Sunday-before run ends 5h59"),
        pytest.param(local(-1, 22), local(0, 5), "unchanged", id="Sunday-before run ends 6h00"),
        pytest.param(local(7, 5), local(6, 22, 1), "moved", id="Monday-after run in 5h59"),
        pytest.param(local(7, 5), local(6, 22), "unchanged", id="Monday-after run in 6h00"),
    ],
)
def test_neighbouring_weeks_interval_runs_count(
    interval_start: datetime, deadlift_start: datetime, outcome: str
) -> None:
    athlete_settings = athlete(time(0), time(23, 30))
    lift = deadlift(deadlift_start)
    placement = schedule_deadlift(
        week(runs=(run(interval_start),), lifts=(lift,), athlete_settings=athlete_settings),
        now=BEFORE,
    )
    assert placement.outcome == outcome


def test_nonexistent_local_times_are_skipped_in_the_spring_gap() -> None:
    # Sunday 2026-03-29, Berlin: 02:00-02:59 does not exist. Intervals that Sunday at 12:00
    # make it the hard day; the window 02:00-04:00 leaves 03:00 CEST as the first real time.
    athlete_settings = athlete(time(2), time(4))
    runs = (run(local(6, 12, monday=SPRING_MONDAY)),)
    placement = schedule_deadlift(
        week(runs=runs, athlete_settings=athlete_settings, monday=SPRING_MONDAY), now=BEFORE
    )
    assert placement.start == at_utc(2026, 3, 29, 1)
    assert placement.end == at_utc(2026, 3, 29, 2)
    assert placement.on_hard_day


def test_the_repeated_autumn_hour_offers_both_instants() -> None:
    # Sunday 2026-10-25, Berlin: 02:00-02:59 happens twice. An easy run takes 00:00-01:30 UTC
    # (02:00 CEST to the second 02:30), so only the second 02:30 (CET, 01:30 UTC) is free.
    athlete_settings = athlete(time(2), time(3))
    runs = (run(local(6, 10, monday=AUTUMN_MONDAY)), run(at_utc(2026, 10, 25), 90, kind="easy"))
    lift = deadlift(local(2, 10, monday=AUTUMN_MONDAY), minutes=30)
    placement = schedule_deadlift(
        week(runs=runs, lifts=(lift,), athlete_settings=athlete_settings, monday=AUTUMN_MONDAY),
        now=BEFORE,
    )
    assert placement.start == at_utc(2026, 10, 25, 1, 30)
    assert placement.end == at_utc(2026, 10, 25, 2)


def test_real_time_decides_the_six_hours_across_the_spring_change() -> None:
    # The intervals on Sunday 2026-03-29 at 08:00 CEST; a deadlift 01:00-02:00 CET ends 6 h
    # earlier on the wall clock but only 5 h earlier in real time.
    runs = (run(local(6, 8, monday=SPRING_MONDAY)),)
    athlete_settings = athlete(time(0), time(23, 45))
    lift = deadlift(local(6, 1, monday=SPRING_MONDAY))
    placement = schedule_deadlift(
        week(runs=runs, lifts=(lift,), athlete_settings=athlete_settings, monday=SPRING_MONDAY),
        now=BEFORE,
    )
    assert placement.outcome == "moved"


def test_auckland_local_days_decide_the_hard_day() -> None:
    # Tuesday 00:30 in Auckland is Monday 11:30 UTC; the intervals are on local Tuesday.
    athlete_settings = athlete(time(0), time(23), tz=AUCKLAND)
    tuesday = datetime(2026, 12, 1, 0, 30, tzinfo=AUCKLAND)
    lift = deadlift(tuesday)
    runs = (run(datetime(2026, 12, 1, 19, 0, tzinfo=AUCKLAND)),)
    placement = schedule_deadlift(
        week(runs=runs, lifts=(lift,), athlete_settings=athlete_settings), now=BEFORE
    )
    assert tuesday.astimezone(UTC).date() == date(2026, 11, 30)
    assert placement.outcome == "unchanged"
    assert placement.on_hard_day


def test_same_input_same_output() -> None:
    w = week(runs=(run(local(1, 12)), run(local(3, 8))))
    assert schedule_deadlift(w, now=BEFORE) == schedule_deadlift(w, now=BEFORE)


# ---------------------------------------------------------------------------- the present


@pytest.mark.parametrize(
    ("now", "first_start"),
    [
        (local(0, 9, 45), local(0, 10, 45)),  # exactly an hour ahead is a slot
        (local(0, 9, 45) + timedelta(seconds=1), local(0, 11)),  # a second later it is not
        (local(0, 10), local(0, 11)),
        (local(-3, 12), local(0, 6)),  # before the week: its first slot
    ],
)
def test_the_earliest_start_is_the_first_slot_an_hour_ahead(now, first_start) -> None:
    placement = schedule_deadlift(week(), now=now)
    assert placement.outcome == "placed"
    assert placement.start == first_start


def test_a_hard_day_that_is_past_is_no_choice() -> None:
    # Intervals Tue 12:00 and Thu 12:00; on Wednesday only Thursday is still ahead.
    runs = (run(local(1, 12)), run(local(3, 12)))
    assert schedule_deadlift(week(runs=runs), now=BEFORE).start == local(1, 20)
    placement = schedule_deadlift(week(runs=runs), now=local(2, 10))
    assert placement.start == local(3, 20)


def test_the_hard_day_the_clock_has_passed_says_so() -> None:
    # Interval Mon 07:00; on Monday at 19:30 nothing is left on Monday.
    placement = schedule_deadlift(week(runs=(run(local(0, 7)),)), now=local(0, 19, 30))
    assert placement.start == local(6, 20)  # the farthest from Monday's intervals
    assert not placement.on_hard_day
    assert placement.no_hard_day_reason == "Mon: no 60-minute slot is left after 20:30"
    placement = schedule_deadlift(week(runs=(run(local(0, 7)),)), now=local(1, 9))
    assert placement.no_hard_day_reason == "Mon: it is past"


def test_a_missed_deadlift_moves_to_the_best_slot_ahead() -> None:
    lift = deadlift(local(0, 7))  # Monday 07:00-08:00, never logged
    placement = schedule_deadlift(week(runs=(run(local(3, 12)),), lifts=(lift,)), now=local(1, 9))
    assert placement.outcome == "moved"
    assert placement.session_id == lift.id
    assert placement.start == local(3, 20)


def test_a_missed_deadlift_with_no_time_left_stays_and_says_why() -> None:
    lift = deadlift(local(6, 7))
    placement = schedule_deadlift(week(lifts=(lift,)), now=local(6, 20, 30))
    assert placement.outcome == "no_slot"
    assert placement.session_id == lift.id and placement.start is None
    assert placement.reason == (
        "No time is left this week for a 60-minute deadlift: nothing starts before Sun 21:30, "
        "and the 06:00–21:00 window has no slot after that."
    )


def test_a_missed_deadlift_gives_way_to_one_still_ahead() -> None:
    missed, ahead = deadlift(local(0, 7)), deadlift(local(4, 7))
    placement = schedule_deadlift(week(lifts=(missed, ahead)), now=local(1, 9))
    assert placement.outcome == "unchanged"
    assert placement.session_id == ahead.id
    assert placement.extra_session_ids == (missed.id,)


@pytest.mark.parametrize(
    ("now", "outcome"),
    [
        (local(2, 9, 59), "unchanged"),  # a minute before it starts: it stays where it is
        (local(2, 10), "unchanged"),  # under way
        (local(2, 10, 59), "unchanged"),
        (local(2, 11) + timedelta(seconds=1), "moved"),  # over and nothing logged: missed
    ],
)
def test_a_deadlift_under_way_is_history(now, outcome) -> None:
    lift = deadlift(local(2, 10))
    placement = schedule_deadlift(week(lifts=(lift,)), now=now)
    assert placement.outcome == outcome
    if outcome == "unchanged":
        assert placement.start == lift.start


def test_a_deadlift_under_way_says_it_has_started() -> None:
    lift = deadlift(local(2, 10))
    placement = schedule_deadlift(week(lifts=(lift,)), now=local(2, 10, 30))
    assert placement.reason == (
        "The deadlift on Wed 10:00 has started; history stays where it happened."
    )


@pytest.mark.parametrize(
    ("now", "over"),
    [(local(7, 0) - timedelta(seconds=1), False), (local(7, 0), True), (local(9, 12), True)],
)
def test_a_week_that_is_over_changes_nothing(now, over) -> None:
    missed, extra = deadlift(local(0, 7)), deadlift(local(2, 7))
    placement = schedule_deadlift(week(lifts=(missed, extra)), now=now)
    assert placement.outcome == "no_slot"
    assert (placement.reason == "The week is over.") == over
    assert (placement.extra_session_ids == ()) == over


def test_no_fix_moves_a_deadlift_into_the_past() -> None:
    # Interval Tue 12:00, deadlift Tue 15:00 (too close). Before Tuesday evening the fix is
    # Tue 20:00; at 19:30 that is within the hour, so the fix goes to the best time left.
    lift = deadlift(local(1, 15))
    w = week(runs=(run(local(1, 12)),), lifts=(lift,))
    [early] = [
        v for v in evaluate_week(w, now=local(0, 9)) if v.code == DEADLIFT_TOO_CLOSE_TO_INTERVALS
    ]
    assert isinstance(early.fix, MoveDeadlift) and early.fix.new_start == local(1, 20)
    late = evaluate_week(w, now=local(1, 19, 30))
    [close] = [v for v in late if v.code == DEADLIFT_TOO_CLOSE_TO_INTERVALS]
    assert isinstance(close.fix, MoveDeadlift) and close.fix.new_start >= local(1, 20, 30)
    # The violations themselves do not depend on the clock.
    assert [(v.code, v.message) for v in late if v.fix is None] == [
        (v.code, v.message) for v in evaluate_week(w, now=local(0, 9)) if v.fix is None
    ]


# ---------------------------------------------------------------------------- properties

# The fast path has mutants that only thousands of examples find: CI runs ten times as many.
SCHEDULER_EXAMPLES = 2000 if os.environ.get("CI") else 200
ZONES = [AUCKLAND, BERLIN, LOS_ANGELES, ZoneInfo("UTC")]
MONDAYS = [
    date(2026, 3, 23),  # Berlin spring change
    date(2026, 10, 19),  # Berlin autumn change
    date(2026, 3, 30),  # Auckland autumn change (clocks back on 2026-04-05)
    date(2026, 9, 21),  # Auckland spring change (clocks forward on 2026-09-27)
    date(2026, 3, 2),  # Los Angeles spring change
    date(2026, 10, 26),  # Los Angeles autumn change
    date(2026, 11, 30),  # nothing special
]
KINDS = ["interval", "interval", "easy", "tempo", "long", "recovery"]


@dataclass(frozen=True)
class _Candidate:
    start: datetime
    day: date
    min_gap: timedelta


def _end(session: RunSession | LiftSession) -> datetime:
    return session.start.astimezone(UTC) + timedelta(minutes=session.duration_minutes)


def _effective(session: RunSession | LiftSession) -> tuple[datetime, datetime]:
    if (
        session.status == "done"
        and session.actual_start is not None
        and session.actual_duration_minutes is not None
    ):
        start, minutes = session.actual_start, session.actual_duration_minutes
    else:
        start, minutes = session.start, session.duration_minutes
    start = start.astimezone(UTC)
    return start, start + timedelta(minutes=minutes)


class BruteForce:
    """The scheduler's constraints restated the slow, obvious way."""

    def __init__(self, w: AthleteWeek, now: datetime = BEFORE) -> None:
        tz = w.athlete.time_zone
        week_start, week_end = week_bounds(w.monday, tz)
        own_deadlifts = sorted(
            (
                lift
                for lift in w.lifts
                if lift.exercise == "deadlift"
                and lift.status != "skipped"
                and week_start <= lift.start < week_end
            ),
            key=lambda lift: (_effective(lift)[0], lift.id),
        )
        self.now = now
        self.week_over = week_end <= now
        # Sessions here are never logged: history is only a deadlift under way.
        self.under_way = [lift for lift in own_deadlifts if lift.start <= now < _end(lift)]
        missed = [lift for lift in own_deadlifts if _end(lift) < now]
        ahead = [lift for lift in own_deadlifts if lift not in missed]
        self.keeper: LiftSession | None = next(iter(ahead or own_deadlifts), None)
        leaving = {lift.id for lift in own_deadlifts}
        self.duration = timedelta(minutes=self.keeper.duration_minutes if self.keeper else 60)
        self.tz = tz
        self.window = (w.athlete.training_window_start, w.athlete.training_window_end)
        self.intervals = [
            _effective(r) for r in w.runs if r.kind == "interval" and r.status != "skipped"
        ]
        self.busy = [_effective(r) for r in w.runs if r.status != "skipped"] + [
            _effective(lift)
            for lift in w.lifts
            if lift.status != "skipped" and lift.id not in leaving
        ]
        self.hard_days = {
            _effective(r)[0].astimezone(tz).date()
            for r in w.runs
            if r.kind == "interval" and r.status != "skipped" and week_start <= r.start < week_end
        }
        self.days = [w.monday + timedelta(days=n) for n in range(7)]
        self.candidates = [
            c
            for c in self._grid()
            if self.fits(c.start) and c.start >= now + timedelta(hours=1) and not self.week_over
        ]

    def _grid(self) -> list[_Candidate]:
        seen: set[datetime] = set()
        found = []
        for day in self.days:
            for minute in range(0, 24 * 60, 15):
                wall = datetime.combine(day, time(minute // 60, minute % 60))
                for fold in (0, 1):
                    moment = wall.replace(tzinfo=self.tz, fold=fold).astimezone(UTC)
                    # A wall time the DST jump skips does not come back unchanged.
                    if moment.astimezone(self.tz).replace(tzinfo=None) != wall or moment in seen:
                        continue
                    seen.add(moment)
                    found.append(_Candidate(moment, day, self.min_gap(moment)))
        return found

    def min_gap(self, start: datetime) -> timedelta:
        end = start + self.duration
        gaps = [max(r_start - end, start - r_end) for r_start, r_end in self.intervals]
        return min(gaps, default=timedelta.max)

    def in_window(self, start: datetime) -> bool:
        local_start = start.astimezone(self.tz)
        local_end = (start + self.duration).astimezone(self.tz)
        return (
            local_start.date() == local_end.date()
            and local_start.time() >= self.window[0]
            and local_end.time() <= self.window[1]
        )

    def overlaps(self, start: datetime) -> bool:
        end = start + self.duration
        return any(b_start < end and start < b_end for b_start, b_end in self.busy)

    def fits(self, start: datetime) -> bool:
        return (
            self.in_window(start)
            and not self.overlaps(start)
            and self.min_gap(start) >= MIN_GAP_FROM_INTERVALS
        )

    def on_hard_day(self, start: datetime) -> bool:
        return start.astimezone(self.tz).date() in self.hard_days

    def best(self, *, hard_day: bool) -> _Candidate | None:
        pool = [c for c in self.candidates if (c.day in self.hard_days) == hard_day]
        if not pool:
            return None
        # The widest smallest gap; max() keeps the first of equals, so the earliest start.
        return max(sorted(pool, key=lambda c: c.start), key=lambda c: c.min_gap)


@st.composite
def athlete_weeks(draw: st.DrawFn) -> AthleteWeek:
    tz = draw(st.sampled_from(ZONES))
    monday = draw(st.sampled_from(MONDAYS))
    window_from = draw(st.integers(0, 22 * 12)) * 5
    window_to = draw(st.integers(window_from // 5 + 1, 24 * 12 - 1)) * 5
    athlete_settings = AthleteSettings(
        7,
        tz,
        time(window_from // 60, window_from % 60),
        time(window_to // 60, window_to % 60),
        Decimal("2.5"),
    )
    week_start, _ = week_bounds(monday, tz)
    ids = count(1)

    def moment(first_day: int, last_day: int) -> datetime:
        minutes = draw(st.integers(first_day * 24 * 12, last_day * 24 * 12)) * 5
        return week_start + timedelta(minutes=minutes)

    runs = []
    for _ in range(draw(st.integers(0, 9))):
        start = moment(-2, 9)
        status = draw(st.sampled_from(["planned", "planned", "done", "skipped"]))
        actual: dict[str, object] = {}
        if status == "done" and draw(st.booleans()):
            actual = {
                "actual_start": start + timedelta(minutes=draw(st.integers(-120, 120))),
                "actual_duration_minutes": draw(st.integers(10, 150)),
            }
        runs.append(
            RunSession(
                next(ids),
                draw(st.sampled_from(KINDS)),
                start,
                draw(st.integers(15, 180)),
                status,
                **actual,  # type: ignore[arg-type]
            )
        )
    lifts = [
        LiftSession(next(ids), "squat", moment(-1, 8), draw(st.integers(20, 90)), "planned")
        for _ in range(draw(st.integers(0, 2)))
    ]
    lifts += [
        LiftSession(
            next(ids),
            "deadlift",
            moment(0, 7),
            draw(st.sampled_from([30, 45, 60, 75, 90, 120])),
            draw(st.sampled_from(["planned", "planned", "planned", "skipped"])),
        )
        for _ in range(draw(st.integers(0, 2)))
    ]
    return AthleteWeek(athlete_settings, monday, tuple(runs), tuple(lifts))


def _apply(w: AthleteWeek, placement: Placement) -> AthleteWeek:
    assert placement.start is not None
    leaving = set(placement.extra_session_ids)
    lifts = []
    for lift in w.lifts:
        if lift.id in leaving:
            continue
        if lift.id == placement.session_id:
            lift = replace(lift, start=placement.start)
        lifts.append(lift)
    if placement.session_id is None:
        lifts.append(LiftSession(999, "deadlift", placement.start, 60, "planned"))
    return replace(w, lifts=tuple(lifts))


@settings(max_examples=SCHEDULER_EXAMPLES, deadline=None)
@given(athlete_weeks())
def test_scheduler_properties(w: AthleteWeek) -> None:
    placement = schedule_deadlift(w, now=BEFORE)
    brute = BruteForce(w)
    hard_day_slot_exists = brute.best(hard_day=True) is not None

    assert placement == schedule_deadlift(w, now=BEFORE)
    assert placement.outcome in ("placed", "moved", "unchanged", "no_slot")
    keeper = brute.keeper
    assert placement.session_id == (keeper.id if keeper else None)

    if placement.outcome == "no_slot":
        assert placement.start is None and placement.end is None
        assert not brute.candidates
        assert placement.reason
        return

    start = placement.start
    assert start is not None
    assert placement.end == start + brute.duration
    assert brute.fits(start)
    assert placement.on_hard_day == brute.on_hard_day(start)
    if hard_day_slot_exists:
        assert placement.on_hard_day
    keeper_may_stay = (
        keeper is not None
        and brute.fits(keeper.start)
        and (brute.on_hard_day(keeper.start) or not hard_day_slot_exists)
    )
    assert (placement.outcome == "unchanged") == keeper_may_stay
    if placement.outcome == "unchanged":
        assert keeper is not None and start == keeper.start
    else:
        expected = brute.best(hard_day=hard_day_slot_exists)
        assert expected is not None
        assert start == expected.start
    if not placement.on_hard_day and w.own_interval_runs:
        assert placement.no_hard_day_reason
        assert placement.reason

    again = _apply(w, placement)
    second = schedule_deadlift(again, now=BEFORE)
    assert second.outcome == "unchanged"
    assert second.start == start
    assert second.extra_session_ids == ()

    codes = {v.code for v in evaluate_week(again, now=BEFORE)}
    assert not codes & {DEADLIFT_MISSING, DEADLIFT_TOO_MANY, DEADLIFT_TOO_CLOSE_TO_INTERVALS}
    assert (DEADLIFT_NOT_ON_HARD_DAY in codes) == (
        bool(w.own_interval_runs) and not placement.on_hard_day
    )


@st.composite
def weeks_and_nows(draw: st.DrawFn) -> tuple[AthleteWeek, datetime]:
    """A week and a moment from a day before it to a day after it, on any minute."""
    w = draw(athlete_weeks())
    week_start, week_end = week_bounds(w.monday, w.athlete.time_zone)
    minutes = draw(st.integers(-24 * 60, int((week_end - week_start).total_seconds()) // 60 + 1440))
    return w, week_start + timedelta(minutes=minutes, seconds=draw(st.integers(0, 59)))


@settings(max_examples=SCHEDULER_EXAMPLES, deadline=None)
@given(weeks_and_nows())
def test_scheduler_properties_in_the_present(w_now: tuple[AthleteWeek, datetime]) -> None:
    """For any now: nothing placed or moved before now + 1 h, the brute force's choice among
    the slots still ahead, a deadlift under way or in a week that is over left alone, and
    scheduling twice changes nothing."""
    w, now = w_now
    placement = schedule_deadlift(w, now=now)
    brute = BruteForce(w, now)
    keeper = brute.keeper
    if brute.under_way and brute.under_way[0] is keeper:
        assert placement.outcome == "unchanged" and placement.start == keeper.start
        return
    if brute.week_over:
        assert placement.outcome == "no_slot" and placement.start is None
        assert placement.reason == "The week is over."
        assert placement.extra_session_ids == ()
        return
    assert placement.session_id == (keeper.id if keeper else None)
    if placement.outcome in ("placed", "moved"):
        assert placement.start is not None
        assert placement.start >= now + timedelta(hours=1)
        hard = brute.best(hard_day=True)
        expected = hard or brute.best(hard_day=False)
        assert expected is not None and placement.start == expected.start
    elif placement.outcome == "unchanged":
        assert keeper is not None and placement.start == keeper.start
        # Still to come where the coach put it (perhaps within the hour), never a missed one.
        assert keeper.start > now and brute.fits(keeper.start)
    else:
        assert placement.start is None and placement.reason
        assert not brute.candidates
        return

    again = _apply(w, placement)
    second = schedule_deadlift(again, now=now)
    assert second.outcome == "unchanged"
    assert second.start == placement.start
    assert second.extra_session_ids == ()


# ---------------------------------------------------------------------------- edges mutants found


def test_now_must_be_aware() -> None:
    with pytest.raises(ValueError, match="now must be an aware datetime, got datetime"):
        schedule_deadlift(week(), now=datetime(2026, 12, 1, 12))


def test_history_keeps_its_own_length_and_comes_back_in_utc() -> None:
    logged = LiftSession(7, "deadlift", local(1, 14), 90, "done")
    placement = schedule_deadlift(week(lifts=(logged,)), now=BEFORE)
    assert placement.duration_minutes == 90
    assert placement.end == local(1, 15, 30)
    assert placement.start is not None and placement.start.tzinfo == UTC


def test_a_week_that_is_over_keeps_its_deadlift_as_it_is() -> None:
    missed = deadlift(local(1, 14), minutes=90)
    placement = schedule_deadlift(week(runs=(run(local(1, 7)),), lifts=(missed,)), now=local(7, 9))
    assert placement == Placement(
        outcome="no_slot",
        session_id=missed.id,
        start=None,
        end=None,
        on_hard_day=False,
        reason="The week is over.",
        duration_minutes=90,
    )
    assert placement.on_hard_day is False


@pytest.mark.parametrize(
    ("w", "now", "reason", "no_hard_day_reason"),
    [
        (
            week(runs=(run(local(1, 12)),), lifts=(deadlift(local(1, 20)),)),
            BEFORE,
            "The deadlift on Tue 20:00 already fits the training window, clashes with no other "
            "session and is 7 h from the nearest interval run, on a hard day.",
            "",
        ),
        (
            week(lifts=(deadlift(local(2, 10)),)),
            BEFORE,
            "The deadlift on Wed 10:00 already fits the training window, clashes with no other "
            "session and has no interval run in reach. The week has no interval run, so no hard "
            "day.",
            "",
        ),
        (
            week(runs=(run(local(1, 12)),)),
            BEFORE,
            "Tue 20:00 is on a hard day, 7 h from the nearest interval run: as far from the "
            "interval runs as the training window and the other sessions allow.",
            "",
        ),
        (
            week(runs=(run(local(0, 16)),)),
            local(0, 10),
            "No hard day had room: Mon: every 60-minute slot in the 06:00–21:00 window is within "
            "6 h of the interval run on Mon 16:00. Sun 20:00 is 147 h from the nearest interval "
            "run, the farthest from the interval runs the week allows.",
            "Mon: every 60-minute slot in the 06:00–21:00 window is within 6 h of the interval "
            "run on Mon 16:00",
        ),
        (
            week(runs=(run(local(0, 8)), run(local(0, 15)))),
            BEFORE,
            "No hard day had room: Mon: every 60-minute slot in the 06:00–21:00 window is within "
            "6 h of the interval runs on Mon 08:00 and on Mon 15:00. Sun 20:00 is 148 h from the "
            "nearest interval run, the farthest from the interval runs the week allows.",
            "Mon: every 60-minute slot in the 06:00–21:00 window is within 6 h of the interval "
            "runs on Mon 08:00 and on Mon 15:00",
        ),
        (
            # An hour before midnight the earliest start is the next day's first instant.
            week(runs=(run(local(0, 7)),)),
            local(0, 23),
            "No hard day had room: Mon: it is past. Sun 20:00 is 156 h from the nearest interval "
            "run, the farthest from the interval runs the week allows.",
            "Mon: it is past",
        ),
        (
            week(runs=(run(local(6, 16)),)),
            local(6, 10),
            "No time this week fits a 60-minute deadlift: every remaining 60-minute slot in the "
            "06:00–21:00 window is within 6 h of an interval run.",
            "Sun: every 60-minute slot in the 06:00–21:00 window is within 6 h of the interval "
            "run on Sun 16:00",
        ),
    ],
    ids=[
        "stays",
        "stays-no-intervals",
        "hard-day",
        "day-partly-past",
        "two-runs",
        "day-past",
        "none-left",
    ],
)
def test_every_reason_word_for_word(w, now, reason, no_hard_day_reason) -> None:
    placement = schedule_deadlift(w, now=now)
    assert placement.reason == reason
    assert placement.no_hard_day_reason == no_hard_day_reason


@pytest.mark.parametrize(
    ("window", "first", "reason"),
    [
        ((time(6), time(7)), local(0, 6), ""),  # exactly one slot
        ((time(6, 15, 0, 1), time(21)), local(0, 6, 30), ""),  # a microsecond late rounds up
        ((time(6, 0, 30), time(21)), local(0, 6, 15), ""),
        ((time(6), time(7, 14, 59)), local(0, 6), ""),
        (
            (time(6, 10), time(7, 10)),
            None,
            "No time this week fits a 60-minute deadlift: the 06:10–07:10 training window has no "
            "quarter-hour start that leaves room for the 60-minute session.",
        ),
        (
            (time(6), time(6, 59, 59, 500000)),
            None,
            "No time this week fits a 60-minute deadlift: the 06:00–06:59 training window is "
            "shorter than the 60-minute session.",
        ),
    ],
)
def test_the_window_edges(window, first, reason) -> None:
    placement = schedule_deadlift(week(athlete_settings=athlete(*window)), now=BEFORE)
    assert placement.start == first
    if reason:
        assert placement.reason == reason
