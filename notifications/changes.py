"""What changed in a published week, from two snapshots of it: pure Python, no database.

A snapshot is what the athlete was told of a week: {key: entry} with one entry per planned
session ("run:12", "lift:7"), each a plain dict (JSON as stored in WeekNotice.snapshot):
  {"what": "Interval run", "start": "2026-12-08T17:00:00+00:00", "minutes": 60,
   "detail": "3 × 3 at 150 kg, RIR 1", "logged": false}
Comparing the week as told with the week as it is makes every write path count (a form, the
API, the scheduler's bulk moves, a template applied into a published week, an undo), with no
hook any of them could forget; the athlete's own logging is not a change of plan and never
shows, because a logged session is compared on what it is and when it is only."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

type Entry = Mapping[str, Any]
type Snapshot = Mapping[str, Entry]

ADDED, MOVED, REMOVED, CHANGED = "added", "moved", "removed", "changed"


@dataclass(frozen=True)
class Change:
    kind: str  # ADDED, MOVED, REMOVED or CHANGED
    what: str
    start: datetime  # where it is now (where it was, for REMOVED)
    was: datetime | None = None  # MOVED: where it was
    detail: str = ""  # what it is now (CHANGED, ADDED)
    was_detail: str = ""  # CHANGED: what it was


def _start(entry: Entry) -> datetime:
    return datetime.fromisoformat(entry["start"])


def _details(entry: Entry) -> tuple[Any, ...]:
    return (entry["what"], entry["minutes"], entry["detail"])


def diff(told: Snapshot, now: Snapshot) -> list[Change]:
    """The changes from `told` to `now`, in the order of their (current) start."""
    changes = []
    for key, entry in now.items():
        old = told.get(key)
        if old is None:
            changes.append(Change(ADDED, entry["what"], _start(entry), detail=entry["detail"]))
            continue
        if _start(old) != _start(entry):
            changes.append(Change(MOVED, entry["what"], _start(entry), was=_start(old)))
        elif not (entry["logged"] or old["logged"]) and _details(old) != _details(entry):
            changes.append(
                Change(
                    CHANGED,
                    entry["what"],
                    _start(entry),
                    detail=_describe(entry),
                    was_detail=_describe(old),
                )
            )
    for key, entry in told.items():
        if key not in now:
            changes.append(Change(REMOVED, entry["what"], _start(entry)))
    return sorted(changes, key=lambda change: (change.start, change.kind, change.what))


def _describe(entry: Entry) -> str:
    parts = [f"{entry['minutes']} min"]
    if entry["detail"]:
        parts.append(entry["detail"])
    return ", ".join(parts)
