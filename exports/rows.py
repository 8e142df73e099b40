"""An athlete's sessions and sets as rows a coach opens in a spreadsheet: one row per set of a
lift (one for a lift without sets), one per run, in the athlete's local time. The same rows make
the CSV and the JSON export (exports.views), read in chunks so a whole roster's history never sits
in memory: a fixed number of queries per chunk, whatever the number of athletes."""

import csv
import heapq
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet

from athletes.models import Athlete
from plans.domain.format import decimal_label, set_names
from plans.domain.weeks import Week
from plans.models import PlanStatus
from workouts.models import LiftSession, LiftSet, RunSession

# Rows read per query; a lift's sets come with it, one more query per chunk.
CHUNK_SIZE = 500

# (key in the JSON, header in the CSV). Loads are kilograms, and the headers say so.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("athlete", "Athlete"),
    ("username", "Username"),
    ("date", "Date"),
    ("time", "Time"),
    ("time_zone", "Time zone"),
    ("week", "Week"),
    ("session", "Session"),
    ("kind", "Kind"),
    ("status", "Status"),
    ("compliance", "Compliance"),
    ("planned_minutes", "Planned duration (min)"),
    ("actual_start", "Actual start"),
    ("actual_minutes", "Actual duration (min)"),
    ("distance_km", "Distance (km)"),
    ("set", "Set"),
    ("target_reps", "Target reps"),
    ("target_load_kg", "Target load (kg)"),
    ("target_rir", "Target RIR"),
    ("reps", "Reps"),
    ("load_kg", "Load (kg)"),
    ("rir", "RIR"),
    ("failed", "Failed"),
    ("notes", "Notes"),
)

type Row = dict[str, Any]

# Local midnight lies at most 14 hours either side of UTC midnight (Pacific/Kiritimati, +14;
# Etc/GMT+12, -12): the database reads a day range this much wider, and each row's local date
# decides.
_WIDEST_OFFSET = timedelta(hours=14)


class BadRange(ValueError):
    """A date range that cannot be read: the message says why, for a 400."""


@dataclass(frozen=True)
class DayRange:
    """The athlete's local days to export, both ends included; None is open."""

    first: date | None = None
    last: date | None = None

    @classmethod
    def parse(cls, first: str | None, last: str | None) -> "DayRange":
        days = cls(_day("from", first), _day("to", last))
        if days.first and days.last and days.first > days.last:
            raise BadRange(f"'from' ({days.first}) is after 'to' ({days.last}).")
        return days

    def __contains__(self, day: date) -> bool:
        return (self.first is None or self.first <= day) and (self.last is None or day <= self.last)

    def bounds(self) -> dict[str, datetime]:
        """A filter on start wide enough for every time zone (the local date decides)."""
        bounds = {}
        if self.first is not None:
            bounds["start__gte"] = datetime.combine(self.first, time(), UTC) - _WIDEST_OFFSET
        if self.last is not None:
            end = datetime.combine(self.last + timedelta(days=1), time(), UTC)
            bounds["start__lt"] = end + _WIDEST_OFFSET
        return bounds

    @property
    def label(self) -> str:
        """For a file name: "2026-11-01-to-2026-11-30", "from-2026-11-01", "" (everything)."""
        if self.first and self.last:
            return f"{self.first}-to-{self.last}"
        if self.first:
            return f"from-{self.first}"
        if self.last:
            return f"to-{self.last}"
        return ""


def _day(name: str, value: str | None) -> date | None:
    if value is None or value == "":
        return None
    try:
        if _ISO_DAY.fullmatch(value):
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise BadRange(f"'{name}' must be a date like 2026-11-30, not '{value[:40]}'.")


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def session_rows(
    athletes: QuerySet[Athlete],
    *,
    days: DayRange,
    now: datetime,
    published_only: bool,
    chunk_size: int | None = None,
) -> Iterator[Row]:
    """The rows of the athletes' sessions, by athlete (name, then username), then start.
    published_only: an athlete's own export, which holds the weeks they may see."""
    chunk = chunk_size or CHUNK_SIZE
    # The roster itself is read once (it is small; their sessions are not): each session
    # finds its athlete here rather than in a join that would build the athlete again per row.
    ordered = athletes.select_related("user").order_by(
        "user__last_name", "user__first_name", "user__username", "pk"
    )
    roster = {athlete.pk: (place, athlete) for place, athlete in enumerate(ordered)}
    by_athlete = (
        "athlete__user__last_name",
        "athlete__user__first_name",
        "athlete__user__username",
    )
    order = (*by_athlete, "athlete_id", "start", "pk")

    def sessions[S: (RunSession, LiftSession)](model: type[S]) -> QuerySet[S]:
        rows = model.objects.filter(athlete__in=athletes, **days.bounds())
        if published_only:
            rows = rows.filter(plan__status=PlanStatus.PUBLISHED)
        return rows.order_by(*order)

    def keyed[S: (RunSession, LiftSession)](
        rows: Iterator[S], kind: int
    ) -> Iterator[tuple[int, datetime, int, int, S]]:
        for session in rows:
            place, session.athlete = roster[session.athlete_id]
            yield place, session.start, kind, session.pk, session

    runs = sessions(RunSession).iterator(chunk_size=chunk)
    lifts = (
        sessions(LiftSession)
        .prefetch_related(Prefetch("sets", queryset=LiftSet.objects.order_by("order")))
        .iterator(chunk_size=chunk)
    )
    # Runs before lifts at the same start, so the order never depends on the database.
    merged = heapq.merge(keyed(runs, 0), keyed(lifts, 1), key=lambda item: item[:4])
    for *_, session in merged:
        if session.start.astimezone(session.athlete.tz).date() not in days:
            continue
        if isinstance(session, RunSession):
            yield _session_row(session, now) | {"session": "run", "kind": session.kind}
        elif isinstance(session, LiftSession):
            yield from _lift_rows(session, now)


def _session_row(session: RunSession | LiftSession, now: datetime) -> Row:
    athlete = session.athlete
    tz = athlete.tz
    local = session.start.astimezone(tz)
    mark = session.compliance_at(now)
    actual = session.actual_start.astimezone(tz) if session.actual_start else None
    row: Row = dict.fromkeys(key for key, _ in COLUMNS)
    return row | {
        "athlete": athlete.name,
        "username": athlete.user.username,
        "date": local.date().isoformat(),
        "time": f"{local:%H:%M}",
        "time_zone": athlete.time_zone,
        "week": Week.of(session.start, tz).name,
        "status": session.status,
        "compliance": mark.label if mark else None,
        "planned_minutes": session.duration_minutes,
        "actual_start": f"{actual:%Y-%m-%d %H:%M}" if actual else None,
        "actual_minutes": session.actual_duration_minutes,
        "distance_km": getattr(session, "distance_km", None),
        "notes": session.notes,
    }


def _lift_rows(lift: LiftSession, now: datetime) -> Iterator[Row]:
    base = _session_row(lift, now) | {"session": "lift", "kind": lift.exercise}
    sets = list(lift.sets.all())
    if not sets:
        yield base
    for name, lift_set in zip(set_names(s.is_warmup for s in sets), sets, strict=True):
        yield base | {
            "set": name,
            "target_reps": lift_set.target_reps,
            "target_load_kg": lift_set.target_load_kg,
            "target_rir": lift_set.target_rir,
            "reps": lift_set.reps,
            "load_kg": lift_set.load_kg,
            "rir": lift_set.rir,
            "failed": lift_set.failed if lift_set.is_logged else None,
        }


# ---------------------------------------------------------------------------- the two formats


class _Line:
    """What csv.writer writes into: it hands back each line instead of keeping it."""

    def write(self, line: str) -> str:
        return line


# A cell a spreadsheet would run as a formula (OWASP "CSV injection"): notes and names are
# typed by people, so such a cell gets a leading apostrophe, which spreadsheets show as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return decimal_label(value)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return f"'{value}"
    return str(value)


def csv_lines(rows: Iterator[Row]) -> Iterator[str]:
    """The header, then one line per row (RFC 4180: CRLF, quotes where needed)."""
    writer = csv.writer(_Line())
    yield writer.writerow([header for _, header in COLUMNS])
    for row in rows:
        yield writer.writerow([_csv_cell(row[key]) for key, _ in COLUMNS])


def _json_value(value: Any) -> Any:
    # Decimals as strings: exact, as in the account file (a float would round them).
    return decimal_label(value) if isinstance(value, Decimal) else value


def json_chunks(rows: Iterator[Row]) -> Iterator[str]:
    """A JSON array of the rows, one object per line, keys as in COLUMNS."""
    yield "["
    separator = "\n"
    for row in rows:
        yield separator + json.dumps(
            {key: _json_value(row[key]) for key, _ in COLUMNS}, ensure_ascii=False
        )
        separator = ",\n"
    yield "\n]\n"
