from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from plans.domain.weeks import (
    InvalidWeek,
    Week,
    local_day,
    local_midnight,
    week_bounds,
    week_of,
)

AUCKLAND = ZoneInfo("Pacific/Auckland")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
BERLIN = ZoneInfo("Europe/Berlin")


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("2026-W54", id="week 54 does not exist"),
        pytest.param("2025-W53", id="2025 has only 52 weeks"),
        pytest.param("2026-W00", id="week 0 does not exist"),
        pytest.param("2026-49", id="missing the W"),
        pytest.param("2026-w49", id="lower-case w"),
        pytest.param("2026-W4", id="one-digit week"),
        pytest.param("2026-W1", id="week 1 without its leading zero"),
        pytest.param("2026-W049", id="three-digit week"),
        pytest.param("26-W49", id="two-digit year"),
        pytest.param("2026W49", id="compact form without the dash"),
        pytest.param("2026-W49-1", id="a week date, not a week"),
        pytest.param("2026-W49 x", id="something after the week"),
        pytest.param(None, id="not a string"),
        pytest.param("abc", id="not a week at all"),
        pytest.param("", id="empty"),
        pytest.param("２０２６-W49", id="full-width digits"),
        pytest.param("1999-W52", id="the week before the first"),
        pytest.param("2099-W54", id="the last year has no week 54"),
        pytest.param("2100-W01", id="the week after the last"),
        pytest.param("0001-W01", id="year 1: its Monday's local bounds would overflow"),
        pytest.param("9999-W52", id="year 9999: its next Monday would overflow"),
    ],
)
def test_parse_rejects(name: str) -> None:
    with pytest.raises(InvalidWeek):
        Week.parse(name)


def test_invalid_week_is_a_value_error_that_names_the_input() -> None:
    with pytest.raises(ValueError, match="2026-W54|no ISO week 54"):
        Week.parse("2026-W54")


def test_invalid_week_names_a_long_input_by_its_start_only() -> None:
    with pytest.raises(InvalidWeek) as raised:
        Week.parse("x" * 10_000)
    assert str(raised.value) == f"'{'x' * 20}…' is not an ISO week; write it like 2026-W49."


@pytest.mark.parametrize(
    "name, monday",
    [
        pytest.param("2026-W49", date(2026, 11, 30), id="an ordinary week"),
        pytest.param("2026-W01", date(2025, 12, 29), id="week 1 starts in the year before"),
        pytest.param("2026-W53", date(2026, 12, 28), id="2026 has a week 53"),
        pytest.param(" 2026-W13 ", date(2026, 3, 23), id="surrounding blanks"),
        pytest.param("2000-W01", date(2000, 1, 3), id="the first week of the range"),
        pytest.param("2099-W53", date(2099, 12, 28), id="the last week of the range"),
        pytest.param("2020-W53", date(2020, 12, 28), id="2020, a long year, has a week 53"),
    ],
)
def test_parse_gives_the_week_of_its_monday(name: str, monday: date) -> None:
    week = Week.parse(name)
    assert week == Week(monday)
    assert week.monday == monday
    assert week.name == str(week) == name.strip()


@pytest.mark.parametrize(
    "day, monday",
    [
        pytest.param(date(2026, 11, 30), date(2026, 11, 30), id="a Monday is its own Monday"),
        pytest.param(date(2026, 12, 6), date(2026, 11, 30), id="Sunday belongs to the week before"),
        pytest.param(date(2027, 1, 1), date(2026, 12, 28), id="across new year"),
    ],
)
def test_the_week_containing_a_day(day: date, monday: date) -> None:
    assert Week.containing(day) == Week(monday)


@pytest.mark.parametrize(
    "day",
    [
        pytest.param(date(2026, 12, 1), id="a Tuesday"),
        pytest.param(date(2026, 12, 6), id="a Sunday"),
        pytest.param(datetime(2026, 11, 30, tzinfo=UTC), id="a datetime on a Monday"),
    ],
)
def test_a_week_is_built_from_its_monday_only(day: date) -> None:
    with pytest.raises(ValueError, match="starts on a Monday"):
        Week(day)


def test_a_week_is_a_value_that_sorts_by_its_monday() -> None:
    week = Week.parse("2026-W49")
    assert week == Week(date(2026, 11, 30))
    assert len({week, Week.parse("2026-W49"), Week.parse(" 2026-W49 ")}) == 1
    assert sorted([week.next, week, week.previous]) == [week.previous, week, week.next]
    assert week.previous < week < week.next
    with pytest.raises(AttributeError):
        week.monday = date(2026, 12, 7)  # type: ignore[misc]


def test_a_week_knows_its_neighbours_and_days() -> None:
    week = Week.parse("2026-W53")
    assert week.previous.name == "2026-W52"
    assert week.next.name == "2027-W01"
    assert Week.parse("2027-W01").previous == week
    assert week.days == tuple(date(2026, 12, 28) + timedelta(days=n) for n in range(7))
    assert week.sunday == week.days[-1] == date(2027, 1, 3)


def test_the_last_weeks_neighbour_is_a_week_though_no_address_names_it() -> None:
    # The last page links to the week after; the link exists and answers 404.
    assert Week.parse("2099-W53").next.name == "2100-W01"
    with pytest.raises(InvalidWeek):
        Week.parse("2100-W01")


@pytest.mark.parametrize(
    "tz, monday, start, end, hours",
    [
        pytest.param(
            BERLIN,
            date(2026, 3, 23),
            utc(2026, 3, 22, 23),
            utc(2026, 3, 29, 22),
            167,
            id="Berlin, week of 2026-03-29: clocks go forward",
        ),
        pytest.param(
            BERLIN,
            date(2026, 10, 19),
            utc(2026, 10, 18, 22),
            utc(2026, 10, 25, 23),
            169,
            id="Berlin, week of 2026-10-25: clocks go back",
        ),
        pytest.param(
            BERLIN,
            date(2026, 11, 30),
            utc(2026, 11, 29, 23),
            utc(2026, 12, 6, 23),
            168,
            id="Berlin, winter week",
        ),
        pytest.param(
            AUCKLAND,
            date(2026, 11, 30),
            utc(2026, 11, 29, 11),
            utc(2026, 12, 6, 11),
            168,
            id="Auckland, summer week: Monday starts on Sunday UTC",
        ),
        pytest.param(
            AUCKLAND,
            date(2026, 3, 30),
            utc(2026, 3, 29, 11),
            utc(2026, 4, 5, 12),
            169,
            id="Auckland, week of 2026-04-05: clocks go back",
        ),
        pytest.param(
            AUCKLAND,
            date(2026, 9, 21),
            utc(2026, 9, 20, 12),
            utc(2026, 9, 27, 11),
            167,
            id="Auckland, week of 2026-09-27: clocks go forward",
        ),
        pytest.param(
            LOS_ANGELES,
            date(2026, 11, 30),
            utc(2026, 11, 30, 8),
            utc(2026, 12, 7, 8),
            168,
            id="Los Angeles, winter week",
        ),
        pytest.param(
            LOS_ANGELES,
            date(2026, 3, 2),
            utc(2026, 3, 2, 8),
            utc(2026, 3, 9, 7),
            167,
            id="Los Angeles, week of 2026-03-08: clocks go forward",
        ),
        pytest.param(
            LOS_ANGELES,
            date(2026, 3, 23),
            utc(2026, 3, 23, 7),
            utc(2026, 3, 30, 7),
            168,
            id="Los Angeles, Berlin's DST week is a plain week there",
        ),
    ],
)
def test_week_bounds_are_local_monday_midnights(
    tz: ZoneInfo, monday: date, start: datetime, end: datetime, hours: int
) -> None:
    week_start, week_end = Week(monday).bounds(tz)
    assert (week_start, week_end) == (start, end) == week_bounds(monday, tz)
    assert week_end - week_start == timedelta(hours=hours)
    assert week_start.astimezone(tz).replace(tzinfo=None) == datetime(
        monday.year, monday.month, monday.day
    )


def test_local_midnight_is_an_instant_in_utc() -> None:
    # Subtracting two datetimes that share a ZoneInfo compares wall clocks; UTC keeps it real.
    midnight = local_midnight(date(2026, 3, 29), BERLIN)
    assert midnight.utcoffset() == timedelta(0)
    assert local_midnight(date(2026, 3, 30), BERLIN) - midnight == timedelta(hours=23)


@pytest.mark.parametrize(
    "moment, tz, day",
    [
        pytest.param(
            utc(2026, 11, 30, 11, 30),
            AUCKLAND,
            date(2026, 12, 1),
            id="Auckland Tuesday 00:30 is Monday in UTC",
        ),
        pytest.param(
            utc(2026, 11, 30, 10, 59),
            AUCKLAND,
            date(2026, 11, 30),
            id="Auckland Monday 23:59",
        ),
        pytest.param(
            utc(2026, 12, 1, 7, 30),
            LOS_ANGELES,
            date(2026, 11, 30),
            id="Los Angeles Monday 23:30 is Tuesday in UTC",
        ),
        pytest.param(
            utc(2026, 3, 29, 22, 0),
            BERLIN,
            date(2026, 3, 30),
            id="Berlin midnight after the spring change",
        ),
    ],
)
def test_local_day(moment: datetime, tz: ZoneInfo, day: date) -> None:
    assert local_day(moment, tz) == day


@pytest.mark.parametrize(
    "moment, tz, monday",
    [
        pytest.param(
            utc(2026, 11, 29, 11, 0),
            AUCKLAND,
            date(2026, 11, 30),
            id="Auckland Monday 00:00 is still Sunday in UTC",
        ),
        pytest.param(
            utc(2026, 11, 29, 10, 59),
            AUCKLAND,
            date(2026, 11, 23),
            id="Auckland Sunday 23:59 belongs to the week before",
        ),
        pytest.param(
            utc(2026, 3, 29, 21, 59),
            BERLIN,
            date(2026, 3, 23),
            id="Berlin Sunday 23:59 after the spring change",
        ),
        pytest.param(
            utc(2026, 10, 25, 23, 0),
            BERLIN,
            date(2026, 10, 26),
            id="Berlin Monday 00:00 after the autumn change",
        ),
    ],
)
def test_week_of(moment: datetime, tz: ZoneInfo, monday: date) -> None:
    assert Week.of(moment, tz) == Week(monday)
    assert week_of(moment, tz) == monday
