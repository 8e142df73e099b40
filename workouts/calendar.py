"""The athlete's calendar feed: an iCalendar (RFC 5545) file any calendar app can subscribe to,
at an address whose secret is its only credential."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from icalendar import Calendar, Event

from athletes.access import calendar_athlete, calendar_sessions
from athletes.models import Athlete
from plans.domain.weeks import week_bounds, week_of
from plans.services import clock
from workouts.models import LiftSession, LiftSet, RunSession, SessionStatus

# "covering the last 4 and next 8 weeks", counted in the athlete's local weeks
WEEKS_BEFORE = 4
WEEKS_AFTER = 8


def _times(session: RunSession | LiftSession) -> tuple[datetime, datetime]:
    # A done session with its actuals shows when it really happened, as the rules judge it.
    if (
        session.status == SessionStatus.DONE
        and session.actual_start is not None
        and session.actual_duration_minutes is not None
    ):
        start, minutes = session.actual_start, session.actual_duration_minutes
    else:
        start, minutes = session.start, session.duration_minutes
    start = start.astimezone(UTC)
    return start, start + timedelta(minutes=minutes)


def _load(value: Decimal | None) -> str:
    return "" if value is None else f" @ {value.normalize():f} kg"


def _set_line(lift_set: LiftSet, working_number: int | None) -> str:
    label = "Warm-up" if lift_set.is_warmup else f"Set {working_number}"
    if lift_set.reps is not None:
        done = f"{lift_set.reps} reps{_load(lift_set.load_kg)}"
        rir = f", RIR {lift_set.rir}" if lift_set.rir is not None else ""
        return f"{label}: done {done}{rir}{' (failed)' if lift_set.failed else ''}"
    line = f"{label}: {lift_set.target_reps or '?'} reps{_load(lift_set.target_load_kg)}"
    if lift_set.target_rir is not None and not lift_set.is_warmup:
        line += f", RIR {lift_set.target_rir}"
    if lift_set.target_load_kg is None and lift_set.target_load_reason:
        line += f" ({lift_set.target_load_reason})"
    return line


def _description(session: RunSession | LiftSession) -> str:
    lines = []
    if isinstance(session, LiftSession):
        working = 0
        for lift_set in session.sets.all():
            if not lift_set.is_warmup:
                working += 1
            lines.append(_set_line(lift_set, None if lift_set.is_warmup else working))
    elif session.distance_km is not None:
        lines.append(f"{session.distance_km.normalize():f} km")
    if session.notes:
        lines.append(session.notes)
    return "\n".join(lines)


def _event(session: RunSession | LiftSession, kind: str, now: datetime) -> Event:
    start, end = _times(session)
    event = Event()
    # Stable per session, so a moved session updates the same event in the subscriber's app.
    event.add("uid", f"{kind}-{session.pk}@ironstride")
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", start)
    event.add("dtend", end)
    if isinstance(session, RunSession):
        summary = f"{session.get_kind_display()} run"
    else:
        summary = session.get_exercise_display()
    if session.status == SessionStatus.SKIPPED:
        event.add("status", "CANCELLED")
    elif session.status == SessionStatus.DONE:
        summary += " (done)"
    elif session.is_missed_at(now):  # a lift's sets are prefetched
        summary = f"Missed: {summary}"
    event.add("summary", summary)
    description = _description(session)
    if description:
        event.add("description", description)
    return event


def build_calendar(athlete: Athlete, *, now: datetime) -> Calendar:
    this_monday = week_of(now, athlete.tz)
    since = week_bounds(this_monday - timedelta(weeks=WEEKS_BEFORE), athlete.tz)[0]
    until = week_bounds(this_monday + timedelta(weeks=WEEKS_AFTER), athlete.tz)[1]
    runs = calendar_sessions(athlete, RunSession).filter(start__gte=since, start__lt=until)
    lifts = (
        calendar_sessions(athlete, LiftSession)
        .filter(start__gte=since, start__lt=until)
        .prefetch_related(Prefetch("sets", queryset=LiftSet.objects.order_by("order")))
    )
    calendar = Calendar()
    calendar.add("prodid", "-//Ironstride//Training calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"Ironstride: {athlete}")
    events = [(run.start, _event(run, "run", now)) for run in runs.order_by("start", "pk")]
    events += [(lift.start, _event(lift, "lift", now)) for lift in lifts.order_by("start", "pk")]
    for _, event in sorted(events, key=lambda pair: pair[0]):
        calendar.add_component(event)
    return calendar


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    athlete = calendar_athlete(token)
    body = build_calendar(athlete, now=clock()).to_ical()
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    # The address is a secret: keep it out of shared caches and other sites' Referer headers.
    response["Cache-Control"] = "private, max-age=300"
    response["Referrer-Policy"] = "no-referrer"
    return response
