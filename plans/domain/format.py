"""Wording shared by messages, fix labels and load reasons, so every page says it the same way."""

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from plans.domain.units import format_load

# Fixed English names: strftime's %a follows the process locale, which a server may set.
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEEKDAYS_SHORT = tuple(name[:3] for name in WEEKDAYS)
MONTHS_SHORT = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)


def clock(moment: datetime, tz: ZoneInfo) -> str:
    return f"{moment.astimezone(tz):%H:%M}"


def local_time_label(moment: datetime, tz: ZoneInfo) -> str:
    """Like "Tue 14:00" in the athlete's time zone."""
    local = moment.astimezone(tz)
    return f"{WEEKDAYS_SHORT[local.weekday()]} {local:%H:%M}"


def dated_time_label(moment: datetime, tz: ZoneInfo) -> str:
    """Like "Sun 29 Nov 22:00": for sessions outside the week, where a weekday is ambiguous."""
    local = moment.astimezone(tz)
    weekday, month = WEEKDAYS_SHORT[local.weekday()], MONTHS_SHORT[local.month - 1]
    return f"{weekday} {local.day} {month} {local:%H:%M}"


def weekday_name(day: date) -> str:
    return WEEKDAYS[day.weekday()]


def weekday_short(day: date) -> str:
    return WEEKDAYS_SHORT[day.weekday()]


def duration_label(length: timedelta) -> str:
    """Like "4 h 30 min", "45 min" or "6 h"; rounded down to the minute, so a gap just short of
    a limit never reads as the limit itself."""
    minutes = int(abs(length) // timedelta(minutes=1))
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return f"{hours} h {minutes} min"
    if hours:
        return f"{hours} h"
    return f"{minutes} min"


def decimal_label(value: Decimal) -> str:
    # normalize() alone would print 180 as "1.8E+2".
    return format(value.normalize(), "f")


def kg_label(load_kg: Decimal) -> str:
    """A load in kilograms. Pages that know the viewer's unit use units.format_load (the one
    formatter; this is it in kilograms, for text that has no viewer)."""
    return format_load(load_kg)


def percent_label(fraction: Decimal) -> str:
    """A fraction of 1 as a percentage with at most one decimal: 0.892 -> "89.2 %"."""
    return f"{decimal_label((fraction * 100).quantize(Decimal('0.1')))} %"


def join_and(items: Iterable[str]) -> str:
    words = list(items)
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    word = singular if count == 1 else (plural_form or f"{singular}s")
    return f"{count} {word}"


def set_numbers(warmups: Iterable[bool]) -> list[int]:
    """Each set's number in a session's order, warm-ups and working sets counted apart from 1:
    the athlete's "Warm-up 2" and "Set 1" (the first working set), on the phone, the week
    board and in the flags alike."""
    counts = {True: 0, False: 0}
    numbers = []
    for is_warmup in warmups:
        counts[is_warmup] += 1
        numbers.append(counts[is_warmup])
    return numbers


def set_names(warmups: Iterable[bool]) -> list[str]:
    """The names of a session's sets in their order: "Warm-up 1", "Warm-up 2", then "Set 1",
    "Set 2" (set_numbers)."""
    flags = list(warmups)
    return [
        f"{'Warm-up' if is_warmup else 'Set'} {number}"
        for is_warmup, number in zip(flags, set_numbers(flags), strict=True)
    ]
