"""The athlete's phone pages: Today, the week, a deadlift session with set logging, a run, and
history; plus the service worker and the web app manifest that let them work in a basement gym.

Thin like every view: athletes.access decides who sees what (coaches get 403 here, another
athlete's session is 404, a draft week is invisible), workouts.services writes, and
plans.services judges the week. The logging endpoint speaks JSON because the page's script
sends queued sets from IndexedDB, possibly long after they were logged."""

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from hashlib import sha256
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rest_framework import serializers

from athletes.access import athlete_of, get_visible_session, visible_sessions
from athletes.models import Athlete
from plans import services as plan_services
from plans.domain.errors import Conflict, ServiceError
from plans.domain.weeks import (
    FIRST_YEAR,
    LAST_YEAR,
    Week,
    in_planned_years,
    week_bounds,
    week_of,
)
from plans.progress import athlete_progress
from workouts.models import LiftSession, LiftSet, RunSession, SessionStatus
from workouts.plates import plates_per_side
from workouts.serializers import MAX_ID, ClientIdField, SetValuesSerializer
from workouts.services import (
    delete_logged_set,
    log_set,
    mark_done,
    update_logged_set,
)

# Rules a logged set can break: the ones the session page reports right after logging.
SET_RULES = (
    "deadlift.sets_out_of_range",
    "deadlift.reps_out_of_range",
    "deadlift.high_reps",
    "deadlift.to_failure",
    "deadlift.too_easy",
)
RECENT_WEEKS = 4


def _today(athlete: Athlete) -> date:
    return plan_services.clock().astimezone(athlete.tz).date()


def _sessions_between(user, start: datetime, end: datetime) -> list[RunSession | LiftSession]:
    """In start order, each with `missed` set for the templates (as of the clock's now)."""
    runs = visible_sessions(user, RunSession).filter(start__gte=start, start__lt=end)
    lifts = (
        visible_sessions(user, LiftSession)
        .filter(start__gte=start, start__lt=end)
        .with_logged_flag()
    )
    now = plan_services.clock()
    sessions = sorted([*runs, *lifts], key=lambda session: (session.start, session.pk))
    for session in sessions:
        session.missed = session.is_missed_at(now)
    return sessions


def _day_bounds(day: date, athlete: Athlete) -> tuple[datetime, datetime]:
    tz = athlete.tz
    start = datetime.combine(day, datetime.min.time(), tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    return start, end


def _phone(request: HttpRequest, template: str, athlete: Athlete, **context) -> HttpResponse:
    with timezone.override(athlete.tz):
        return render(request, template, {"athlete": athlete, **context})


# ---------------------------------------------------------------------------- Today and week


@login_required
@require_GET
def today(request: HttpRequest) -> HttpResponse:
    athlete = athlete_of(request.user)
    day = _today(athlete)
    start, end = _day_bounds(day, athlete)
    todays = _sessions_between(request.user, start, end)
    upcoming = [
        *visible_sessions(request.user, RunSession).filter(start__gte=end).order_by("start")[:1],
        *visible_sessions(request.user, LiftSession).filter(start__gte=end).order_by("start")[:1],
    ]
    return _phone(
        request,
        "phone/today.html",
        athlete,
        nav="today",
        day=day,
        sessions=todays,
        next_session=min(upcoming, key=lambda s: s.start) if upcoming else None,
    )


@login_required
@require_GET
def week(request: HttpRequest, week: Week | None = None) -> HttpResponse:
    athlete = athlete_of(request.user)
    week = week or Week.containing(_today(athlete))
    start, end = week.bounds(athlete.tz)
    days: dict[date, list] = {day: [] for day in week.days}
    for session in _sessions_between(request.user, start, end):
        days[session.start.astimezone(athlete.tz).date()].append(session)
    return _phone(
        request,
        "phone/week.html",
        athlete,
        nav="week",
        monday=week.monday,
        week_name=week.name,
        days=days.items(),
        today=_today(athlete),
        # An athlete sees only published weeks: an empty page says why rather than "rest week".
        has_sessions=any(days.values()),
        prev_url=reverse("workouts:phone_week", args=[week.previous]),
        next_url=reverse("workouts:phone_week", args=[week.next]),
    )


# ---------------------------------------------------------------------------- deadlift session


@dataclass(frozen=True)
class SetRow:
    lift_set: LiftSet
    plates: str


def _violations(session: LiftSession) -> list[dict[str, str]]:
    """The week's broken rules that concern this session and its sets, in the rule's words."""
    try:
        report = plan_services.evaluate_week(
            athlete=session.athlete, week=week_of(session.start, session.athlete.tz)
        )
    except ServiceError:
        return []  # no valid training window: nothing to judge by, the coach's page says so
    return [
        {"code": v.code, "severity": str(v.severity), "message": v.message}
        for v in report.violations
        if session.pk in v.session_ids and v.code in SET_RULES
    ]


def _set_json(lift_set: LiftSet) -> dict[str, object]:
    def number(value: Decimal | None) -> str | None:
        return None if value is None else format(value.normalize(), "f")

    return {
        "id": lift_set.pk,
        "order": lift_set.order,
        "is_warmup": lift_set.is_warmup,
        "target_reps": lift_set.target_reps,
        "target_load_kg": number(lift_set.target_load_kg),
        "target_rir": lift_set.target_rir,
        "reps": lift_set.reps,
        "load_kg": number(lift_set.load_kg),
        "rir": lift_set.rir,
        "failed": lift_set.failed,
        "client_id": str(lift_set.client_id) if lift_set.client_id else None,
    }


@login_required
@require_GET
def lift_session(request: HttpRequest, pk: int) -> HttpResponse:
    athlete = athlete_of(request.user)
    session = get_visible_session(request.user, LiftSession, pk)
    sets = list(session.sets.order_by("order"))
    rows = []
    for lift_set in sets:
        loading = (
            None if lift_set.target_load_kg is None else plates_per_side(lift_set.target_load_kg)
        )
        rows.append(SetRow(lift_set, loading.label if loading else ""))
    return _phone(
        request,
        "phone/lift.html",
        athlete,
        nav="today",
        session=session,
        rows=rows,
        locked=session.status == SessionStatus.DONE,
        violations=_violations(session),
        sets_json=[_set_json(s) for s in sets],
        rir_chips=range(5),
        log_url=reverse("workouts:phone_log_set", args=[session.pk]),
    )


class BadInput(Exception):
    def __init__(self, errors: dict[str, str]):
        self.errors = errors


def _read_json(request: HttpRequest) -> dict:
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError, RecursionError):
        # RecursionError: the decoder's answer to deep nesting such as 40 KB of `[`.
        raise BadInput({"body": "Send the set as a JSON object."}) from None
    if not isinstance(data, dict):
        raise BadInput({"body": "Send the set as a JSON object."})
    return data


class PhoneSetSerializer(SetValuesSerializer):
    """A set logged on the phone: the API's values, the client's id, and optionally the
    prescribed set it fills."""

    client_id = ClientIdField(error_messages={"required": "Send the set's client_id, a UUID."})
    set_id = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, allow_null=True
    )


def _valid(serializer: serializers.Serializer) -> serializers.Serializer:
    if not serializer.is_valid():
        raise BadInput(
            {
                field: " ".join(str(message) for message in messages_)
                for field, messages_ in serializer.errors.items()
            }
        )
    return serializer


def _error(status: int, errors: dict[str, str]) -> JsonResponse:
    return JsonResponse({"errors": errors}, status=status)


def _validation_errors(error: ValidationError) -> dict[str, str]:
    if hasattr(error, "error_dict"):
        return {field: " ".join(messages_) for field, messages_ in error.message_dict.items()}
    return {"__all__": " ".join(error.messages)}


def _athlete_session(request: HttpRequest, pk: int) -> LiftSession:
    athlete_of(request.user)
    return get_visible_session(request.user, LiftSession, pk)


@login_required
@require_POST
def log_set_view(request: HttpRequest, pk: int) -> JsonResponse:
    """Store one set sent by the phone. 201 for a new set; 200 with the stored set when this
    client_id arrived before (a retry after a lost answer, a double tap); 409 once the session
    is done; 400 for bad values, writing nothing."""
    session = _athlete_session(request, pk)
    try:
        sent = _valid(PhoneSetSerializer(data=_read_json(request)))
        logged = log_set(
            session=session,
            client_id=sent.validated_data["client_id"],
            values=sent.done_values(),
            set_id=sent.validated_data.get("set_id"),
        )
    except BadInput as bad:
        return _error(400, bad.errors)
    except ValidationError as error:
        return _error(400, _validation_errors(error))
    except Conflict as error:
        return _error(409, {"__all__": str(error)})
    except ServiceError as error:
        return _error(400, {"__all__": str(error)})
    if logged.lift_set.session_id != session.pk:
        # A client_id already used in another session: never answer with someone else's set.
        return _error(409, {"client_id": "This client_id belongs to another set."})
    return JsonResponse(
        {
            "created": logged.created,
            "set": _set_json(logged.lift_set),
            "violations": _violations(session),
        },
        status=201 if logged.created else 200,
    )


def _logged_set(session: LiftSession, set_pk: int) -> LiftSet:
    try:
        return session.sets.get(pk=set_pk, reps__isnull=False)
    except LiftSet.DoesNotExist:
        raise Http404("No such logged set in this session.") from None


@login_required
@require_POST
def edit_set(request: HttpRequest, pk: int, set_pk: int) -> JsonResponse:
    session = _athlete_session(request, pk)
    lift_set = _logged_set(session, set_pk)
    try:
        sent = _valid(SetValuesSerializer(data=_read_json(request)))
        updated = update_logged_set(lift_set=lift_set, values=sent.done_values())
    except BadInput as bad:
        return _error(400, bad.errors)
    except ValidationError as error:
        return _error(400, _validation_errors(error))
    except Conflict as error:
        return _error(409, {"__all__": str(error)})
    return JsonResponse({"set": _set_json(updated), "violations": _violations(session)})


@login_required
@require_POST
def delete_set(request: HttpRequest, pk: int, set_pk: int) -> JsonResponse:
    session = _athlete_session(request, pk)
    lift_set = _logged_set(session, set_pk)
    try:
        delete_logged_set(lift_set=lift_set)
    except Conflict as error:
        return _error(409, {"__all__": str(error)})
    return JsonResponse({"deleted": set_pk, "violations": _violations(session)})


@login_required
@require_POST
def lift_done(request: HttpRequest, pk: int) -> HttpResponse:
    session = _athlete_session(request, pk)
    if session.status == SessionStatus.DONE:
        messages.info(request, "This session was already marked done.")
    else:
        mark_done(session=session)
        messages.success(request, "Session done. Its sets are now locked.")
    return redirect("workouts:phone_lift", pk=session.pk)


# ---------------------------------------------------------------------------- runs


def _local_input(moment: datetime | None, athlete: Athlete) -> str:
    return "" if moment is None else moment.astimezone(athlete.tz).strftime("%Y-%m-%dT%H:%M")


def _parse_run_form(request: HttpRequest, athlete: Athlete) -> tuple[datetime, int, dict]:
    errors = {}
    actual_start = None
    try:
        # The form's datetime-local is the athlete's wall clock.
        actual_start = datetime.strptime(
            request.POST.get("actual_start", ""), "%Y-%m-%dT%H:%M"
        ).replace(tzinfo=athlete.tz)
    except ValueError:
        errors["actual_start"] = "Enter the date and time you started."
    else:
        if not in_planned_years(actual_start.date()):
            errors["actual_start"] = f"Enter a time between {FIRST_YEAR} and {LAST_YEAR}."
    duration = None
    try:
        duration = int(request.POST.get("actual_duration_minutes", ""))
        if not 1 <= duration <= 24 * 60:
            raise ValueError
    except ValueError:
        errors["actual_duration_minutes"] = "Enter the minutes you ran, 1 to 1440."
    return actual_start, duration, errors  # type: ignore[return-value]


@login_required
@require_http_methods(["GET", "POST"])
def run_session(request: HttpRequest, pk: int) -> HttpResponse:
    athlete = athlete_of(request.user)
    run = get_visible_session(request.user, RunSession, pk)
    errors: dict[str, str] = {}
    values = {
        "actual_start": _local_input(run.actual_start or run.start, athlete),
        "actual_duration_minutes": run.actual_duration_minutes or run.duration_minutes,
    }
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "skipped":
            # Plain state, no rule: a skipped run is simply ignored by every rule.
            run.status = SessionStatus.SKIPPED
            run.save(update_fields=["status"])
            messages.success(request, "Run marked skipped.")
            return redirect("workouts:phone_run", pk=run.pk)
        if action == "done":
            actual_start, duration, errors = _parse_run_form(request, athlete)
            if not errors:
                mark_done(session=run, actual_start=actual_start, actual_duration_minutes=duration)
                messages.success(request, "Run marked done.")
                return redirect("workouts:phone_run", pk=run.pk)
            values = {
                "actual_start": request.POST.get("actual_start", ""),
                "actual_duration_minutes": request.POST.get("actual_duration_minutes", ""),
            }
        else:
            errors["action"] = "Choose Done or Skipped."
    response = _phone(
        request, "phone/run.html", athlete, nav="today", run=run, values=values, errors=errors
    )
    response.status_code = 400 if errors else 200
    return response


# ---------------------------------------------------------------------------- history


@login_required
@require_GET
def history(request: HttpRequest) -> HttpResponse:
    athlete = athlete_of(request.user)
    this_monday = Week.containing(_today(athlete)).monday
    progress = athlete_progress(athlete=athlete, last_week=this_monday)
    first_monday = this_monday - timedelta(weeks=RECENT_WEEKS - 1)
    start, _ = week_bounds(first_monday, athlete.tz)
    _, end = week_bounds(this_monday, athlete.tz)
    weeks: dict[date, list] = {this_monday - timedelta(weeks=n): [] for n in range(RECENT_WEEKS)}
    for session in _sessions_between(request.user, start, end):
        weeks[week_of(session.start, athlete.tz)].append(session)
    return _phone(
        request,
        "phone/history.html",
        athlete,
        nav="history",
        progress=progress,
        e1rm_weeks=[p for p in reversed(progress.weeks) if p.e1rm_kg is not None],
        recent=[(Week(monday).name, sessions) for monday, sessions in weeks.items()],
    )


# ---------------------------------------------------------------------------- offline support

PHONE_ASSETS = ("phone/phone.css", "phone/phone.js")


@lru_cache(maxsize=1)
def _assets_version() -> str:
    """Changes whenever the worker or the assets it caches change, so a new worker replaces
    the old caches instead of serving stale files forever."""
    digest = sha256()
    base = Path(settings.BASE_DIR)
    for name in ("templates/phone/sw.js", *(f"static/{asset}" for asset in PHONE_ASSETS)):
        digest.update((base / name).read_bytes())
    return digest.hexdigest()[:12]


@require_GET
@never_cache
def service_worker(request: HttpRequest) -> HttpResponse:
    """Served from the root, not /static/, so its scope can be the whole site."""
    body = render_to_string(
        "phone/sw.js",
        {
            "version": _assets_version(),
            "precache": json.dumps(
                [static(asset) for asset in PHONE_ASSETS] + [static("phone/icon-192.png")]
            ),
            "start_pages": json.dumps([reverse("workouts:phone_today")]),
            "page_prefix": json.dumps(reverse("workouts:phone_today")),
        },
    )
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    data = {
        "name": "Ironstride",
        "short_name": "Ironstride",
        "description": "Today's runs and deadlift, logged in two taps.",
        "start_url": reverse("workouts:phone_today"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1b3a57",
        "icons": [
            {
                "src": static(f"phone/icon-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
            }
            for size in (192, 512)
        ],
    }
    return HttpResponse(json.dumps(data, indent=2), content_type="application/manifest+json")
