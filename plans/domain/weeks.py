"""ISO weeks and local days: the one place that turns "2026-W49" and an athlete's
time zone into aware instants, and aware instants back into local days."""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from plans.domain.constants import E1RM_LOOKBACK

# ASCII only: `\d` alone would also accept other scripts' digits, e.g. a full-width "２０２６-W49".
_ISO_WEEK = re.compile(r"^(\d{4})-W(\d{2})$", re.ASCII)


# The years Ironstride plans for, one range for the API, the pages and the commands: a session
# starts in them (the API refuses other starts) and a week is named in them. Year 1 or 9999 in a
# request is a typo or a probe, not a plan, and near datetime's own limits (years 1 and 9999) a
# week's bounds in a far zone (Monday 00:00 local is up to 14 h from UTC), the next Monday and
# the pages' links to the week after would overflow. A century from 2000 is far from both.
FIRST_YEAR = 2000
LAST_YEAR = 2099
FIRST_MONDAY = date.fromisocalendar(FIRST_YEAR, 1, 1)
LAST_MONDAY = date.fromisocalendar(LAST_YEAR + 1, 1, 1) - timedelta(days=7)


def in_planned_years(day: date) -> bool:
    return FIRST_YEAR <= day.year <= LAST_YEAR


class InvalidWeek(ValueError):
    """A week name that is not a real ISO week in the years Ironstride plans for, e.g.
    `2026-W54`, `2026-49`, `abc` or `9999-W52`."""


@dataclass(frozen=True, order=True, slots=True)
class Week:
    """An ISO week, Monday to Sunday, named like `2026-W49` (its str). Weeks compare and sort
    by their Monday. Built from a name (`Week.parse`, the one parser of week names), a day in it
    (`Week.containing`) or an instant and a time zone (`Week.of`); `Week(monday)` itself takes
    only a Monday. The read model works in Mondays (`week.monday`)."""

    monday: date

    def __post_init__(self) -> None:
        if type(self.monday) is not date or self.monday.weekday() != 0:
            raise ValueError(f"A week starts on a Monday, not on {self.monday!r}.")

    @classmethod
    def parse(cls, name: str) -> "Week":
        """The week named like `2026-W49`, in the years Ironstride plans for: the canonical
        name only (upper-case W, two-digit week), blanks around it ignored. Every edge maps its
        error once: the path converter to 404 (plans/converters.py), the form and query fields
        to 400 (plans/forms.py, plans/api.py), the command to CommandError."""
        match = _ISO_WEEK.match(name.strip()) if isinstance(name, str) else None
        if match is None:
            shown = name if len(str(name)) <= 20 else f"{str(name)[:20]}…"  # not echoed whole
            raise InvalidWeek(f"'{shown}' is not an ISO week; write it like 2026-W49.")
        year, week = int(match[1]), int(match[2])
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise InvalidWeek(f"Give a week between {FIRST_YEAR} and {LAST_YEAR}.")
        try:
            return cls(date.fromisocalendar(year, week, 1))
        except ValueError:
            raise InvalidWeek(f"{year} has no ISO week {week:02d}.") from None

    @classmethod
    def containing(cls, day: date) -> "Week":
        return cls(day - timedelta(days=day.weekday()))

    @classmethod
    def of(cls, moment: datetime, tz: ZoneInfo) -> "Week":
        """The athlete's local week an aware instant falls in."""
        return cls.containing(local_day(moment, tz))

    @property
    def name(self) -> str:
        year, week, _ = self.monday.isocalendar()
        return f"{year}-W{week:02d}"

    def __str__(self) -> str:
        return self.name

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def days(self) -> tuple[date, ...]:
        return tuple(self.monday + timedelta(days=n) for n in range(7))

    @property
    def previous(self) -> "Week":
        return Week(self.monday - timedelta(days=7))

    @property
    def next(self) -> "Week":
        return Week(self.monday + timedelta(days=7))

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """Aware [start, end) of the week in the athlete's zone (week_bounds)."""
        return week_bounds(self.monday, tz)


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
    """Aware [start, end) of the week: Monday 00:00 to the next Monday 00:00, local time. The
    read model's form of `Week.bounds`: it works in Mondays."""
    return local_midnight(monday, tz), local_midnight(monday + timedelta(days=7), tz)


def week_of(moment: datetime, tz: ZoneInfo) -> date:
    """The Monday of the local week an aware instant falls in: `Week.of` for the read model,
    which works in Mondays."""
    return Week.of(moment, tz).monday


def e1rm_lookback_start(monday: date, tz: ZoneInfo) -> datetime:
    """The first instant of the e1RM's history: local midnight 42 local days before the week's
    local Monday (the history ends where the week starts). Every reader of the history uses it."""
    return local_midnight(monday - E1RM_LOOKBACK, tz)


def same_local_time(moment: datetime, old_tz: ZoneInfo, new_tz: ZoneInfo) -> datetime:
    """The instant that shows in `new_tz` the local date and clock time `moment` showed in
    `old_tz` (an athlete who moves keeps their 07:00 run at 07:00). A clock time that a DST jump
    skips in the new zone lands just after the gap (zoneinfo's fold=0); in UTC, like
    local_midnight."""
    local = moment.astimezone(old_tz)
    return datetime.combine(local.date(), local.time(), tzinfo=new_tz).astimezone(UTC)
