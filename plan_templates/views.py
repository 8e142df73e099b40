"""The coach's plan template pages: list, new, edit, copy, delete, "save as template" from an
athlete's weeks, the apply page with its preview, and the batch page with progress, result and
undo. Thin: access (athletes.access), the form, one service (plan_templates.services) or the
task queue (plan_templates.tasks), render."""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from athletes.access import (
    athletes_for,
    coach_for,
    get_application_for,
    get_athlete_for,
    get_batch_for,
    get_template_for,
    templates_for,
)
from athletes.models import Athlete
from plan_templates import services, tasks
from plan_templates.forms import ApplyForm, CopyTemplateForm, SaveWeeksForm, TemplateEditor
from plan_templates.models import BatchStatus, PlanTemplate, TemplateApplication, TemplateRun
from plans.domain.errors import ServiceError
from plans.domain.format import decimal_label, local_time_label, plural
from plans.domain.templates import TemplateRunSpec
from plans.domain.weeks import Week
from plans.forms import WeekForm
from plans.presentation import rule_title
from plans.services import clock
from workouts.models import RunKind

NAV = "templates"
POLL_SECONDS = 2


def _status(request: HttpRequest) -> int:
    """A form page answers a refused POST as the bad request it was."""
    return 400 if request.method == "POST" else 200


# ---------------------------------------------------------------------------- list


def _runs_per_week(counts: list[int]) -> str:
    low, high = min(counts), max(counts)
    return str(low) if low == high else f"{low}–{high}"


@login_required
@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    templates = list(
        templates_for(request.user).annotate(application_count=Count("applications", distinct=True))
    )
    # Runs per week of every template in one query: (template, week) -> runs.
    per_week: dict[tuple[int, int], int] = {
        (row["week__template_id"], row["week__number"]): row["runs"]
        for row in TemplateRun.objects.filter(week__template__in=[t.pk for t in templates])
        .values("week__template_id", "week__number")
        .annotate(runs=Count("pk"))
    }
    rows = [
        {
            "template": template,
            "runs_per_week": _runs_per_week(
                [per_week.get((template.pk, n), 0) for n in range(1, template.weeks + 1)]
            ),
        }
        for template in templates
    ]
    return render(request, "plan_templates/list.html", {"nav": NAV, "rows": rows})


# ---------------------------------------------------------------------------- new, edit


@login_required
@require_http_methods(["GET", "POST"])
def template_new(request: HttpRequest) -> HttpResponse:
    coach_for(request.user)  # 403 before anything for a user who is no coach
    return _editor(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _editor(request, get_template_for(request.user, pk))


def _editor(request: HttpRequest, template: PlanTemplate | None) -> HttpResponse:
    coach = coach_for(request.user)
    editor = TemplateEditor(request.POST if request.method == "POST" else None, template=template)
    if editor.wants_save and editor.is_valid():
        try:
            saved = services.replace_template(template, coach=coach, data=editor.document())
        except ServiceError as error:
            editor.add_service_error(error)
        else:
            messages.success(request, f"Saved the template {saved.name}.")
            return redirect("plan_templates:list")
    if editor.resized and editor.action == "save":
        messages.info(
            request,
            f"The template now has {plural(editor.shown_weeks, 'week')}: check the weeks, "
            "then save.",
        )
    applications = (
        [
            (application, Week(application.start_week).name)
            for application in template.applications.select_related("athlete__user").order_by(
                "start_week", "pk"
            )
        ]
        if template is not None
        else []
    )
    return render(
        request,
        "plan_templates/edit.html",
        {
            "nav": NAV,
            "template": template,
            "editor": editor,
            "errors": list(editor.errors()) if editor.bound else [],
            "applications": applications,
        },
        status=400 if editor.wants_save else 200,
    )


# ---------------------------------------------------------------------------- copy, delete


@login_required
@require_http_methods(["GET", "POST"])
def template_copy(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_template_for(request.user, pk)
    form = CopyTemplateForm(request.POST or None, initial={"name": f"{template.name} (copy)"})
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.copy_template(template, name=form.cleaned_data["name"])
        except ServiceError as error:
            _form_error(form, error)
        else:
            messages.success(request, f"Copied {template.name} as {copy.name}.")
            return redirect("plan_templates:edit", copy.pk)
    return render(
        request,
        "plan_templates/copy.html",
        {"nav": NAV, "template": template, "form": form},
        status=_status(request),
    )


@login_required
@require_http_methods(["GET", "POST"])
def template_delete(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_template_for(request.user, pk)
    if request.method == "POST":
        name = template.name
        template.delete()  # plain CRUD: what it created stays, only the record of it goes
        messages.success(request, f"Deleted the template {name}.")
        return redirect("plan_templates:list")
    applications = template.applications.count()
    return render(
        request,
        "plan_templates/delete.html",
        {"nav": NAV, "template": template, "applications": applications},
    )


def _form_error(form: Any, error: ServiceError) -> None:
    """The service's refusal, on the field it names when the form has it."""
    if isinstance(error, services.TemplateInvalid):
        for field, words in error.errors.items():
            form.add_error(field if field in form.fields else None, words)
    else:
        form.add_error(None, str(error))


# ---------------------------------------------------------------------------- save as template


@login_required
@require_http_methods(["GET", "POST"])
def save_weeks(request: HttpRequest, pk: int) -> HttpResponse:
    athlete = get_athlete_for(request.user, pk)
    coach = coach_for(request.user)
    first = Week.of(clock(), athlete.tz)
    asked = WeekForm(request.GET)
    if "week" in request.GET and asked.is_valid():
        first = asked.cleaned_data["week"]
    form = SaveWeeksForm(
        request.POST or None,
        initial={"name": f"{athlete.name} from {first}", "first_week": first},
    )
    if request.method == "POST" and form.is_valid():
        try:
            template = services.save_weeks_as_template(
                coach=coach,
                athlete=athlete,
                first_week=form.cleaned_data["first_week"].monday,
                weeks=form.cleaned_data["weeks"],
                name=form.cleaned_data["name"],
            )
        except ServiceError as error:
            _form_error(form, error)
        else:
            messages.success(
                request, f"Saved {athlete.name}'s weeks as the template {template.name}."
            )
            return redirect("plan_templates:edit", template.pk)
    return render(
        request,
        "plan_templates/save_weeks.html",
        {
            "nav": NAV,
            "athlete": athlete,
            "form": form,
            "back_url": reverse("plans:athlete_week", args=[athlete.pk, first]),
        },
        status=_status(request),
    )


# ---------------------------------------------------------------------------- apply


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_template_for(request.user, pk)
    coach = coach_for(request.user)
    athletes = list(
        athletes_for(request.user).order_by("user__last_name", "user__first_name", "pk")
    )
    now = clock()
    # Default: the week after this one in each athlete's own zone.
    default_weeks = {athlete.pk: Week.of(now, athlete.tz).next for athlete in athletes}
    form = ApplyForm(request.POST or None, athletes=athletes, default_weeks=default_weeks)
    previews = None
    if request.method == "POST" and form.is_valid():
        targets = [
            services.Target(athlete=athlete, start_week=week.monday)
            for athlete, week in form.cleaned_data["targets"]
        ]
        if request.POST.get("action") == "apply":
            batch = tasks.start_batch(
                coach=coach,
                template=template,
                targets=targets,
                publish_days_before=form.cleaned_data["publish_days_before"],
            )
            messages.success(
                request,
                f"Applying {template.name} to {plural(len(targets), 'athlete')}.",
            )
            return redirect("plan_templates:batch", batch.pk)
        try:
            previews = [_shown_preview(p) for p in services.preview(template, targets, now=now)]
        except ServiceError as error:
            _form_error(form, error)
    return render(
        request,
        "plan_templates/apply.html",
        {"nav": NAV, "template": template, "form": form, "previews": previews},
        status=400 if request.method == "POST" and form.errors else 200,
    )


def _run_line(spec: TemplateRunSpec) -> str:
    """Like the week board's cards: "Interval run · 50 min · 10 km"."""
    line = f"{RunKind(spec.kind).label} run · {spec.duration_minutes} min"
    if spec.distance_km is not None:
        line += f" · {decimal_label(spec.distance_km)} km"
    return line


def _shown_preview(preview: services.AthletePreview) -> dict[str, Any]:
    """One athlete's preview as the page shows it: local times in the athlete's zone, the
    rules in words (the week board's finding and advice)."""
    tz = preview.athlete.tz
    weeks = []
    for week in preview.weeks:
        deadlift = week.deadlift
        weeks.append(
            {
                "number": week.number,
                "name": week.name,
                "monday": week.monday,
                "created": [
                    {"when": local_time_label(run.start, tz), "line": _run_line(run.spec)}
                    for run in week.created
                ],
                "reported": [run.message for run in week.reported],
                "deadlift": None
                if deadlift is None
                else {
                    "outcome": deadlift.outcome,
                    "when": local_time_label(deadlift.start, tz) if deadlift.start else "",
                    "sets": deadlift.sets,
                    "reps": deadlift.reps,
                    "reason": deadlift.reason,
                },
                "flags": [
                    {
                        "code": v.code,
                        "severity": str(v.severity),
                        "title": rule_title(v.code),
                        "finding": v.finding or v.message,
                        "advice": v.advice,
                    }
                    for v in week.violations
                ],
            }
        )
    return {
        "athlete": preview.athlete,
        "first_week": Week(preview.start_week),
        "already_applied": preview.already_applied,
        "error": preview.error,
        "runs_created": preview.runs_created,
        "runs_reported": preview.runs_reported,
        "weeks": weeks,
    }


# ---------------------------------------------------------------------------- batch, undo


@login_required
@require_GET
def batch(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_batch_for(request.user, pk)
    applications = {
        application.athlete_id: application
        for application in TemplateApplication.objects.filter(batch=found).select_related(
            "athlete__user"
        )
    }
    running = found.status in (BatchStatus.QUEUED, BatchStatus.RUNNING)
    context = {
        "nav": NAV,
        "batch": found,
        # Times on the coach's own clock (get_batch_for has read the coach already).
        "coach_tz": coach_for(request.user).time_zone,
        "template": found.template,
        "running": running,
        "poll_seconds": POLL_SECONDS,
        "percent": round(100 * found.athletes_done / found.athletes_total)
        if found.athletes_total
        else 0,
        "results": _results(found.result, applications),
    }
    if request.htmx:  # type: ignore[attr-defined]  # set by django_htmx's HtmxMiddleware
        return render(request, "plan_templates/_batch_status.html", context)
    return render(request, "plan_templates/batch.html", context)


def _results(result: Any, applications: dict[int, TemplateApplication]) -> list[dict]:
    """The batch's stored result per athlete (services.AthleteOutcome.as_json, or a row for an
    athlete the task skipped), in words and local times, each with the application it made:
    while that exists it can be undone. One query for the athletes, whatever their number."""
    entries = [entry for entry in result or [] if isinstance(entry, dict)]
    athletes = Athlete.objects.select_related("user").in_bulk(
        [entry["athlete"] for entry in entries if isinstance(entry.get("athlete"), int)]
    )
    rows = []
    for entry in entries:
        athlete = athletes.get(entry.get("athlete"))
        tz = athlete.tz if athlete is not None else ZoneInfo("UTC")
        deadlifts = []
        for placed in entry.get("deadlifts") or []:
            start = placed.get("start")
            when = local_time_label(datetime.fromisoformat(start), tz) if start else "no slot"
            deadlifts.append(f"week {placed.get('week')}: {when}")
        rows.append(
            {
                "athlete_id": entry.get("athlete"),
                "name": athlete.name if athlete is not None else entry.get("athlete_name", ""),
                "status": entry.get("status", ""),
                "message": entry.get("message") or entry.get("reason", ""),
                "runs_created": entry.get("runs_created", 0),
                "reported": [
                    f"Week {run.get('week')}: {run.get('message')}"
                    for run in entry.get("runs_reported") or []
                ],
                "deadlifts": deadlifts,
                "application": applications.get(entry.get("athlete")),  # type: ignore[arg-type]
                "applied": entry.get("status") == "applied",
            }
        )
    return rows


@login_required
@require_POST
def undo(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_application_for(request.user, pk)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = (
            reverse("plan_templates:batch", args=[application.batch_id])
            if application.batch_id
            else reverse("plan_templates:edit", args=[application.template_id])
        )
    athlete = application.athlete
    try:
        outcome = services.undo(application, now=clock())
    except ServiceError as error:
        messages.error(request, f"Not undone for {athlete.name}: {error}")
    else:
        messages.success(
            request,
            f"Undid {application.template.name} for {athlete.name}: removed "
            f"{plural(outcome.runs_deleted, 'run')} and "
            f"{plural(outcome.lifts_deleted, 'deadlift')}.",
        )
    return redirect(back)
