"""Adding, editing and deleting an athlete's runs and lifts from the coach's week page. Each view
goes through athletes.access first; forms are read in the athlete's time zone."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from athletes.access import get_athlete_for, viewer_units
from athletes.models import Athlete
from plans import board
from plans.domain.errors import ServiceError
from plans.domain.format import local_time_label
from plans.domain.weeks import Week
from plans.services import clock
from web.uploads import upload_limit_message, upload_too_large, uploaded_run_files
from workouts.forms import LiftSessionForm, LiftSetFormSet, MoveForm, RunSessionForm
from workouts.models import Exercise, LiftSession, RunSession
from workouts.moves import Moved, Undo, move_session, session_key
from workouts.run_imports import FileResult, import_run_files


def athlete_week_url(athlete: Athlete, week: Week) -> str:
    # The coach's week page these forms come from (a plans page): by its URL name, since pages
    # borrow no other app's views.
    return reverse("plans:athlete_week", args=[athlete.pk, week])


def _week_of(athlete: Athlete, session: RunSession | LiftSession) -> Week:
    return Week.of(session.start, athlete.tz)


def _render(
    request: HttpRequest, template: str, athlete: Athlete, week: Week, **context: Any
) -> HttpResponse:
    return render(
        request,
        template,
        {
            "nav": "dashboard",
            "athlete": athlete,
            "week_name": week.name,
            "back_url": athlete_week_url(athlete, week),
            **context,
        },
        status=400 if request.method == "POST" else 200,
    )


# ---------------------------------------------------------------------------- runs


@login_required
@require_http_methods(["GET", "POST"])
def run_add(request: HttpRequest, pk: int, week: Week) -> HttpResponse:
    athlete = get_athlete_for(request.user, pk)
    return _run_form(request, athlete, week, RunSession(athlete=athlete))


@login_required
@require_http_methods(["GET", "POST"])
def run_edit(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    athlete = get_athlete_for(request.user, pk)
    run = get_object_or_404(RunSession, pk=session_pk, athlete=athlete)
    return _run_form(request, athlete, _week_of(athlete, run), run)


def _run_form(request: HttpRequest, athlete: Athlete, week: Week, run: RunSession) -> HttpResponse:
    with timezone.override(athlete.tz):
        bounds = week.bounds(athlete.tz)
        data = request.POST if request.method == "POST" else None
        form = RunSessionForm(data, instance=run, week_bounds=bounds)
        if data is not None and form.is_valid():
            adding = run.pk is None
            form.save()
            messages.success(request, f"{'Added' if adding else 'Saved'} the {form.instance}.")
            return redirect(athlete_week_url(athlete, week))
        return _render(request, "workouts/run_form.html", athlete, week, form=form, session=run)


@login_required
@require_POST
def run_delete(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    athlete = get_athlete_for(request.user, pk)
    run = get_object_or_404(RunSession, pk=session_pk, athlete=athlete)
    week = _week_of(athlete, run)
    run.delete()
    messages.success(request, "Run deleted.")
    return redirect(athlete_week_url(athlete, week))


# ---------------------------------------------------------------------------- lifts


@login_required
@require_http_methods(["GET", "POST"])
def deadlift_add(request: HttpRequest, pk: int, week: Week) -> HttpResponse:
    athlete = get_athlete_for(request.user, pk)
    return _lift_form(request, athlete, week, LiftSession(athlete=athlete))


@login_required
@require_http_methods(["GET", "POST"])
def deadlift_edit(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    athlete = get_athlete_for(request.user, pk)
    lift = get_object_or_404(LiftSession, pk=session_pk, athlete=athlete)
    return _lift_form(request, athlete, _week_of(athlete, lift), lift)


def _lift_form(
    request: HttpRequest, athlete: Athlete, week: Week, lift: LiftSession
) -> HttpResponse:
    with timezone.override(athlete.tz):
        bounds = week.bounds(athlete.tz)
        data = request.POST if request.method == "POST" else None
        form = LiftSessionForm(
            data, instance=lift, week_bounds=bounds, initial={"exercise": Exercise.DEADLIFT}
        )
        sets = LiftSetFormSet(
            data, instance=lift, prefix="sets", form_kwargs={"unit": viewer_units(request.user)}
        )
        if data is not None and form.is_valid() and sets.is_valid():
            adding = lift.pk is None
            with transaction.atomic():
                form.save()
                changed = sets.save(commit=False)
                for deleted in sets.deleted_objects:
                    deleted.delete()
                kept = [s.order for s in lift.sets.all() if s.order is not None]
                next_order = max(kept, default=0) + 1
                for lift_set in changed:
                    if lift_set.order is None:
                        lift_set.order = next_order
                        next_order += 1
                    lift_set.save()
            messages.success(request, f"{'Added' if adding else 'Saved'} the {form.instance}.")
            return redirect(athlete_week_url(athlete, week))
        return _render(
            request,
            "workouts/lift_form.html",
            athlete,
            week,
            form=form,
            sets=sets,
            session=lift,
        )


@login_required
@require_POST
def deadlift_delete(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    athlete = get_athlete_for(request.user, pk)
    lift = get_object_or_404(LiftSession, pk=session_pk, athlete=athlete)
    week = _week_of(athlete, lift)
    lift.delete()
    messages.success(request, "Lift session deleted.")
    return redirect(athlete_week_url(athlete, week))


# ---------------------------------------------------------------------------- moving


@login_required
@require_POST
def run_move(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    athlete = get_athlete_for(request.user, pk)
    return _move(request, athlete, get_object_or_404(RunSession, pk=session_pk, athlete=athlete))


@login_required
@require_POST
def lift_move(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    athlete = get_athlete_for(request.user, pk)
    return _move(request, athlete, get_object_or_404(LiftSession, pk=session_pk, athlete=athlete))


def _move(
    request: HttpRequest, athlete: Athlete, session: RunSession | LiftSession
) -> HttpResponse:
    """Move a session on the week board (the "Move to…" form, or a drop filling it in), or
    undo the last move (`undo`, the token the answer to it carried). htmx gets the week body
    judged again, the moved card focused and the result announced; a plain POST the page."""
    week = _week_of(athlete, session)
    now = clock()
    undo = None
    try:
        if "undo" in request.POST:
            undo = Undo.read(request.POST["undo"])
            if undo is None or undo.key != session_key(session):
                raise ServiceError("This undo has expired or is not for this session.")
            moved = move_session(
                athlete=athlete,
                session=session,
                start=undo.start,
                now=now,
                expected_start=undo.moved_to,
            )
        else:
            form = MoveForm(request.POST, week=week, time_zone=athlete.tz)
            if not form.is_valid():
                raise ServiceError(
                    " ".join(str(e) for errors in form.errors.values() for e in errors)
                )
            moved = move_session(
                athlete=athlete, session=session, start=form.cleaned_data["start"], now=now
            )
    except ServiceError as error:
        return _move_refused(request, athlete, week, session, str(error))
    return _moved(request, athlete, week, moved, back=undo is not None)


def _moved(
    request: HttpRequest, athlete: Athlete, week: Week, moved: Moved, *, back: bool
) -> HttpResponse:
    session = moved.session
    name = (
        session.get_exercise_display().lower()
        if isinstance(session, LiftSession)
        else f"{session.get_kind_display().lower()} run"
    )
    where = local_time_label(session.start, athlete.tz)
    offer = Undo.of(moved) if moved.changed and not back else None
    if not moved.changed:
        text = f"The {name} is at {where} already: nothing moved."
    else:
        text = f"Moved the {name}{' back' if back else ''} to {where}"
    if not request.htmx:  # type: ignore[attr-defined]  # set by django_htmx's HtmxMiddleware
        messages.success(request, text if not moved.changed else f"{text}.")
        url = athlete_week_url(athlete, week)
        return redirect(f"{url}?undo={offer.token}" if offer else url)
    context = board.week_board(
        athlete, week.monday, now=clock(), undo=offer, unit=viewer_units(request.user)
    )
    if moved.changed:
        text = f"{text}; {board.flags_left(context['flag_count'])}."
    messages.success(request, text)
    context.update(announce=text, focus_key=session_key(session))
    return render(request, "plans/_week_body.html", context)


def _move_refused(
    request: HttpRequest, athlete: Athlete, week: Week, session: RunSession | LiftSession, why: str
) -> HttpResponse:
    """Nothing moved: say why. htmx keeps its week body (answered 200, as htmx swaps only
    those) with the reason focused; a plain POST gets the page again, a bad request."""
    text = f"Not moved: {why}"
    messages.error(request, text)
    if request.htmx:  # type: ignore[attr-defined]
        context = board.week_board(
            athlete, week.monday, now=clock(), unit=viewer_units(request.user)
        )
        context.update(announce=text, focus_message=True)
        return render(request, "plans/_week_body.html", context)
    context = board.week_page(athlete, week, now=clock(), unit=viewer_units(request.user))
    return render(request, "plans/athlete_week.html", context, status=400)


# ---------------------------------------------------------------------------- run files


@login_required
@require_http_methods(["GET", "POST"])
def run_files(request: HttpRequest, pk: int, week: Week) -> HttpResponse:
    """The athlete's watch files, uploaded by the coach (a run the athlete did not log)."""
    athlete = get_athlete_for(request.user, pk)
    results: list[FileResult] = []
    error = ""
    if request.method == "POST":
        if upload_too_large(request):
            error = upload_limit_message()
        else:
            try:
                files = uploaded_run_files(request)
            except SuspiciousOperation:
                files = []
                error = f"Send at most {settings.DATA_UPLOAD_MAX_NUMBER_FILES} files at once."
            if files:
                results = import_run_files(
                    athlete=athlete,
                    files=files,
                    now=clock(),
                    max_bytes=settings.RUN_FILE_MAX_BYTES,
                )
            elif not error:
                error = "Choose at least one run file."
    response = _render(
        request, "workouts/run_files.html", athlete, week, results=results, error=error
    )
    response.status_code = (413 if upload_too_large(request) else 400) if error else 200
    return response
