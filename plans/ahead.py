"""The multi-week view, to plan ahead and spot trouble: the roster × the next 4 weeks, and one
athlete × a 12-week season. Each cell is one athlete-week as the dashboard shows it (hard days,
the deadlift, plan status, the violation badges), read from the dashboard's stored verdicts
(plans.verdicts), so a visit costs one query per week whatever the roster's size. Thin: access
(athletes.access), the verdicts, render."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypedDict
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from athletes.access import coach_for, get_athlete_for
from plans import presentation, services, verdicts
from plans.domain.weeks import FIRST_MONDAY, LAST_MONDAY, Week
from plans.forms import WeekForm
from plans.presentation import DashboardRow

ROSTER_WEEKS = 4
SEASON_WEEKS = 12


class Cell(TypedDict):
    """One athlete-week: the dashboard's row for it, and where its week page is."""

    week: str  # "2026-W49"
    monday: date
    url: str
    is_this_week: bool
    row: DashboardRow


@dataclass(frozen=True)
class Window:
    """The weeks shown: `size` weeks from `first`, kept inside the weeks Ironstride plans for
    (so every cell's link names a week that exists)."""

    first: Week
    size: int
    this_week: Week

    @classmethod
    def at(cls, monday: date, size: int, this_week: Week) -> "Window":
        last_first = LAST_MONDAY - timedelta(weeks=size - 1)
        return cls(Week(max(FIRST_MONDAY, min(monday, last_first))), size, this_week)

    @property
    def weeks(self) -> list[Week]:
        return [Week(self.first.monday + timedelta(weeks=n)) for n in range(self.size)]

    def shifted(self, by: int) -> "Window | None":
        """The window `by` windows away, or None at either end of the planned years."""
        moved = Window.at(
            self.first.monday + timedelta(weeks=by * self.size), self.size, self.this_week
        )
        return None if moved.first == self.first else moved

    @property
    def holds_this_week(self) -> bool:
        return self.first <= self.this_week <= self.weeks[-1]


def _window(request: HttpRequest, size: int, this_week: Week) -> tuple[Window, bool]:
    """The window `?week=` starts (default: this week) and whether `?week=` was bad: then this
    week's window with the form's message, answered as the bad request it was (as the
    dashboard does)."""
    jump = WeekForm(request.GET or None)
    if "week" not in request.GET:
        return Window.at(this_week.monday, size, this_week), False
    if not jump.is_valid():
        messages.error(request, " ".join(map(str, jump.errors.get("week", []))))
        return Window.at(this_week.monday, size, this_week), True
    return Window.at(jump.cleaned_data["week"].monday, size, this_week), False


def _url(name: str, window: Window | None, *args: int) -> str | None:
    if window is None:
        return None
    return f"{reverse(name, args=args)}?{urlencode({'week': window.first.name})}"


def _nav(name: str, window: Window, *args: int) -> dict:
    return {
        "weeks": window.weeks,
        "first_week": window.first.name,
        "last_week": window.weeks[-1],
        "this_week": window.this_week,
        "holds_this_week": window.holds_this_week,
        "prev_url": _url(name, window.shifted(-1), *args),
        "next_url": _url(name, window.shifted(1), *args),
        "this_week_url": _url(
            name, Window.at(window.this_week.monday, window.size, window.this_week), *args
        ),
    }


def _cells(
    judged: dict[date, list[verdicts.AthleteVerdict]], window: Window
) -> dict[int, list[Cell]]:
    """Each athlete's cells, by athlete id, in week order."""
    now = services.clock()
    cells: dict[int, list[Cell]] = {}
    for week in window.weeks:
        for verdict in judged[week.monday]:
            cells.setdefault(verdict.athlete_id, []).append(
                Cell(
                    week=week.name,
                    monday=week.monday,
                    url=reverse("plans:athlete_week", args=[verdict.athlete_id, week]),
                    is_this_week=week == window.this_week,
                    row=presentation.dashboard_row(verdict, now=now),
                )
            )
    return cells


@login_required
@require_GET
def ahead_roster(request: HttpRequest) -> HttpResponse:
    coach = coach_for(request.user)
    window, bad_week = _window(request, ROSTER_WEEKS, Week.of(services.clock(), coach.tz))
    judged = verdicts.roster_verdicts_over(
        coach=coach, weeks=[week.monday for week in window.weeks]
    )
    cells = _cells(judged, window)
    # The roster as of the first week, in the dashboard's (name) order; an athlete who joined
    # between the reads of two weeks waits for the next visit.
    athletes = [
        (verdict, cells[verdict.athlete_id])
        for verdict in judged[window.first.monday]
        if len(cells[verdict.athlete_id]) == window.size
    ]
    return render(
        request,
        "plans/ahead_roster.html",
        {"nav": "dashboard", "athletes": athletes, **_nav("plans:ahead_roster", window)},
        status=400 if bad_week else 200,
    )


@login_required
@require_GET
def ahead_athlete(request: HttpRequest, pk: int) -> HttpResponse:
    athlete = get_athlete_for(request.user, pk)
    coach = coach_for(request.user)
    # The athlete's own "this week", as their week page opens it.
    window, bad_week = _window(request, SEASON_WEEKS, Week.of(services.clock(), athlete.tz))
    judged = verdicts.roster_verdicts_over(
        coach=coach, weeks=[week.monday for week in window.weeks], athlete_id=athlete.pk
    )
    return render(
        request,
        "plans/ahead_athlete.html",
        {
            "nav": "dashboard",
            "athlete": athlete,
            "cells": _cells(judged, window).get(athlete.pk, []),
            **_nav("plans:ahead_athlete", window, athlete.pk),
        },
        status=400 if bad_week else 200,
    )
