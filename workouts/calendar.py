"""The athlete's calendar feed: an iCalendar (RFC 5545) file any calendar app can subscribe to,
at an address whose secret is its only credential."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from icalendar import Calendar, Event

from athletes.access import calendar_athlete, may_see_week
from athletes.models import Athlete
from plans.domain import types as domain
from plans.domain.units import Unit, format_load
from plans.domain.weeks import week_of
from plans.presentation import shown_session
from plans.selectors import read_span
from plans.services import clock
from workouts.models import SessionStatus

# "covering the last 4 and next 8 weeks", counted in the athlete's local weeks
WEEKS_BEFORE = 4
WEEKS_AFTER = 8


def _load(value: Decimal | None, unit: Unit) -> str:
    return "" if value is None else f" @ {format_load(value, unit)}"


def _set_line(lift_set: dict, working_number: int | None, unit: Unit) -> str:
    label = "Warm-up" if lift_set["is_warmup"] else f"Set {working_number}"
    if lift_set["reps"] is not None:
        done = f"{lift_set['reps']} reps{_load(lift_set['load_kg'], unit)}"
        rir = f", RIR {lift_set['rir']}" if lift_set["rir"] is not None else ""
        return f"{label}: done {done}{rir}{' (failed)' if lift_set['failed'] else ''}"
    line = (
        f"{label}: {lift_set['target_reps'] or '?'} reps{_load(lift_set['target_load_kg'], unit)}"
    )
    if lift_set["target_rir"] is not None and not lift_set["is_warmup"]:
        line += f", RIR {lift_set['target_rir']}"
    if lift_set["target_load_kg"] is None and lift_set["target_load_reason"]:
        line += f" ({lift_set['target_load_reason']})"
    return line


def _description(kind: str, row: dict, unit: Unit) -> str:
    lines = []
    if kind == "lift":
        working = 0
        for lift_set in row["sets"]:
            if not lift_set["is_warmup"]:
                working += 1
            number = None if lift_set["is_warmup"] else working
            lines.append(_set_line(lift_set, number, unit))
    elif row["distance_km"] is not None:
        lines.append(f"{row['distance_km'].normalize():f} km")
    if row["notes"]:
        lines.append(row["notes"])
    return "\n".join(lines)


def _event(
    kind: str,
    row: dict,
    session: domain.RunSession | domain.LiftSession,
    now: datetime,
    unit: Unit,
) -> Event:
    shown = shown_session(kind, row, missed=session.is_missed(now))
    event = Event()
    # Stable per session, so a moved session updates the same event in the subscriber's app.
    event.add("uid", f"{kind}-{row['id']}@ironstride")
    event.add("dtstamp", now.astimezone(UTC))
    # A done session with its actuals shows when it really happened, as the rules judge it.
    event.add("dtstart", session.effective_start)
    event.add("dtend", session.effective_end)
    summary = shown["label"]
    if row["status"] == SessionStatus.SKIPPED:
        event.add("status", "CANCELLED")
    elif row["status"] == SessionStatus.DONE:
        summary += " (done)"
    elif shown["missed"]:
        summary = f"Missed: {summary}"
    event.add("summary", summary)
    description = _description(kind, row, unit)
    if description:
        event.add("description", description)
    return event


def build_calendar(athlete: Athlete, *, now: datetime) -> Calendar:
    this_monday = week_of(now, athlete.tz)
    span = read_span(
        athlete,
        this_monday - timedelta(weeks=WEEKS_BEFORE),
        this_monday + timedelta(weeks=WEEKS_AFTER),
    )
    unit = Unit(athlete.units)  # the athlete's own: the feed is theirs
    calendar = Calendar()
    calendar.add("prodid", "-//Ironstride//Training calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"Ironstride: {athlete}")
    for loaded in span:
        # Like the athlete's own pages: published weeks only.
        if not may_see_week(athlete.user, loaded.plan):
            continue
        runs = {run.id: run for run in loaded.week.runs}
        lifts = {lift.id: lift for lift in loaded.week.lifts}
        events = [
            (row["start"], _event("run", row, runs[row["id"]], now, unit)) for row in loaded.runs
        ]
        events += [
            (row["start"], _event("lift", row, lifts[row["id"]], now, unit)) for row in loaded.lifts
        ]
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
