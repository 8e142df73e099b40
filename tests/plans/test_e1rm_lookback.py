"""The e1RM's history is the 42 local days before the week's local Monday (DOMAIN.md), not
42 x 24 hours: across a DST change the two differ by an hour, at both edges of that hour, and
every level of the read model that reads it (Detail.FULL, Detail.E1RM, current_e1rms) draws
the same line."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from plans import selectors, services
from plans.domain.weeks import e1rm_lookback_start, week_bounds
from plans.selectors import Detail
from tests.factories import AthleteFactory, LiftSessionFactory, LiftSetFactory
from workouts.models import SessionStatus

BERLIN = ZoneInfo("Europe/Berlin")
AUCKLAND = ZoneInfo("Pacific/Auckland")
LONDON = ZoneInfo("Europe/London")

# Berlin's clocks went forward on 29 March 2026 and back on 25 October 2026; Auckland's went
# forward on 27 September 2026.
AFTER_SPRING = date(2026, 4, 6)  # 2026-W15: 42 local days back is Monday 23 February
AFTER_AUTUMN = date(2026, 11, 2)  # 2026-W45: 42 local days back is Monday 21 September
AUCKLAND_SPRING = date(2026, 10, 5)  # 2026-W41: 42 local days back is Monday 24 August


def at(day: date, hour: int, minute: int, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=tz)


# ---------------------------------------------------------------------------- the pure helper


@pytest.mark.parametrize(
    ("monday", "tz", "first_local"),
    [
        (AFTER_SPRING, BERLIN, date(2026, 2, 23)),
        (AFTER_AUTUMN, BERLIN, date(2026, 9, 21)),
        (AUCKLAND_SPRING, AUCKLAND, date(2026, 8, 24)),
    ],
)
def test_the_history_starts_at_local_midnight_42_days_before_the_monday(monday, tz, first_local):
    first = e1rm_lookback_start(monday, tz)
    assert first == at(first_local, 0, 0, tz)
    assert first.astimezone(tz).time() == time(0)
    # Across the DST change that is not 42 x 24 h before the week starts.
    assert week_bounds(monday, tz)[0] - first != timedelta(days=42)


def test_without_dst_it_is_42_days_of_24_hours():
    monday = date(2026, 11, 30)
    assert e1rm_lookback_start(monday, ZoneInfo("UTC")) == datetime(2026, 10, 19, tzinfo=UTC)


# ---------------------------------------------------------------------------- every reader

# (the week's Monday, the zone, when the set was logged, whether it is in the history)
EDGES = [
    # After the spring change: "a set logged 43 local days back at 23:15 still counts" (it
    # must not), and the first instant of the 42nd day does.
    (AFTER_SPRING, BERLIN, at(date(2026, 2, 22), 23, 15, BERLIN), False),
    (AFTER_SPRING, BERLIN, at(date(2026, 2, 22), 23, 59, BERLIN), False),
    (AFTER_SPRING, BERLIN, at(date(2026, 2, 23), 0, 0, BERLIN), True),
    # After the autumn change: "a set exactly 42 local days back at 00:30 is dropped" (it must
    # count), and the last minute of the 43rd day does not.
    (AFTER_AUTUMN, BERLIN, at(date(2026, 9, 21), 0, 30, BERLIN), True),
    (AFTER_AUTUMN, BERLIN, at(date(2026, 9, 21), 0, 0, BERLIN), True),
    (AFTER_AUTUMN, BERLIN, at(date(2026, 9, 20), 23, 59, BERLIN), False),
    # The other end: the history stops where the week starts.
    (AFTER_AUTUMN, BERLIN, at(date(2026, 11, 1), 23, 59, BERLIN), True),
    (AFTER_AUTUMN, BERLIN, at(date(2026, 11, 2), 0, 0, BERLIN), False),
    # The southern spring, in September.
    (AUCKLAND_SPRING, AUCKLAND, at(date(2026, 8, 23), 23, 15, AUCKLAND), False),
    (AUCKLAND_SPRING, AUCKLAND, at(date(2026, 8, 24), 0, 0, AUCKLAND), True),
]
EDGE_IDS = [
    f"{monday}-{logged:%m-%d %H:%M}-{'in' if inside else 'out'}"
    for monday, _, logged, inside in EDGES
]


def read_in_full(athlete, monday):
    return selectors.read_week(athlete, monday, detail=Detail.FULL).e1rm


def read_e1rm_only(athlete, monday):
    return selectors.read_weeks([athlete], monday, detail=Detail.E1RM)[athlete.pk].e1rm


def read_by_current_e1rms(athlete, monday):
    # Wednesday noon of the week, local: "this week" is the week of `monday`.
    now = at(monday + timedelta(days=2), 12, 0, athlete.tz)
    return selectors.current_e1rms([athlete], now)[athlete.pk]


READERS = [read_in_full, read_e1rm_only, read_by_current_e1rms]


def logged_set(athlete, start: datetime, load_kg: str = "150") -> None:
    session = LiftSessionFactory(athlete=athlete, start=start, status=SessionStatus.DONE)
    LiftSetFactory(session=session, order=1, reps=3, load_kg=Decimal(load_kg), rir=1)


@pytest.mark.django_db
@pytest.mark.parametrize("reader", READERS, ids=lambda reader: reader.__name__)
@pytest.mark.parametrize(("monday", "tz", "logged", "inside"), EDGES, ids=EDGE_IDS)
def test_each_reader_draws_the_line_at_local_midnight(reader, monday, tz, logged, inside):
    with time_machine.travel(datetime.combine(monday, time(12), UTC), tick=False):
        athlete = AthleteFactory(time_zone=tz.key)
        logged_set(athlete, logged)
        e1rm = reader(athlete, monday)
    # 150 kg x 3 at RIR 1: e1RM 168.2 kg.
    assert (e1rm.kg if e1rm else None) == (Decimal("168.2") if inside else None)


@pytest.mark.django_db
def test_zones_sharing_a_week_need_not_share_its_history(coach):
    """London and UTC share the bounds of a November week, but not of its history: London's 42nd
    day back began at 23:00 UTC, in summer time."""
    with time_machine.travel(datetime(2026, 10, 31, 12, tzinfo=UTC), tick=False):
        london = AthleteFactory(coach=coach, time_zone=LONDON.key)
        utc = AthleteFactory(coach=coach, time_zone="UTC")
        assert week_bounds(AFTER_AUTUMN, LONDON) == week_bounds(AFTER_AUTUMN, ZoneInfo("UTC"))
        for athlete in (london, utc):
            logged_set(athlete, datetime(2026, 9, 20, 23, 30, tzinfo=UTC))
        loaded = selectors.read_weeks([london, utc], AFTER_AUTUMN, detail=Detail.FULL)
        now = datetime(2026, 11, 4, 12, tzinfo=UTC)
        current = selectors.current_e1rms([london, utc], now)
        # The scheduler prescribes from the same history.
        results = services.schedule_roster(coach=coach, week=AFTER_AUTUMN)
    london_e1rm, current_e1rm = loaded[london.pk].e1rm, current[london.pk]
    assert london_e1rm is not None and current_e1rm is not None
    assert london_e1rm.kg == current_e1rm.kg == Decimal("168.2")
    assert loaded[utc.pk].e1rm is None and current[utc.pk] is None
    reasons = {
        result.athlete.pk: selectors.read_week(result.athlete, AFTER_AUTUMN)
        .week.lifts[0]
        .working_sets[0]
        .target_load_reason
        for result in results
    }
    assert reasons[london.pk] == "89.2 % of e1RM 168.2 kg"
    assert reasons[utc.pk].startswith("no logged history yet")
