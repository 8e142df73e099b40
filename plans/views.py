"""The coach's dashboard and athlete-week pages. Thin: check access (athletes.access), call one
service or selector, render. Every rule and every schedule comes from plans.services."""

from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from athletes.access import athletes_for, coach_for, get_athlete_for, viewer_units
from athletes.models import Athlete, Coach
from plans import board, presentation, selectors, services, verdicts
from plans.domain.weeks import Week
from plans.forms import CoachNoteForm, WeekForm
from plans.models import PlanStatus, WeeklyPlan
from plans.progress import athlete_progress
from plans.services import ServiceError
from workouts.moves import Undo
from workouts.services import copy_runs_from_previous_week


def this_week(tz: ZoneInfo) -> Week:
    return Week.of(services.clock(), tz)


def athlete_week_url(athlete: Athlete, week: Week) -> str:
    return reverse("plans:athlete_week", args=[athlete.pk, week])


def dashboard_url(week: Week, **params: str) -> str:
    query = {"week": week.name, **{k: v for k, v in params.items() if v}}
    return f"{reverse('plans:dashboard')}?{urlencode(query)}"


# ---------------------------------------------------------------------------- home


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Each role to its own start page."""
    assert request.user.is_authenticated  # login_required
    if Coach.objects.filter(user=request.user).exists():
        return redirect("plans:dashboard")
    if Athlete.objects.filter(user=request.user).exists():
        return redirect("workouts:phone_today")
    raise PermissionDenied("This login is neither a coach nor an athlete.")


# ---------------------------------------------------------------------------- dashboard


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    coach = coach_for(request.user)
    jump = WeekForm(request.GET or None)
    week = this_week(coach.tz)
    bad_week = "week" in request.GET and not jump.is_valid()
    if bad_week:
        # This week's page with the form's message, answered as the bad request it was.
        messages.error(request, " ".join(map(str, jump.errors.get("week", []))))
    elif "week" in request.GET:
        week = jump.cleaned_data["week"]
    monday = week.monday
    sort = request.GET.get("sort", "") if request.GET.get("sort") in presentation.SORTS else "name"
    errors_only = request.GET.get("errors") == "1"

    judged = verdicts.roster_verdicts(coach=coach, week=monday)
    now = services.clock()
    # Compliance looks back from now, whichever week is shown: cached per athlete while their
    # revision and the clock's horizon hold, else one query for the roster.
    recent = selectors.cached_recent_compliance(
        {v.athlete_id: (v.time_zone, v.revision) for v in judged}, now
    )
    rows = presentation.sort_rows(
        [presentation.dashboard_row(v, now=now, recent=recent.get(v.athlete_id)) for v in judged],
        sort,
    )
    summary = presentation.summary(rows)
    if errors_only:
        rows = [row for row in rows if row["error_count"]]
    keep = {"sort": sort if sort != "name" else "", "errors": "1" if errors_only else ""}
    return render(
        request,
        "plans/dashboard.html",
        {
            "nav": "dashboard",
            "coach": coach,
            "monday": monday,
            "week_name": week.name,
            "sunday": week.sunday,
            "is_this_week": week == this_week(coach.tz),
            "prev_url": dashboard_url(week.previous, **keep),
            "next_url": dashboard_url(week.next, **keep),
            "this_week_url": dashboard_url(this_week(coach.tz), **keep),
            "sort_name_url": dashboard_url(week, errors=keep["errors"]),
            "sort_severity_url": dashboard_url(week, sort="severity", errors=keep["errors"]),
            "sort_7d_url": dashboard_url(week, sort="compliance_7d", errors=keep["errors"]),
            "sort_28d_url": dashboard_url(week, sort="compliance_28d", errors=keep["errors"]),
            "errors_url": dashboard_url(week, sort=keep["sort"], errors="1"),
            "all_url": dashboard_url(week, sort=keep["sort"]),
            "rows": rows,
            "summary": summary,
            "sort": sort,
            "errors_only": errors_only,
            "jump": jump if jump.is_bound else WeekForm(initial={"week": week}),
        },
        status=400 if bad_week else 200,
    )


def _posted_week(request: HttpRequest) -> Week:
    """The week a dashboard button posts; one that is not a week is a bad request: 400."""
    form = WeekForm(request.POST)
    if not form.is_valid():
        raise BadRequest(" ".join(map(str, form.errors["week"])))
    return form.cleaned_data["week"]


@login_required
@require_POST
def schedule_roster(request: HttpRequest) -> HttpResponse:
    coach = coach_for(request.user)
    week = _posted_week(request)
    try:
        results = services.schedule_roster(coach=coach, week=week.monday)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        changed = [r for r in results if r.outcome not in ("unchanged", "no_slot")]
        no_slot = [r for r in results if r.outcome == "no_slot"]
        messages.success(
            request,
            f"Scheduled {week}: {len(changed)} changed, "
            f"{len(results) - len(changed) - len(no_slot)} already in place.",
        )
        for result in no_slot:
            messages.warning(request, f"{result.athlete}: {result.reason}")
    return redirect(dashboard_url(week))


@login_required
@require_POST
def publish_drafts(request: HttpRequest) -> HttpResponse:
    athletes = athletes_for(request.user)
    week = _posted_week(request)
    monday = week.monday
    # Only the drafts: an athlete with no plan this week gets no empty published week.
    drafted = list(
        athletes.filter(plans__week_start=monday, plans__status=PlanStatus.DRAFT).distinct()
    )
    count = services.publish_week(athletes=drafted, week=monday) if drafted else 0
    messages.success(request, f"Published {count} draft plan{'s' if count != 1 else ''}.")
    return redirect(dashboard_url(week))


# ---------------------------------------------------------------------------- athlete week


@login_required
@require_GET
def athlete_current_week(request: HttpRequest, pk: int) -> HttpResponse:
    athlete = get_athlete_for(request.user, pk)
    return redirect(athlete_week_url(athlete, this_week(athlete.tz)))


@login_required
@require_GET
def athlete_week(request: HttpRequest, pk: int, week: Week) -> HttpResponse:
    athlete = get_athlete_for(request.user, pk)
    # After a move without JavaScript, the page offers to undo it (see workouts.moves).
    undo = Undo.read(request.GET.get("undo", ""))
    context = board.week_page(
        athlete, week, now=services.clock(), undo=undo, unit=viewer_units(request.user)
    )
    return render(request, "plans/athlete_week.html", context)


def _week_done(
    request: HttpRequest, athlete: Athlete, week: Week, level: int, text: str
) -> HttpResponse:
    """After a change: htmx gets the week body judged again, with the message focused and
    announced (the flags left said too); a plain POST a redirect to the page."""
    messages.add_message(request, level, text)
    if request.htmx:  # type: ignore[attr-defined]  # set by django_htmx's HtmxMiddleware
        context = board.week_board(
            athlete, week.monday, now=services.clock(), unit=viewer_units(request.user)
        )
        context["announce"] = f"{text.rstrip('.')}; {board.flags_left(context['flag_count'])}."
        context["focus_message"] = True
        return render(request, "plans/_week_body.html", context)
    return redirect(athlete_week_url(athlete, week))


@login_required
@require_POST
def apply_fix(request: HttpRequest, pk: int, week: Week) -> HttpResponse:
    athlete = get_athlete_for(request.user, pk)
    try:
        label = services.apply_fix(
            athlete=athlete, week=week.monday, code=request.POST.get("code", "")
        )
    except ServiceError as error:
        return _week_done(request, athlete, week, messages.ERROR, str(error))
    return _week_done(request, athlete, week, messages.SUCCESS, f"Done: {label}.")


@login_required
@require_POST
def schedule_deadlift(request: HttpRequest, pk: int, week: Week) -> HttpResponse:
    athlete = get_athlete_for(request.user, pk)
    try:
        result = services.schedule_deadlift(athlete=athlete, week=week.monday)
    except ServiceError as error:
        return _week_done(request, athlete, week, messages.ERROR, str(error))
    level = messages.WARNING if result.outcome == "no_slot" else messages.SUCCESS
    text = f"Deadlift {result.outcome.replace('_', ' ')}: {result.reason}"
    return _week_done(request, athlete, week, level, text)


@login_required
@require_POST
def copy_runs(request: HttpRequest, pk: int, week: Week) -> HttpResponse:
    athlete = get_athlete_for(request.user, pk)
    copied = copy_runs_from_previous_week(athlete=athlete, week=week.monday)
    text = f"Copied {copied} run{'s' if copied != 1 else ''} from last week."
    return _week_done(request, athlete, week, messages.SUCCESS, text)


@login_required
@require_POST
def publish(request: HttpRequest, pk: int, week: Week) -> HttpResponse:
    athlete = get_athlete_for(request.user, pk)
    services.publish_week(athletes=[athlete], week=week.monday)
    return _week_done(request, athlete, week, messages.SUCCESS, f"Published {week} for {athlete}.")


@login_required
@require_POST
def save_note(request: HttpRequest, pk: int, week: Week) -> HttpResponse:
    athlete = get_athlete_for(request.user, pk)
    form = CoachNoteForm(request.POST)
    saved = form.is_valid()
    if saved:
        plan, _ = WeeklyPlan.objects.get_or_create(athlete=athlete, week_start=week.monday)
        plan.coach_note = form.cleaned_data["coach_note"]
        plan.save(update_fields=["coach_note"])
    if request.htmx:  # type: ignore[attr-defined]  # set by django_htmx's HtmxMiddleware
        return render(
            request,
            "plans/_note.html",
            {
                "athlete": athlete,
                "week_name": week.name,
                "note_form": form,
                "saved": saved,
            },
        )
    if saved:
        messages.success(request, "Note saved.")
    else:
        messages.error(
            request,
            "The note was not saved: " + " ".join(map(str, form.errors.get("coach_note", []))),
        )
    return redirect(athlete_week_url(athlete, week))


# ---------------------------------------------------------------------------- progress


@login_required
@require_GET
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    athlete = get_athlete_for(request.user, pk)
    data = athlete_progress(
        athlete=athlete,
        last_week=this_week(athlete.tz).monday,
        unit=viewer_units(request.user),
    )
    return render(
        request, "plans/progress.html", {"nav": "dashboard", "athlete": athlete, "progress": data}
    )
