"""How long a week's judgement holds by the clock alone.

Given the same sessions, the answer about a week (its violations with their fixes, which
sessions are missed) changes with `now` only where `now` is compared: a session's planned end
(missed; no longer under way), its start (under way), the week's end (the scheduler rewrites
nothing in a week that is over) and, while the week is not over, the scheduler's earliest
start (SCHEDULING_LEAD after now, which its reasons name to the minute, and which picks slots
of a grid of quarter hours: both step at whole minutes of UTC, as every real zone offset is a
whole number of minutes). Between two such instants the answer is the same, so an answer
computed at `now` may be served until the first of them after `now`.
"""

from datetime import UTC, datetime, timedelta

from plans.domain.types import AthleteWeek

_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
_MINUTE = timedelta(minutes=1)


def holds_until(week: AthleteWeek, now: datetime) -> datetime:
    """The first instant at or after `now` at which the week's answer may change: an answer
    computed at `now` holds for every instant in [now, holds_until(week, now)). Equal to
    `now` when `now` is itself such an instant (the answer then holds for no other)."""
    now = now.astimezone(UTC)
    week_end = week.bounds[1].astimezone(UTC)
    instants = [week_end]
    for session in (*week.runs, *week.lifts):
        instants += [session.start.astimezone(UTC), session.planned_end]
    if now < week_end:
        # The next whole minute: the earliest start's label and slot may change there.
        instants.append(_EPOCH - ((_EPOCH - now) // _MINUTE) * _MINUTE)
    later = [instant for instant in instants if instant >= now]
    return min(later) if later else datetime.max.replace(tzinfo=UTC)
