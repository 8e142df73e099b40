"""The pure expansion of a template week for one athlete (plans/domain/templates.py): no
database. Each reason a run is reported, on both sides of its boundary, then properties over
random weeks, zones and clocks."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from itertools import count
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plans.domain.templates import (
    NONEXISTENT_TIME,
    OUTSIDE_WINDOW,
    OVERLAP,
    PAST,
    REASONS,
    TemplateRunSpec,
    expand_week,
    local_instant,
)
from plans.domain.types import AthleteSettings, LiftSession, RunSession

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = date(2026, 12, 7)  # 2026-W50
BEFORE = datetime(2026, 12, 5, 12, tzinfo=UTC)  # the Saturday before
ATHLETE = AthleteSettings(1, BERLIN, time(6), time(21))


def run(weekday: int = 1, at: time = time(7), minutes: int = 60, kind: str = "easy"):
    return TemplateRunSpec(weekday, at, kind, minutes, Decimal("8"))


def local(day: int, hour: int, minute: int = 0, tz: ZoneInfo = BERLIN) -> datetime:
    return datetime.combine(MONDAY + timedelta(days=day), time(hour, minute), tzinfo=tz)


def expand(*specs, existing=(), now=BEFORE, athlete=ATHLETE, monday=MONDAY):
    return expand_week(specs, athlete=athlete, monday=monday, existing=existing, now=now)


def only_reason(expansion) -> str | None:
    assert len(expansion.created) + len(expansion.reported) == 1
    return expansion.reported[0].reason if expansion.reported else None


def test_a_run_lands_at_the_local_clock_time_of_its_weekday():
    expansion = expand(run(weekday=1, at=time(7, 30)))
    (planned,) = expansion.created
    assert planned.start == local(1, 7, 30).astimezone(UTC)
    assert planned.start.tzinfo is UTC
    assert planned.day == date(2026, 12, 8)
    assert planned.end == planned.start + timedelta(minutes=60)


@pytest.mark.parametrize(
    ("at", "minutes", "reason"),
    [
        pytest.param(time(6), 60, None, id="starts as the window opens"),
        pytest.param(time(5, 59), 60, OUTSIDE_WINDOW, id="starts a minute before the window"),
        pytest.param(time(20), 60, None, id="ends as the window closes"),
        pytest.param(time(20), 61, OUTSIDE_WINDOW, id="ends a minute after the window"),
        pytest.param(time(23, 30), 60, OUTSIDE_WINDOW, id="runs past midnight"),
    ],
)
def test_the_whole_run_must_fit_the_training_window(at, minutes, reason):
    assert only_reason(expand(run(at=at, minutes=minutes))) == reason


@pytest.mark.parametrize(
    ("now", "reason"),
    [
        pytest.param(local(1, 6, 59), None, id="a minute before it starts"),
        pytest.param(local(1, 7), PAST, id="as it starts"),
        pytest.param(local(1, 7, 1), PAST, id="a minute after it started"),
    ],
)
def test_nothing_is_planned_into_the_past(now, reason):
    expansion = expand(run(at=time(7)), now=now.astimezone(UTC))
    assert only_reason(expansion) == reason
    if reason:
        assert "in the past" in expansion.reported[0].message


def existing_run(start: datetime, minutes: int = 60, status: str = "planned") -> RunSession:
    return RunSession(11, "tempo", start.astimezone(UTC), minutes, status)


@pytest.mark.parametrize(
    ("other_start", "minutes", "status", "reason"),
    [
        pytest.param(local(1, 6), 60, "planned", None, id="a run that ends as it starts"),
        pytest.param(local(1, 6), 61, "planned", OVERLAP, id="a run that ends a minute late"),
        pytest.param(local(1, 8), 30, "planned", None, id="a run that starts as it ends"),
        pytest.param(local(1, 7, 59), 30, "planned", OVERLAP, id="a run a minute earlier"),
        pytest.param(local(1, 7), 60, "skipped", None, id="a skipped run at the same time"),
        pytest.param(local(1, 7), 60, "done", OVERLAP, id="a done run at the same time"),
    ],
)
def test_a_run_onto_another_session_is_reported(other_start, minutes, status, reason):
    expansion = expand(run(at=time(7)), existing=[existing_run(other_start, minutes, status)])
    assert only_reason(expansion) == reason
    if reason:
        assert "not silently moved" in expansion.reported[0].message


def test_a_run_onto_a_lift_is_reported():
    lift = LiftSession(5, "deadlift", local(1, 7, 30).astimezone(UTC), 60, "planned")
    expansion = expand(run(at=time(7)), existing=[lift])
    assert only_reason(expansion) == OVERLAP
    assert "deadlift" in expansion.reported[0].message


def test_a_done_session_is_judged_by_when_it_really_happened():
    done = RunSession(
        12,
        "easy",
        local(1, 12).astimezone(UTC),
        60,
        "done",
        actual_start=local(1, 7, 30).astimezone(UTC),
        actual_duration_minutes=30,
    )
    assert only_reason(expand(run(at=time(7)), existing=[done])) == OVERLAP


def test_the_template_runs_may_overlap_each_other():
    expansion = expand(run(at=time(7)), run(at=time(7), kind="tempo"))
    assert len(expansion.created) == 2


SPRING = date(2027, 3, 22)  # the week Berlin's clocks jump from 02:00 to 03:00 (Sunday 28th)
AUTUMN = date(2027, 10, 25)  # the week they go back from 03:00 to 02:00 (Sunday 31st)
NIGHT_OWL = AthleteSettings(1, BERLIN, time(0), time(23, 59))


@pytest.mark.parametrize(
    ("at", "reason"),
    [
        pytest.param(time(1, 59), None, id="a minute before the gap"),
        pytest.param(time(2), NONEXISTENT_TIME, id="as the gap starts"),
        pytest.param(time(2, 59), NONEXISTENT_TIME, id="the gap's last minute"),
        pytest.param(time(3), None, id="as the gap ends"),
    ],
)
def test_a_clock_time_the_dst_jump_skips_is_reported(at, reason):
    expansion = expand(
        run(weekday=6, at=at, minutes=30), athlete=NIGHT_OWL, monday=SPRING, now=BEFORE
    )
    assert only_reason(expansion) == reason
    if reason:
        assert expansion.reported[0].start is None
        assert "does not exist" in expansion.reported[0].message


def test_a_repeated_clock_time_is_its_first_occurrence():
    expansion = expand(run(weekday=6, at=time(2, 30), minutes=30), athlete=NIGHT_OWL, monday=AUTUMN)
    (planned,) = expansion.created
    assert planned.start == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # 02:30 CEST


def test_a_run_across_the_dst_jump_lasts_its_real_minutes():
    # 01:30 + 90 real minutes is 04:00 local the night the clocks jump: inside a window to 04:00.
    athlete = AthleteSettings(1, BERLIN, time(1), time(4))
    expansion = expand(run(weekday=6, at=time(1, 30), minutes=90), athlete=athlete, monday=SPRING)
    assert len(expansion.created) == 1
    late = expand(run(weekday=6, at=time(1, 30), minutes=91), athlete=athlete, monday=SPRING)
    assert only_reason(late) == OUTSIDE_WINDOW


def test_local_instant():
    assert local_instant(SPRING + timedelta(days=6), time(2, 30), NIGHT_OWL) is None
    assert local_instant(MONDAY, time(7), ATHLETE) == datetime(2026, 12, 7, 6, tzinfo=UTC)


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param({"monday": MONDAY + timedelta(days=1)}, id="not a Monday"),
        pytest.param({"now": datetime(2026, 12, 1)}, id="a naive now"),
    ],
)
def test_expand_refuses_a_bad_call(bad):
    with pytest.raises(ValueError):
        expand(run(), **bad)


@pytest.mark.parametrize(
    "fields", [{"weekday": 7}, {"weekday": -1}, {"duration_minutes": 0}], ids=str
)
def test_a_template_run_is_checked(fields):
    values = {"weekday": 1, "start_time": time(7), "kind": "easy", "duration_minutes": 60}
    with pytest.raises(ValueError):
        TemplateRunSpec(**(values | fields))


# ---------------------------------------------------------------------------- properties

ZONES = [
    ZoneInfo(name)
    for name in (
        "UTC",
        "Europe/Berlin",
        "America/New_York",
        "Asia/Tokyo",
        "Australia/Lord_Howe",  # a half-hour DST shift
        "Asia/Kathmandu",  # +05:45
        "Pacific/Chatham",
    )
]
MONDAYS = [date(2026, 12, 7), SPRING, AUTUMN, date(2027, 3, 8), date(2027, 10, 4), date(2027, 4, 5)]


@st.composite
def cases(draw: st.DrawFn):
    tz = draw(st.sampled_from(ZONES))
    monday = draw(st.sampled_from(MONDAYS))
    window_from = draw(st.integers(0, 22 * 4)) * 15
    window_to = draw(st.integers(window_from // 15 + 1, 24 * 4 - 1)) * 15
    athlete = AthleteSettings(
        3, tz, time(window_from // 60, window_from % 60), time(window_to // 60, window_to % 60)
    )
    specs = [
        TemplateRunSpec(
            draw(st.integers(0, 6)),
            time(draw(st.integers(0, 23)), draw(st.sampled_from([0, 15, 30, 45]))),
            draw(st.sampled_from(["easy", "interval", "long"])),
            draw(st.integers(10, 240)),
        )
        for _ in range(draw(st.integers(0, 8)))
    ]
    week_start = datetime.combine(monday, time(0), tzinfo=tz).astimezone(UTC)
    ids = count(1)
    existing = [
        RunSession(
            next(ids),
            "easy",
            week_start + timedelta(minutes=draw(st.integers(-24 * 60, 8 * 24 * 60))),
            draw(st.integers(15, 180)),
            draw(st.sampled_from(["planned", "done", "skipped"])),
        )
        for _ in range(draw(st.integers(0, 6)))
    ]
    now = week_start + timedelta(minutes=draw(st.integers(-3 * 24 * 60, 8 * 24 * 60)))
    return athlete, monday, specs, existing, now


@settings(max_examples=300, deadline=None)
@given(cases())
def test_expansion_properties(case):
    athlete, monday, specs, existing, now = case
    tz = athlete.time_zone
    expansion = expand_week(specs, athlete=athlete, monday=monday, existing=existing, now=now)
    assert expansion == expand_week(
        specs, athlete=athlete, monday=monday, existing=existing, now=now
    )
    # Every run is either created or reported, never both, never lost.
    assert sorted(
        [p.spec for p in expansion.created] + [r.spec for r in expansion.reported],
        key=repr,
    ) == sorted(specs, key=repr)
    week_start = datetime.combine(monday, time(0), tzinfo=tz).astimezone(UTC)
    week_end = datetime.combine(monday + timedelta(days=7), time(0), tzinfo=tz).astimezone(UTC)
    busy = [(s.effective_start, s.effective_end) for s in existing if s.status != "skipped"]
    for planned in expansion.created:
        local_start = planned.start.astimezone(tz)
        local_end = planned.end.astimezone(tz)
        assert week_start <= planned.start < week_end  # in its week
        assert local_start.date() == monday + timedelta(days=planned.spec.weekday)
        assert local_start.time() == planned.spec.start_time  # the template's clock time
        assert planned.start > now  # after now
        assert local_end.date() == local_start.date()  # inside the window
        assert athlete.training_window_start <= local_start.time()
        assert local_end.time() <= athlete.training_window_end
        assert not any(b_start < planned.end and planned.start < b_end for b_start, b_end in busy)
    for reported in expansion.reported:
        assert reported.reason in REASONS
        assert reported.message
        assert (reported.start is None) == (reported.reason == NONEXISTENT_TIME)
