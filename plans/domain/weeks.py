"""ISO weeks and local days: the one place that turns "2026-W49" and an athlete's
time zone into aware instants, and aware instants back into local days."""

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# ASCII only: `\d` alone would also accept other scripts' digits, e.g. a full-width "２０２６-W49".
_ISO_WEEK = re.compile(r"^(\d{4})-W(\d{2})$", re.ASCII)


class InvalidWeek(ValueError):
    """A week name that is not a real ISO week, e.g. `2026-W54`, `2026-49` or `abc`."""


def parse_iso_week(name: str) -> date:
    """Return the Monday of the ISO week named like `2026-W49`."""
    match = _ISO_WEEK.match(name.strip()) if isinstance(name, str) else None
    if match is None:
        raise InvalidWeek(f"'{name}' is not an ISO week; write it like 2026-W49.")
    year, week = int(match[1]), int(match[2])
    try:
        return date.fromisocalendar(year, week, 1)
    except ValueError:
        raise InvalidWeek(f"{year} has no ISO week {week:02d}.") from None


def iso_week_name(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def local_day(moment: datetime, tz: ZoneInfo) -> date:
    """The athlete's local calendar day of an aware instant."""
    return moment.astimezone(tz).date()


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    # Midnight exists in every zone we know of on the days we care about; where a DST jump
    # skips it, zoneinfo's fold=0 resolves to the instant just after the gap.
    # Returned in UTC: Python subtracts and compares two datetimes sharing one tzinfo by their
    # wall clocks, so a Berlin week would measure 168 h even across a DST change.
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def week_bounds(monday: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """Aware [start, end) of the week: Monday 00:00 to the next Monday 00:00, local time."""
    return local_midnight(monday, tz), local_midnight(monday + timedelta(days=7), tz)


def week_of(moment: datetime, tz: ZoneInfo) -> date:
    """The Monday of the local week an aware instant falls in."""
    return monday_of(local_day(moment, tz))
