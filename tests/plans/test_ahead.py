"""The multi-week view (plans/ahead.py): the roster × 4 weeks and an athlete's 12-week season,
cell by cell, its navigation, access and query counts."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from plans import services
from tests.factories import (
    AthleteFactory,
    CoachFactory,
    LiftSessionFactory,
    LiftSetFactory,
    RunSessionFactory,
)
from workouts.models import RunKind

pytestmark = pytest.mark.django_db

WEEK = date(2026, 11, 30)  # 2026-W49; 2026 has 53 ISO weeks
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture(autouse=True)
def monday_of_the_week():
    """Monday 08:00 UTC of 2026-W49: this week for the UTC coach and the Berlin athletes."""
    with time_machine.travel(datetime.combine(WEEK, time(8), UTC), tick=True):
        yield


def local(week: int, day: int, hour: int, minute: int = 0) -> datetime:
    """`day` (0 = Monday) of the `week`-th week from 2026-W49, at a Berlin clock time."""
    moment = WEEK + timedelta(weeks=week, days=day)
    return datetime.combine(moment, time(hour, minute), tzinfo=BERLIN)


def deadlift(athlete, start: datetime) -> None:
    lift = LiftSessionFactory(athlete=athlete, start=start)
    for order in (1, 2, 3):
        LiftSetFactory(session=lift, order=order)


def plan_ahead(athlete) -> None:
    """W49: intervals Tue and Thu, the deadlift Tue 18:00, published: clean. W50: the interval
    Tuesday 19:30 and the deadlift 14:00, 4 h 30 before it: an error, a draft. W51 onward:
    nothing, no plan (the deadlift is missing: a warning)."""
    RunSessionFactory(athlete=athlete, kind=RunKind.INTERVAL, start=local(0, 1, 7))
    RunSessionFactory(athlete=athlete, kind=RunKind.INTERVAL, start=local(0, 3, 7))
    RunSessionFactory(athlete=athlete, kind=RunKind.EASY, start=local(0, 5, 9))
    deadlift(athlete, local(0, 1, 18))
    services.publish_week(athletes=[athlete], week=WEEK)
    RunSessionFactory(athlete=athlete, kind=RunKind.INTERVAL, start=local(1, 1, 19, 30))
    deadlift(athlete, local(1, 1, 14))


@pytest.fixture
def coach_client(client, coach):
    client.force_login(coach.user)
    return client


def roster_url(**query) -> str:
    return reverse("plans:ahead_roster") + (f"?week={query['week']}" if query else "")


def season_url(athlete, **query) -> str:
    url = reverse("plans:ahead_athlete", args=[athlete.pk])
    return url + (f"?week={query['week']}" if query else "")


def shown(cell) -> dict:
    row = cell["row"]
    return {
        "week": cell["week"],
        "hard_days": row["hard_days"],
        "deadlifts": row["deadlifts"],
        "plan": row["plan_status"],
        "badges": [(b["severity"], b["label"]) for b in row["badges"]],
    }


# ---------------------------------------------------------------------------- the roster


def test_the_roster_shows_four_weeks_per_athlete(coach_client, coach, athlete):
    plan_ahead(athlete)
    idle = AthleteFactory(coach=coach, user__first_name="Zoe", user__last_name="Zulu")
    response = coach_client.get(roster_url(week="2026-W49"))
    assert response.status_code == 200
    [(first, cells), (second, idle_cells)] = response.context["athletes"]
    assert (first.athlete_id, second.athlete_id) == (athlete.pk, idle.pk)
    assert [shown(cell) for cell in cells] == [
        {
            "week": "2026-W49",
            "hard_days": ["Tue", "Thu"],
            "deadlifts": ["Tue 18:00"],
            "plan": "Published",
            "badges": [],
        },
        {
            "week": "2026-W50",
            "hard_days": ["Tue"],
            "deadlifts": ["Tue 14:00"],
            "plan": "Draft",
            "badges": [("error", "1 error")],
        },
        {
            "week": "2026-W51",
            "hard_days": [],
            "deadlifts": [],
            "plan": "No plan",
            "badges": [("warning", "1 warning")],
        },
        {
            "week": "2026-W52",
            "hard_days": [],
            "deadlifts": [],
            "plan": "No plan",
            "badges": [("warning", "1 warning")],
        },
    ]
    assert [cell["url"] for cell in cells][:2] == [
        reverse("plans:athlete_week", args=[athlete.pk, "2026-W49"]),
        reverse("plans:athlete_week", args=[athlete.pk, "2026-W50"]),
    ]
    assert [cell["row"]["state"] for cell in idle_cells] == ["warnings"] * 4


def test_the_roster_table_is_marked_up_for_reading(coach_client, athlete):
    plan_ahead(athlete)
    html = coach_client.get(roster_url(week="2026-W49")).content.decode()
    assert "<caption>" in html
    assert '<th scope="col" class="ahead-this-week" aria-current="date">2026-W49' in html
    for week in ("2026-W50", "2026-W51", "2026-W52"):
        assert f'<th scope="col">{week}' in html
    assert '<th scope="row" class="ahead-athlete">' in html
    assert 'href="{}"'.format(reverse("plans:athlete_week", args=[athlete.pk, "2026-W50"])) in html
    # What each cell says, in words, and the dashboard's badges with the rule's name.
    assert "Tue, Thu" in html
    assert "Tue 18:00" in html
    assert 'title="Too close to the interval run"' in html
    assert "Deadlift</span> none" in html
    assert 'rel="stylesheet" href="/static/css/ahead.css"' in html


def test_the_roster_starts_at_this_week_in_the_coachs_zone(client):
    # Monday 08:00 UTC is still Sunday night in Honolulu: the week before.
    coach = CoachFactory(time_zone="Pacific/Honolulu")
    client.force_login(coach.user)
    assert client.get(roster_url()).context["first_week"] == "2026-W48"
    coach.time_zone = "UTC"
    coach.save()
    response = client.get(roster_url())
    assert response.context["first_week"] == "2026-W49"
    assert response.context["holds_this_week"]


def test_the_roster_moves_by_four_weeks(coach_client):
    response = coach_client.get(roster_url(week="2026-W49"))
    # 2026 has a week 53.
    assert response.context["next_url"] == roster_url(week="2026-W53")
    assert response.context["prev_url"] == roster_url(week="2026-W45")
    later = coach_client.get(roster_url(week="2026-W53"))
    assert [str(week) for week in later.context["weeks"]] == [
        "2026-W53",
        "2027-W01",
        "2027-W02",
        "2027-W03",
    ]
    assert later.context["prev_url"] == roster_url(week="2026-W49")
    assert not later.context["holds_this_week"]
    assert 'href="{}"'.format(roster_url(week="2026-W49")) in later.content.decode()


def test_the_roster_stops_at_the_planned_years(coach_client):
    last = coach_client.get(roster_url(week="2099-W52"))
    # The window keeps its four weeks, all of them weeks that exist (2099 has a week 53).
    assert last.context["first_week"] == "2099-W50"
    assert last.context["next_url"] is None
    first = coach_client.get(roster_url(week="2000-W01"))
    assert first.context["prev_url"] is None
    assert first.context["next_url"] == roster_url(week="2000-W05")


@pytest.mark.parametrize(
    ("week", "message"),
    [("2026-W99", "2026 has no ISO week 99"), ("next", "is not an ISO week")],
)
def test_a_bad_week_says_why(coach_client, week, message):
    response = coach_client.get(roster_url(week=week))
    assert response.status_code == 400
    assert message in response.content.decode()
    # This week's window, as the dashboard answers.
    assert response.context["first_week"] == "2026-W49"


def test_the_dashboard_and_the_week_page_link_here(coach_client, athlete):
    dashboard = coach_client.get(reverse("plans:dashboard"), {"week": "2026-W49"})
    assert roster_url(week="2026-W49") in dashboard.content.decode()
    week_page = coach_client.get(reverse("plans:athlete_week", args=[athlete.pk, "2026-W50"]))
    assert season_url(athlete, week="2026-W50") in week_page.content.decode()


def test_inactive_athletes_are_not_on_the_roster(coach_client, coach, athlete):
    gone = AthleteFactory(coach=coach, is_active=False)
    ids = [v.athlete_id for v, _ in coach_client.get(roster_url()).context["athletes"]]
    assert ids == [athlete.pk]
    assert coach_client.get(season_url(gone)).status_code == 404


# ---------------------------------------------------------------------------- the season


def test_the_season_shows_twelve_weeks(coach_client, athlete):
    plan_ahead(athlete)
    response = coach_client.get(season_url(athlete, week="2026-W49"))
    assert response.status_code == 200
    cells = response.context["cells"]
    assert [cell["week"] for cell in cells] == [
        *(f"2026-W{n}" for n in range(49, 54)),
        *(f"2027-W0{n}" for n in range(1, 8)),
    ]
    assert [shown(cell) for cell in cells[:3]] == [
        {
            "week": "2026-W49",
            "hard_days": ["Tue", "Thu"],
            "deadlifts": ["Tue 18:00"],
            "plan": "Published",
            "badges": [],
        },
        {
            "week": "2026-W50",
            "hard_days": ["Tue"],
            "deadlifts": ["Tue 14:00"],
            "plan": "Draft",
            "badges": [("error", "1 error")],
        },
        {
            "week": "2026-W51",
            "hard_days": [],
            "deadlifts": [],
            "plan": "No plan",
            "badges": [("warning", "1 warning")],
        },
    ]
    html = response.content.decode()
    assert (
        '<th scope="row" aria-current="date"><a class="ahead-week-link" href="{}">'.format(
            reverse("plans:athlete_week", args=[athlete.pk, "2026-W49"])
        )
        in html
    )
    assert html.count('<tr class="ahead-cell') == 12


def test_the_season_moves_by_twelve_weeks(coach_client, athlete):
    response = coach_client.get(season_url(athlete, week="2026-W49"))
    assert response.context["next_url"] == season_url(athlete, week="2027-W08")
    assert response.context["prev_url"] == season_url(athlete, week="2026-W37")
    back = coach_client.get(season_url(athlete, week="2026-W37"))
    assert back.context["next_url"] == season_url(athlete, week="2026-W49")
    assert [cell["week"] for cell in back.context["cells"]][-1] == "2026-W48"


def test_the_season_starts_at_this_week_in_the_athletes_zone(coach_client, coach):
    # Monday 08:00 UTC is Sunday in Honolulu, Monday in Berlin.
    honolulu = AthleteFactory(coach=coach, time_zone="Pacific/Honolulu")
    assert coach_client.get(season_url(honolulu)).context["first_week"] == "2026-W48"
    berlin = AthleteFactory(coach=coach)
    assert coach_client.get(season_url(berlin)).context["first_week"] == "2026-W49"


def test_the_season_with_a_bad_week_says_why(coach_client, athlete):
    response = coach_client.get(season_url(athlete, week="2026-W00"))
    assert response.status_code == 400
    assert "2026 has no ISO week 00" in response.content.decode()


# ---------------------------------------------------------------------------- access


def test_another_coachs_athlete_is_404(athlete):
    client = Client()
    client.force_login(CoachFactory().user)
    assert client.get(season_url(athlete)).status_code == 404
    # Their own roster holds nobody else's athletes.
    assert client.get(roster_url()).context["athletes"] == []


def test_athletes_may_not_see_either_view(client, athlete):
    client.force_login(athlete.user)
    assert client.get(roster_url()).status_code == 403
    assert client.get(season_url(athlete)).status_code == 403


def test_anonymous_goes_to_login(client, athlete):
    for url in (roster_url(), season_url(athlete)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_post_is_refused(coach_client, athlete):
    assert coach_client.post(roster_url()).status_code == 405
    assert coach_client.post(season_url(athlete)).status_code == 405


# ---------------------------------------------------------------------------- queries


def roster_of(size: int):
    coach = CoachFactory()
    athletes = [AthleteFactory(coach=coach) for _ in range(size)]
    for athlete in athletes:
        plan_ahead(athlete)
    client = Client()
    client.force_login(coach.user)
    return client, athletes


@pytest.mark.parametrize("size", [1, 5])
def test_the_roster_queries_do_not_grow_with_the_roster(size, django_assert_num_queries):
    client, _ = roster_of(size)
    # The session and the user with their coach; per week, the dashboard's verdicts: the
    # roster with stored verdicts and plans, then (first visit) judging (the athletes, plans,
    # runs, lifts, sets) and storing them in a savepoint (three): nine per week.
    with django_assert_num_queries(2 + 4 * 9):
        response = client.get(roster_url(week="2026-W49"))
    assert len(response.context["athletes"]) == size
    # The stored verdicts hold: one query per week.
    with django_assert_num_queries(2 + 4):
        client.get(roster_url(week="2026-W49"))


@pytest.mark.parametrize("size", [1, 5])
def test_the_season_queries_do_not_grow_with_the_roster(size, django_assert_num_queries):
    client, athletes = roster_of(size)
    # The session, the user with their coach, the athlete; per week one query with the stored
    # verdicts (after a first visit that judged and stored them).
    with django_assert_num_queries(3 + 12 * 9):
        client.get(season_url(athletes[0], week="2026-W49"))
    with django_assert_num_queries(3 + 12):
        response = client.get(season_url(athletes[0], week="2026-W49"))
    assert len(response.context["cells"]) == 12


def test_a_change_judges_again_what_it_changed(coach_client, athlete):
    """The cells never show a stale verdict: a change to the athlete shows at once."""
    plan_ahead(athlete)
    coach_client.get(roster_url(week="2026-W49"))
    deadlift(athlete, local(2, 2, 18))
    [(_, cells)] = coach_client.get(roster_url(week="2026-W49")).context["athletes"]
    assert cells[2]["row"]["deadlifts"] == ["Wed 18:00"]
