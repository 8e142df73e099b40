"""Compliance colours and windows (plans.domain.compliance): pure, no database."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plans.domain.compliance import (
    Colour,
    Mark,
    PastSession,
    RunVolume,
    Share,
    VolumeRun,
    Why,
    duration_mark,
    judge,
    mark,
    run_volume,
    share_over,
    shares_hold_until,
    shown_percent,
    window_start,
)
from plans.domain.types import LiftSession, LiftSet, RunSession

NOW = datetime(2026, 12, 2, 11, 40, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("case", "done", "planned", "colour", "why"),
    [
        ("49 % of 100 min: far too short", 49, 100, Colour.RED, Why.FAR_SHORT),
        ("50 %: partial", 50, 100, Colour.YELLOW, Why.SHORT),
        ("79 %: partial", 79, 100, Colour.YELLOW, Why.SHORT),
        ("80 %: on plan", 80, 100, Colour.GREEN, Why.ON_PLAN),
        ("100 %", 100, 100, Colour.GREEN, Why.ON_PLAN),
        ("120 %: on plan", 120, 100, Colour.GREEN, Why.ON_PLAN),
        ("121 %: partial", 121, 100, Colour.YELLOW, Why.LONG),
        ("150 %: partial", 150, 100, Colour.YELLOW, Why.LONG),
        ("151 %: far too long", 151, 100, Colour.RED, Why.FAR_LONG),
        ("159 of 200 = 79.5 %", 159, 200, Colour.YELLOW, Why.SHORT),
        ("160 of 200 = 80 %", 160, 200, Colour.GREEN, Why.ON_PLAN),
        ("240 of 200 = 120 %", 240, 200, Colour.GREEN, Why.ON_PLAN),
        ("241 of 200 = 120.5 %", 241, 200, Colour.YELLOW, Why.LONG),
        ("300 of 200 = 150 %", 300, 200, Colour.YELLOW, Why.LONG),
        ("301 of 200 = 150.5 %", 301, 200, Colour.RED, Why.FAR_LONG),
        ("99 of 200 = 49.5 %", 99, 200, Colour.RED, Why.FAR_SHORT),
        ("100 of 200 = 50 %", 100, 200, Colour.YELLOW, Why.SHORT),
        ("48 of 60 min = 80 %", 48, 60, Colour.GREEN, Why.ON_PLAN),
        ("47 of 60 min = 78.3 %", 47, 60, Colour.YELLOW, Why.SHORT),
        ("72 of 60 min = 120 %", 72, 60, Colour.GREEN, Why.ON_PLAN),
        ("73 of 60 min = 121.7 %", 73, 60, Colour.YELLOW, Why.LONG),
    ],
)
def test_duration_mark(case, done, planned, colour, why):
    result = duration_mark(done, planned)
    assert (result.colour, result.why) == (colour, why)


@pytest.mark.parametrize(
    ("done", "planned", "shown"),
    [(159, 200, 79), (160, 200, 80), (241, 200, 121), (239, 200, 120), (301, 200, 151)],
)
def test_the_percent_shown_lies_in_its_colours_band(done, planned, shown):
    assert shown_percent(done, planned) == shown


def _band(percent: int) -> Colour:
    if 80 <= percent <= 120:
        return Colour.GREEN
    if 50 <= percent <= 150:
        return Colour.YELLOW
    return Colour.RED


@given(st.integers(1, 1440), st.integers(1, 1440))
def test_bands_against_exact_fractions(done, planned):
    ratio = Fraction(100 * done, planned)
    result = duration_mark(done, planned)
    assert result.percent is not None
    expected = (
        Colour.GREEN if 80 <= ratio <= 120 else Colour.YELLOW if 50 <= ratio <= 150 else Colour.RED
    )
    assert result.colour == expected
    # The whole percent shown names the same band, and is the ratio rounded away from 100.
    assert _band(result.percent) == expected
    assert abs(Decimal(result.percent) - Decimal(ratio.numerator) / ratio.denominator) < 1


def test_bad_planned_duration_is_refused():
    with pytest.raises(ValueError, match="at least a minute"):
        duration_mark(10, 0)


END = NOW - timedelta(minutes=1)


@pytest.mark.parametrize(
    ("case", "kwargs", "expected"),
    [
        ("done, no actual duration: counts as planned", {"status": "done"}, Colour.GREEN),
        (
            "done for 20 of 60 min",
            {"status": "done", "actual_minutes": 20},
            Colour.RED,
        ),
        ("skipped", {"status": "skipped"}, Colour.RED),
        (
            "skipped, still to come",
            {"status": "skipped", "planned_end": NOW + timedelta(hours=3)},
            Colour.RED,
        ),
        ("planned, ended a minute ago: missed", {"status": "planned"}, Colour.RED),
        ("planned, ends now: not yet missed", {"status": "planned", "planned_end": NOW}, None),
        ("planned, to come", {"status": "planned", "planned_end": NOW + timedelta(days=1)}, None),
        (
            "a lift with a set logged, not marked done",
            {"status": "planned", "logged": True},
            Colour.GREEN,
        ),
        (
            "a logged lift under way",
            {"status": "planned", "logged": True, "planned_end": NOW + timedelta(minutes=5)},
            Colour.GREEN,
        ),
    ],
)
def test_judge(case, kwargs, expected):
    args = {"planned_minutes": 60, "actual_minutes": None, "planned_end": END, "now": NOW}
    result = judge(**{**args, **kwargs})
    assert (result.colour if result else None) == expected


def test_missed_and_skipped_say_why():
    missed = judge(
        status="planned", planned_minutes=60, actual_minutes=None, planned_end=END, now=NOW
    )
    assert missed == Mark(Colour.RED, Why.MISSED, None)
    assert missed is not None and missed.label == "Off plan · missed"
    skipped = judge(
        status="skipped", planned_minutes=60, actual_minutes=None, planned_end=END, now=NOW
    )
    assert skipped is not None and skipped.label == "Off plan · skipped"
    assert duration_mark(57, 60).label == "On plan · 95 %"
    assert duration_mark(39, 60).label == "Partial · short, 65 %"
    assert duration_mark(100, 60).label == "Off plan · far too long, 167 %"


def run(start: datetime, status: str = "done", minutes: int = 60, actual: int | None = None):
    return RunSession(
        id=1,
        kind="easy",
        start=start,
        duration_minutes=minutes,
        status=status,
        actual_start=start if actual else None,
        actual_duration_minutes=actual,
    )


def test_marks_of_the_domains_sessions():
    start = NOW - timedelta(hours=3)
    assert mark(run(start, actual=30), NOW) == Mark(Colour.YELLOW, Why.SHORT, 50)
    lift = LiftSession(
        id=2,
        exercise="deadlift",
        start=start,
        duration_minutes=60,
        status="planned",
        sets=(
            LiftSet(
                id=1,
                order=1,
                is_warmup=False,
                target_reps=3,
                target_load_kg=None,
                target_rir=1,
                reps=3,
            ),
        ),
    )
    assert mark(lift, NOW) == Mark(Colour.GREEN, Why.ON_PLAN, 100)  # logged, never missed
    unlogged = LiftSession(
        id=3, exercise="deadlift", start=start, duration_minutes=60, status="planned"
    )
    assert mark(unlogged, NOW) == Mark(Colour.RED, Why.MISSED, None)


def test_share_percent_rounds_down_and_says_nothing_without_sessions():
    assert Share().percent is None
    assert Share(green=2, yellow=1).percent == 66
    assert Share(green=1).percent == 100
    assert Share(red=3).percent == 0
    assert Share(1, 2, 3) + Share(1, 0, 1) == Share(2, 2, 4)


def test_windows_count_local_days_today_included():
    now = datetime(2026, 12, 2, 11, 40, tzinfo=UTC)  # Wednesday 12:40 in Berlin
    sessions = [
        PastSession(datetime(2026, 12, 2, 6, 0, tzinfo=UTC), 60, "done"),  # today
        PastSession(datetime(2026, 12, 2, 18, 0, tzinfo=UTC), 60, "planned"),  # to come
        # 7 local days: Thursday 26 Nov 00:00 Berlin (25 Nov 23:00 UTC) is the first.
        PastSession(datetime(2026, 11, 25, 23, 0, tzinfo=UTC), 60, "planned"),  # missed, in
        PastSession(datetime(2026, 11, 25, 22, 59, tzinfo=UTC), 60, "skipped"),  # day before
    ]
    assert share_over(sessions, now=now, time_zone=BERLIN, days=7) == Share(green=1, red=1)
    assert share_over(sessions, now=now, time_zone=BERLIN, days=28) == Share(green=1, red=2)
    # In UTC the first day is 26 Nov: both of 25 Nov are out. At UTC+14 it is already
    # Thursday 3 Dec: the window starts on 27 Nov, and the 18:00 UTC run is tomorrow morning.
    assert share_over(sessions, now=now, time_zone=UTC, days=7) == Share(green=1)
    kiritimati = ZoneInfo("Pacific/Kiritimati")
    assert share_over(sessions, now=now, time_zone=kiritimati, days=7) == Share(green=1)


def test_a_window_is_a_day_at_least():
    with pytest.raises(ValueError, match="at least one day"):
        share_over([], now=NOW, time_zone=UTC, days=0)


@given(
    st.sampled_from(["UTC", "Europe/Berlin", "Pacific/Kiritimati", "Pacific/Pago_Pago"]),
    st.integers(1, 28),
    st.datetimes(
        min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
    ),
)
def test_window_start_reaches_the_first_local_day(zone, days, now):
    tz = ZoneInfo(zone)
    first = now.astimezone(tz).date() - timedelta(days=days - 1)
    first_instant = datetime.combine(first, datetime.min.time(), tzinfo=tz).astimezone(UTC)
    assert window_start(now, days) <= first_instant


def test_run_volume_planned_against_done():
    volume = run_volume(
        [
            VolumeRun("done", 60, 75, Decimal("12.5")),  # done longer than planned
            VolumeRun("done", 45, None, Decimal("8")),  # no actual duration: as planned
            VolumeRun("skipped", 30, None, Decimal("5")),  # planned, not done
            VolumeRun("planned", 50, None, None),  # missed or to come; no distance
        ]
    )
    assert volume == RunVolume(185, 120, Decimal("25.5"), Decimal("20.5"))
    assert (volume.planned_hours, volume.done_hours) == (Decimal("3.1"), Decimal("2.0"))
    assert run_volume([]) == RunVolume()


def test_shares_hold_until_the_next_open_end_or_local_midnight():
    now = datetime(2026, 12, 2, 11, 40, tzinfo=UTC)  # 12:40 in Berlin
    midnight = datetime(2026, 12, 2, 23, 0, tzinfo=UTC)  # Thursday 00:00 in Berlin
    done = PastSession(now - timedelta(hours=2), 60, "done")
    open_later = PastSession(now + timedelta(hours=1), 60, "planned")  # ends 13:40 UTC
    logged = PastSession(now, 60, "planned", logged=True)  # no end to wait for
    ended = PastSession(now - timedelta(hours=2), 60, "planned")  # already missed
    assert shares_hold_until([done, logged, ended], now=now, time_zone=BERLIN) == midnight
    assert shares_hold_until([done, open_later], now=now, time_zone=BERLIN) == now + timedelta(
        hours=2
    )
    # An open session ending exactly now is not yet missed: the answer holds until then.
    at_now = PastSession(now - timedelta(minutes=60), 60, "planned")
    assert shares_hold_until([at_now], now=now, time_zone=BERLIN) == now
    assert shares_hold_until([], now=now, time_zone=UTC) == datetime(2026, 12, 3, tzinfo=UTC)


def test_an_unplanned_run_has_no_colour_and_no_planned_volume():
    """A run file that matched no planned run made it: it happened, but no plan was followed
    or broken. The same run, planned, is judged as any other."""
    start = NOW - timedelta(days=1)
    made = RunSession(1, "easy", start, 40, "done", start, 40, unplanned=True)
    planned = RunSession(2, "easy", start, 40, "done", start, 40)
    assert mark(made, NOW) is None
    assert mark(planned, NOW) == Mark(Colour.GREEN, Why.ON_PLAN, 100)
    assert (
        share_over(
            [PastSession(start, 40, "done", 40, unplanned=True)], now=NOW, days=7, time_zone=UTC
        )
        == Share()
    )
    volume = run_volume(
        [VolumeRun("done", 40, 40, Decimal("8"), unplanned=True), VolumeRun("done", 30, 30)]
    )
    assert volume == RunVolume(30, 70, Decimal("0"), Decimal("8"))
