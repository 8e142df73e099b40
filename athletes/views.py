"""The coach's roster: list, add (with the athlete's login), edit, deactivate."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from athletes.access import athlete_of, athletes_for, coach_for, get_athlete_for, role_of
from athletes.forms import (
    AthleteCreateForm,
    AthleteEditForm,
    AthleteSettingsForm,
    CoachSettingsForm,
)
from athletes.transactions import atomic_with_retry
from plans.services import change_time_zone


@login_required
@require_GET
def roster(request: HttpRequest) -> HttpResponse:
    athletes = athletes_for(request.user, include_inactive=True).order_by(
        "-is_active", "user__last_name", "user__first_name", "user__username"
    )
    return render(request, "athletes/roster.html", {"nav": "roster", "athletes": athletes})


@login_required
@require_http_methods(["GET", "POST"])
def add(request: HttpRequest) -> HttpResponse:
    coach = coach_for(request.user)
    form = AthleteCreateForm(request.POST or None, unit=coach.default_athlete_units)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = get_user_model()(username=form.cleaned_data["username"])
            user.set_password(form.cleaned_data["password"])
            form.save_user(user)
            user.save()
            athlete = form.save(commit=False)
            athlete.user = user
            athlete.coach = coach
            athlete.save()
        messages.success(request, f"Added {athlete}; they can log in as {user.username}.")
        return redirect("athletes:roster")
    return render(
        request,
        "athletes/athlete_form.html",
        {"nav": "roster", "form": form, "adding": True},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    athlete = get_athlete_for(request.user, pk, include_inactive=True)
    form = AthleteEditForm(request.POST or None, instance=athlete)
    if request.method == "POST" and form.is_valid():
        _save_edit(form)
        messages.success(request, f"Saved {athlete}.")
        return redirect("athletes:roster")
    return render(
        request,
        "athletes/athlete_form.html",
        {"nav": "roster", "form": form, "athlete": athlete, "adding": False},
        status=400 if request.method == "POST" else 200,
    )


@atomic_with_retry
def _save_edit(form: AthleteEditForm) -> None:
    athlete = form.instance
    # Before the form writes the new zone: the service moves the sessions from the stored one.
    change_time_zone(athlete=athlete, time_zone=form.cleaned_data["time_zone"])
    form.save()
    form.save_user(athlete.user)
    athlete.user.save(update_fields=["first_name", "last_name", "password"])


@login_required
@require_POST
def deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    athlete = get_athlete_for(request.user, pk)
    athlete.deactivate()
    messages.success(request, f"Deactivated {athlete}: they can no longer log in.")
    return redirect("athletes:roster")


@login_required
@require_POST
def activate(request: HttpRequest, pk: int) -> HttpResponse:
    athlete = get_athlete_for(request.user, pk, include_inactive=True)
    athlete.activate()
    messages.success(request, f"Reactivated {athlete}.")
    return redirect("athletes:roster")


# ---------------------------------------------------------------------------- settings


@login_required
@require_http_methods(["GET", "POST"])
def settings(request: HttpRequest) -> HttpResponse:
    """The user's own settings: kg or lb (a coach: for their pages, and for new athletes)."""
    role = role_of(request.user)
    data = request.POST if request.method == "POST" else None
    form: CoachSettingsForm | AthleteSettingsForm
    if role == "coach":
        form = CoachSettingsForm(data, instance=coach_for(request.user))
    elif role == "athlete":
        athlete = athlete_of(request.user)
        form = AthleteSettingsForm(data, initial={"units": athlete.units})
    else:
        raise PermissionDenied("Only coaches and athletes have settings here.")
    if data is not None and form.is_valid():
        if isinstance(form, CoachSettingsForm):
            form.save()
        else:
            athlete.change_units(form.cleaned_data["units"])
            athlete.save(update_fields=["units", "load_increment_kg"])
        messages.success(request, "Settings saved.")
        return redirect("settings")
    return render(
        request,
        "athletes/settings.html",
        {
            "nav": "settings",
            "form": form,
            "base_template": "base.html" if role == "coach" else "phone/base.html",
        },
        status=400 if data is not None else 200,
    )
