"""Moving a planned session to another day or time of its week, from the coach's week board.

A move passes the checks a new session's time would: it stays in its week, inside the athlete's
training window, and out of the past (DOMAIN.md, "The present": nothing is scheduled into the
past). What happened stays where it happened: a done or skipped session, a lift with a logged
set, a session under way. The move decides nothing about the coaching rules; the week page
judges the week again after it."""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core import signing

from athletes.models import Athlete
from athletes.transactions import atomic_with_retry
from plans.domain.errors import Conflict, ServiceError
from plans.domain.format import dated_time_label, local_time_label
from plans.domain.weeks import Week
from workouts.models import LiftSession, RunSession, SessionStatus

Session = RunSession | LiftSession


@dataclass(frozen=True)
class Placing:
    """What the checks read of a session and where it would go: plain values, no rows."""

    start: datetime
    duration_minutes: int
    time_zone: ZoneInfo
    training_window: tuple[time, time]


def refusal(placing: Placing, *, now: datetime) -> str | None:
    """Why a planned session may not start at `placing.start`, or None when it may. The week
    is the caller's to check: it knows which week the session must stay in."""
    tz = placing.time_zone
    start = placing.start.astimezone(UTC)
    end = start + timedelta(minutes=placing.duration_minutes)
    if start < now:
        return (
            f"{local_time_label(start, tz)} is in the past: choose a time from "
            f"{dated_time_label(now, tz)} on."
        )
    window_start, window_end = placing.training_window
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    in_window = (
        local_start.date() == local_end.date()
        and local_start.time() >= window_start
        and local_end.time() <= window_end
    )
    if not in_window:
        span = f"{local_time_label(start, tz)}–{local_end:%H:%M}"
        if local_start.date() != local_end.date():
            span = f"{local_time_label(start, tz)} to {local_time_label(end, tz)}"
        return (
            f"{span} is outside the training window "
            f"({window_start:%H:%M}–{window_end:%H:%M}): the whole session must fit in it."
        )
    return None


def history_refusal(session: Session, *, now: datetime) -> str | None:
    """Why a session must stay where it is whatever the new time: it has happened, or is."""
    if session.status == SessionStatus.DONE:
        return "It is done: a done session stays where it happened."
    if session.status == SessionStatus.SKIPPED:
        return "It was skipped: mark it planned again (Edit) before moving it."
    if isinstance(session, LiftSession) and session.has_logged_set:
        return "It has logged sets: it stays where it happened."
    if session.start <= now < session.planned_end:
        return "It is under way: it stays where it is."
    return None


def session_key(session: Session) -> str:
    """Like "lift-5": runs and lifts number their ids apart."""
    return f"{'lift' if isinstance(session, LiftSession) else 'run'}-{session.pk}"


@dataclass(frozen=True)
class Moved:
    session: Session
    previous_start: datetime

    @property
    def changed(self) -> bool:
        return self.previous_start != self.session.start


# ---------------------------------------------------------------------------- undo
#
# The answer to a move offers to move the session back. What to undo travels in the page as a
# signed token (nothing kept on the server): the session, where it was and where the move put
# it. An undo moves it back only while it is still where the move put it, so it works once,
# and goes through the same checks as any move (back into the past, for one, it cannot go).

UNDO_SALT = "workouts.moves.undo"
UNDO_MAX_AGE = timedelta(hours=1)


@dataclass(frozen=True)
class Undo:
    key: str  # the session_key of the session moved
    start: datetime  # where it was: where an undo puts it back
    moved_to: datetime  # where the move put it

    @classmethod
    def of(cls, moved: Moved) -> "Undo":
        return cls(session_key(moved.session), moved.previous_start, moved.session.start)

    @property
    def token(self) -> str:
        return signing.dumps(
            [self.key, self.start.isoformat(), self.moved_to.isoformat()], salt=UNDO_SALT
        )

    @classmethod
    def read(cls, token: str) -> "Undo | None":
        """The undo a token names, or None when it is not one this app signed, or too old."""
        try:
            key, start, moved_to = signing.loads(token, salt=UNDO_SALT, max_age=UNDO_MAX_AGE)
            return cls(key, datetime.fromisoformat(start), datetime.fromisoformat(moved_to))
        except (signing.BadSignature, ValueError, TypeError):
            return None


def move_session(
    *,
    athlete: Athlete,
    session: Session,
    start: datetime,
    now: datetime,
    expected_start: datetime | None = None,
) -> Moved:
    """Move `session` (one of `athlete`'s) to `start` in its own week. With `expected_start`
    (an undo), only if the session is still there: an undo works once. Raises ServiceError
    (a time the checks refuse) or Conflict (the session may not move now); nothing is written
    then."""
    return _move(athlete, type(session), session.pk, start, now, expected_start)


@atomic_with_retry
def _move(
    athlete: Athlete,
    model: type[Session],
    session_id: int,
    start: datetime,
    now: datetime,
    expected_start: datetime | None,
) -> Moved:
    # Read again under the row lock: the page the coach dragged on may be out of date.
    locked: Session = model.objects.select_for_update().get(pk=session_id, athlete=athlete)
    locked.athlete = athlete  # saving reads the athlete's zone for the plan: no second read
    previous = locked.start
    if expected_start is not None and previous != expected_start:
        raise Conflict("Nothing to undo: the session has moved since.")
    if (why := history_refusal(locked, now=now)) is not None:
        raise Conflict(why)
    tz = athlete.tz
    week = Week.of(previous, tz)
    week_start, week_end = week.bounds(tz)
    if not week_start <= start < week_end:
        raise ServiceError(
            f"Choose a time in {week.name}: from {dated_time_label(week_start, tz)} to before "
            f"{dated_time_label(week_end, tz)}."
        )
    placing = Placing(
        start=start,
        duration_minutes=locked.duration_minutes,
        time_zone=tz,
        training_window=(athlete.training_window_start, athlete.training_window_end),
    )
    if (why := refusal(placing, now=now)) is not None:
        raise ServiceError(why)
    if start != previous:
        locked.start = start
        locked.save(update_fields=["start"])
    return Moved(locked, previous)
