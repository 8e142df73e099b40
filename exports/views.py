"""Downloads: an athlete's sessions and sets (CSV or JSON), the coach's whole roster's, and an
athlete's account file. The coach downloads their athletes' (another coach's athlete: 404), an
athlete their own; a date range is read before the first byte is sent, so a bad one is a 400
with nothing else."""

import json
import re
from collections.abc import Iterator

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    StreamingHttpResponse,
)
from django.views.decorators.http import require_GET

from athletes.access import athletes_for, coach_for, get_visible_athlete, published_only
from athletes.models import Athlete
from exports.account import export_account
from exports.rows import BadRange, DayRange, csv_lines, json_chunks, session_rows
from plans.services import clock

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


@login_required
@require_GET
def athlete_sessions(
    request: HttpRequest, pk: int, fmt: str
) -> HttpResponse | StreamingHttpResponse:
    athlete = get_visible_athlete(request.user, pk)
    athletes = Athlete.objects.filter(pk=athlete.pk)
    return _sessions(request, athletes, fmt, name=athlete.user.username, today=_today(athlete))


@login_required
@require_GET
def roster_sessions(request: HttpRequest, fmt: str) -> HttpResponse | StreamingHttpResponse:
    coach = coach_for(request.user)
    athletes = athletes_for(request.user, include_inactive=True)
    today = clock().astimezone(coach.tz).date().isoformat()
    return _sessions(request, athletes, fmt, name=f"roster-{coach.user.username}", today=today)


@login_required
@require_GET
def account(request: HttpRequest, pk: int) -> HttpResponse:
    athlete = get_visible_athlete(request.user, pk)
    document = export_account(athlete, published_only=published_only(request.user), now=clock())
    response = HttpResponse(
        json.dumps(document, indent=1, ensure_ascii=False), content_type=CONTENT_TYPES["json"]
    )
    return _attachment(
        response, f"ironstride-account-{_safe(athlete.user.username)}-{_today(athlete)}.json"
    )


def _sessions(
    request: HttpRequest, athletes: QuerySet[Athlete], fmt: str, *, name: str, today: str
) -> HttpResponse | StreamingHttpResponse:
    try:
        days = DayRange.parse(request.GET.get("from"), request.GET.get("to"))
    except BadRange as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    rows = session_rows(
        athletes, days=days, now=clock(), published_only=published_only(request.user)
    )
    chunks: Iterator[str] = csv_lines(rows) if fmt == "csv" else json_chunks(rows)
    response = StreamingHttpResponse(chunks, content_type=CONTENT_TYPES[fmt])
    span = days.label or today
    filename = f"ironstride-{_safe(name)}-{span}.{fmt}"
    return _attachment(response, filename)


def _today(athlete: Athlete) -> str:
    return clock().astimezone(athlete.tz).date().isoformat()


def _safe(name: str) -> str:
    """A username in a file name: letters, digits, dot, dash and underscore only."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)


def _attachment[R: HttpResponse | StreamingHttpResponse](response: R, filename: str) -> R:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # An export is private and changes with every logged set.
    response["Cache-Control"] = "private, no-store"
    return response
