"""The athlete's phone pages: Today, the week, a deadlift session with set logging, a run, and
history; plus the service worker and the web app manifest that let them work in a basement gym.

Thin like every view: athletes.access decides who sees what (coaches get 403 here, another
athlete's session is 404, a draft week is invisible), workouts.services writes, and
plans.domain.rules judges. The set endpoints speak the API's JSON (workouts.serializers) because
the page's script sends queued sets from IndexedDB, possibly long after they were logged."""

import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from hashlib import sha256
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import SuspiciousOperation
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from athletes.access import (
    AnyUser,
    athlete_of,
    get_visible_session,
    may_see_week,
    visible_sessions,
)
from athletes.models import Athlete
from plans import selectors
from plans import services as plan_services
from plans.domain import autoregulation
from plans.domain.constants import EMPTY_BAR_KG
from plans.domain.format import decimal_label, set_names
from plans.domain.prescription import RTS_FRACTIONS
from plans.domain.rules import evaluate_sets
from plans.domain.units import Unit, bar_kg, bounds_in, format_load
from plans.domain.weeks import (
    FIRST_YEAR,
    LAST_YEAR,
    Week,
    in_planned_years,
)
from plans.presentation import shown_session, shown_sessions
from plans.progress import WEEKS, progress_of
from plans.selectors import to_domain_lift
from web.units import with_unit_fields
from web.uploads import upload_limit_message, upload_too_large, uploaded_run_files
from workouts.models import LOAD_KG_RANGE, LiftSession, LiftSet, RunSession, SessionStatus
from workouts.plates import plates_per_side
from workouts.run_imports import FileResult, import_run_files
from workouts.serializers import (
    LiftSetSerializer,
    LogSetSerializer,
    SetValuesSerializer,
    retargeted_data,
)
from workouts.services import (
    autoregulated,
    delete_logged_set,
    mark_done,
    update_logged_set,
)

RECENT_WEEKS = 4


def _today(athlete: Athlete) -> date:
    return plan_services.clock().astimezone(athlete.tz).date()


def _week_sessions(user: AnyUser, athlete: Athlete, monday: date) -> list[dict]:
    """The week's sessions the user may see (an athlete: a published week's), read by the
    week's read model and shown as the phone's lists show them, in start order."""
    loaded = selectors.read_week(athlete, monday, detail=selectors.Detail.SHOW)
    if not may_see_week(user, loaded.plan):
        return []
    return shown_sessions(loaded, now=plan_services.clock())


def _local_day(session: dict, athlete: Athlete) -> date:
    return session["start"].astimezone(athlete.tz).date()


def _section_of(start: datetime, athlete: Athlete) -> str:
    """The tab a session's page belongs to: Today for today's sessions, else the week it is
    listed in (a deadlift opened from Thursday of the week is not "Today")."""
    return "today" if start.astimezone(athlete.tz).date() == _today(athlete) else "week"


def _phone(request: HttpRequest, template: str, athlete: Athlete, **context: Any) -> HttpResponse:
    with timezone.override(athlete.tz):
        return render(request, template, {"athlete": athlete, **context})


# ---------------------------------------------------------------------------- Today and week


@login_required
@require_GET
def today(request: HttpRequest) -> HttpResponse:
    athlete = athlete_of(request.user)
    day = _today(athlete)
    week = _week_sessions(request.user, athlete, Week.containing(day).monday)
    todays = [session for session in week if _local_day(session, athlete) == day]
    end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=athlete.tz)
    # The next session may lie weeks ahead, beyond any one week's read: one row of each kind.
    next_run = visible_sessions(request.user, RunSession).filter(start__gte=end)
    next_lift = visible_sessions(request.user, LiftSession).filter(start__gte=end)
    upcoming = [
        *(
            shown_session("run", row, missed=False)
            for row in next_run.order_by("start", "pk").values(*selectors.RUN_COLUMNS)[:1]
        ),
        *(
            shown_session("lift", row, missed=False)
            for row in next_lift.order_by("start", "pk").values(*selectors.LIFT_COLUMNS)[:1]
        ),
    ]
    return _phone(
        request,
        "phone/today.html",
        athlete,
        nav="today",
        day=day,
        sessions=todays,
        next_session=min(upcoming, key=lambda s: (s["start"], s["id"])) if upcoming else None,
    )


@login_required
@require_GET
def week(request: HttpRequest, week: Week | None = None) -> HttpResponse:
    athlete = athlete_of(request.user)
    week = week or Week.containing(_today(athlete))
    days: dict[date, list] = {day: [] for day in week.days}
    for session in _week_sessions(request.user, athlete, week.monday):
        days[_local_day(session, athlete)].append(session)
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
    name: str  # "Warm-up 2", "Set 1": working sets counted from 1 after the warm-ups
    adjusted: str = ""  # "was 100 kg · <why>" for a target autoregulation moved


def adjusted_label(shown: dict[str, Any], unit: Unit) -> str:
    """Beside a re-targeted set: its original target and why it moved, in the athlete's unit
    (the set's JSON shape; its `adjustment_reason` is the API's, in kilograms);
    static/phone/phone.js writes the same line when an answer or the offline arithmetic moves
    a target."""
    original, adjustment = shown.get("original_target_load_kg"), shown.get("adjustment")
    if original is None or not adjustment:
        return ""
    reason = autoregulation.describe(
        autoregulation.Adjustment.from_json(adjustment), label=lambda kg: format_load(kg, unit)
    )
    return f"was {format_load(Decimal(str(original)), unit)} · {reason}"


def _with_sets(session: LiftSession) -> LiftSession:
    """The session with its sets read once, in order, for the page, the shape and the rules."""
    prefetch_related_objects(
        [session], Prefetch("sets", queryset=LiftSet.objects.order_by("order"))
    )
    return session


def _set_violations(session: LiftSession) -> list[dict[str, str]]:
    """The set rules the session's sets break, in the rule's words: only those rules, judged on
    this session alone, with no scheduler and no fix (plans.domain.rules.evaluate_sets)."""
    judged = evaluate_sets([to_domain_lift(session)], time_zone=session.athlete.tz)
    return [{"code": v.code, "severity": str(v.severity), "message": v.message} for v in judged]


def _sets_data(sets: Iterable[LiftSet], unit: Unit) -> list[dict[str, Any]]:
    # As the API writes them (loads as numbers, and in pounds too for an athlete in pounds:
    # ?units=lb), for the page's json_script: Django's encoder would write a Decimal as a string.
    shape = with_unit_fields(LiftSetSerializer(sets, many=True).data, unit)
    return json.loads(JSONRenderer().render(shape))


def _plates_label(load_kg: Decimal | None, unit: Unit) -> str:
    loading = None if load_kg is None else plates_per_side(load_kg, unit)
    return loading.label if loading else ""


def _plates_table(sets: Iterable[LiftSet], increment_kg: Decimal, unit: Unit) -> dict[str, str]:
    """The plate hint of every load an offline re-target can give a working set, keyed by the
    load as the page's script writes it ("152.5"): the loads on the increment's grid within 10 %
    of the working sets' original targets, and those targets themselves. The page looks plates
    up here rather than doing plate arithmetic of its own (workouts.plates stays the one
    implementation); a load outside (a set without a target gets one uncapped) shows its
    plates when the server's answer arrives."""
    originals = [s.target_before_adjustment for s in sets if not s.is_warmup]
    targets = sorted({load for load in originals if load is not None})
    # Every target as it stands too (warm-ups included: the form shows their plates).
    loads = {s.target_load_kg for s in sets if s.target_load_kg is not None}
    if targets:
        low = max(Fraction(targets[0]) * (1 - autoregulation.CAP), Fraction(bar_kg(unit)))
        high = Fraction(targets[-1]) * (1 + autoregulation.CAP)
        step = Fraction(increment_kg)
        steps = range(math.ceil(low / step), math.floor(high / step) + 1)
        loads.update(step * increment_kg for step in steps)
    return {
        decimal_label(load): label for load in sorted(loads) if (label := _plates_label(load, unit))
    }


def _autoreg_data(session: LiftSession, sets: list[LiftSet], unit: Unit) -> dict[str, Any]:
    """What the page's script needs to re-target offline (static/phone/autoreg.js): the e1RM
    fractions (plans.domain.prescription's table, the one source), the athlete's increment,
    whether this session's targets may move, and the plate hints."""
    increment_kg = session.athlete.load_increment_kg
    return {
        "fractions": {str(total): str(share) for total, share in RTS_FRACTIONS.items()},
        "increment_kg": decimal_label(increment_kg),
        "empty_bar_kg": decimal_label(EMPTY_BAR_KG),
        "cap": str(autoregulation.CAP),
        "drop_share": str(autoregulation.DROP_SHARE),
        "adjust_targets": autoregulated(session, sets),
        "plates": _plates_table(sets, increment_kg, unit),
    }


@login_required
@require_GET
def lift_session(request: HttpRequest, pk: int) -> HttpResponse:
    athlete = athlete_of(request.user)
    unit = Unit(athlete.units)
    session = _with_sets(get_visible_session(request.user, LiftSession, pk))
    sets = list(session.sets.all())
    shown = _sets_data(sets, unit)
    rows = [
        SetRow(
            lift_set,
            _plates_label(lift_set.target_load_kg, unit),
            name,
            adjusted_label(data, unit),
        )
        for lift_set, name, data in zip(
            sets, set_names(s.is_warmup for s in sets), shown, strict=True
        )
    ]
    return _phone(
        request,
        "phone/lift.html",
        athlete,
        nav=_section_of(session.start, athlete),
        session=session,
        rows=rows,
        locked=session.status == SessionStatus.DONE,
        violations=_set_violations(session),
        sets_json=shown,
        load_bounds=bounds_in(unit, *LOAD_KG_RANGE),
        autoreg_json=_autoreg_data(session, sets, unit),
        rir_chips=range(5),
        log_url=reverse("workouts:phone_log_set", args=[session.pk]),
    )


# The set endpoints speak the API's contract through the same serializers, service and error
# handler (web.api.exception_handler): 201 new, 200 a replay of the same values, 409 a
# replay with other values or a done session, 400 bad values with {"field": ["message"]} or
# {"detail": "message"}. Only the login differs: the phone's session, its CSRF token, and the
# login page when logged out. The answer adds the rules the session's sets now break.


def _set_endpoint(view: Callable[..., Response]) -> Callable[..., HttpResponse]:
    # Not part of the API's schema: the page's own endpoints, which may change with phone.js.
    return login_required(extend_schema(exclude=True)(api_view(["POST"])(view)))


def _athlete_session(request: HttpRequest | Request, pk: int) -> LiftSession:
    athlete_of(request.user)
    return get_visible_session(request.user, LiftSession, pk)


def _answer(request: Request, data: dict[str, Any], status: int = 200) -> Response:
    """In kilograms, with pounds beside them for an athlete in pounds (web.units): the page
    shows what the athlete typed."""
    return Response(with_unit_fields(data, athlete_of(request.user).units), status=status)


def _set_of(session: LiftSession, set_pk: int) -> LiftSet:
    try:
        return session.sets.get(pk=set_pk)
    except LiftSet.DoesNotExist:
        raise Http404("No such set in this session.") from None


def _retargeted(sets: Iterable[LiftSet], unit: Unit) -> dict[str, Any]:
    """The sets whose targets the write moved, as the API answers them, and for the page the
    plate hint of each new target in the athlete's unit (workouts.plates, the one plate
    arithmetic)."""
    moved = list(sets)
    plates = {
        decimal_label(s.target_load_kg): label
        for s in moved
        if s.target_load_kg is not None and (label := _plates_label(s.target_load_kg, unit))
    }
    return {"retargeted": retargeted_data(moved), "plates": plates}


@_set_endpoint
def log_set_view(request: Request, pk: int) -> Response:
    session = _athlete_session(request, pk)
    logged = LogSetSerializer(data=request.data).log(session)
    return _answer(
        request,
        {
            "created": logged.created,
            "set": LiftSetSerializer(logged.lift_set).data,
            **_retargeted(logged.retargeted, Unit(athlete_of(request.user).units)),
            "violations": _set_violations(_with_sets(session)),
        },
        status=201 if logged.created else 200,
    )


@_set_endpoint
def edit_set(request: Request, pk: int, set_pk: int) -> Response:
    session = _athlete_session(request, pk)
    lift_set = _set_of(session, set_pk)
    sent = SetValuesSerializer(data=request.data, partial=True)
    sent.is_valid(raise_exception=True)
    updated = update_logged_set(lift_set=lift_set, values=sent.done_values(lift_set))
    return _answer(
        request,
        {
            "set": LiftSetSerializer(updated.lift_set).data,
            **_retargeted(updated.retargeted, Unit(athlete_of(request.user).units)),
            "violations": _set_violations(_with_sets(session)),
        },
    )


@_set_endpoint
def delete_set(request: Request, pk: int, set_pk: int) -> Response:
    session = _athlete_session(request, pk)
    retargeted = delete_logged_set(lift_set=_set_of(session, set_pk))
    return Response(
        {
            "deleted": set_pk,
            **_retargeted(retargeted, Unit(athlete_of(request.user).units)),
            "violations": _set_violations(_with_sets(session)),
        }
    )


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
        request,
        "phone/run.html",
        athlete,
        nav=_section_of(run.start, athlete),
        run=run,
        values=values,
        errors=errors,
    )
    response.status_code = 400 if errors else 200
    return response


# ---------------------------------------------------------------------------- history


@login_required
@require_GET
def history(request: HttpRequest) -> HttpResponse:
    athlete = athlete_of(request.user)
    this_monday = Week.containing(_today(athlete)).monday
    # One read for the progress and the recent weeks, which are its last ones.
    span = selectors.read_span(athlete, this_monday - timedelta(weeks=WEEKS - 1), this_monday)
    progress = progress_of(span, unit=Unit(athlete.units))
    now = plan_services.clock()
    weeks = {
        loaded.monday: shown_sessions(loaded, now=now)
        if may_see_week(request.user, loaded.plan)
        else []
        for loaded in reversed(span[-RECENT_WEEKS:])
    }
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

PHONE_ASSETS = ("css/tokens.css", "phone/phone.css", "phone/phone.js", "phone/autoreg.js")


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


# ---------------------------------------------------------------------------- run files


@login_required
@require_http_methods(["GET", "POST"])
def upload_runs(request: HttpRequest) -> HttpResponse:
    """The watch's files, several at once; the answer lists each file's fate on the page
    (no JavaScript needed: a plain multipart form)."""
    athlete = athlete_of(request.user)
    results: list[FileResult] = []
    error = ""
    status = 200
    if request.method == "POST":
        try:
            results, error = _import_uploaded(request, athlete)
        except SuspiciousOperation:
            error = f"Send at most {settings.DATA_UPLOAD_MAX_NUMBER_FILES} files at once."
        if error:
            status = 413 if upload_too_large(request) else 400
    response = _phone(
        request, "phone/upload.html", athlete, nav="week", results=results, error=error
    )
    response.status_code = status
    return response


def _import_uploaded(request: HttpRequest, athlete: Athlete) -> tuple[list[FileResult], str]:
    if upload_too_large(request):
        return [], upload_limit_message()
    files = uploaded_run_files(request)
    if not files:
        return [], "Choose at least one run file."
    results = import_run_files(
        athlete=athlete,
        files=files,
        now=plan_services.clock(),
        max_bytes=settings.RUN_FILE_MAX_BYTES,
    )
    return results, ""
