"""Compliance where the coach sees it: the week board's cards, the weeks-ahead cells, the
dashboard's sortable 7- and 28-day percentages (queries held), and the API."""

import re
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from tests.api.conftest import client_for, publish
from tests.factories import (
    AthleteFactory,
    CoachFactory,
    LiftSessionFactory,
    LiftSetFactory,
    RunSessionFactory,
)
from workouts.models import RunKind

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = date(2026, 11, 30)  # 2026-W49
WEEK_NAME = "2026-W49"
# Wednesday 2 December, 12:00 in Berlin: the clock stands still here.
NOW = datetime(2026, 12, 2, 11, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def wednesday_noon():
    with time_machine.travel(NOW, tick=False):
        yield


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN)


def run(athlete, day: date, hour: int, *, status="planned", minutes=60, actual=None):
    return RunSessionFactory(
        athlete=athlete,
        kind=RunKind.EASY,
        start=local(day, hour),
        duration_minutes=minutes,
        status=status,
        actual_start=local(day, hour) if actual else None,
        actual_duration_minutes=actual,
    )


def days_ago(n: int) -> date:
    return date(2026, 12, 2) - timedelta(days=n)


@pytest.fixture
def coach_client(client, coach):
    client.force_login(coach.user)
    return client


# ---------------------------------------------------------------------------- the board


def test_each_past_card_carries_its_colour_in_words(coach_client, athlete):
    monday, tuesday, wednesday = MONDAY, MONDAY + timedelta(days=1), MONDAY + timedelta(days=2)
    sessions = {
        "on plan": run(athlete, monday, 7, status="done", actual=50),  # 83 %
        "short": run(athlete, monday, 12, status="done", actual=40),  # 66.7 %: shown 66
        "far long": run(athlete, monday, 18, status="done", actual=100),  # 167 %
        "done, no duration": run(athlete, tuesday, 7, status="done"),
        "skipped": run(athlete, tuesday, 12, status="skipped"),
        "missed": run(athlete, tuesday, 18),
        "ends at noon: not yet missed": run(athlete, wednesday, 11),
        "to come": run(athlete, wednesday, 18),
    }
    lift = LiftSessionFactory(athlete=athlete, start=local(monday, 10))
    LiftSetFactory(session=lift, order=1, reps=3, load_kg=100, rir=1)

    html = coach_client.get(reverse("plans:athlete_week", args=[athlete.pk, WEEK_NAME])).content
    html = html.decode()

    def chip(key: str) -> str | None:
        card = html[html.index(f'id="card-{key}"') :]
        card = card[: card.index("</article>")]
        found = re.search(
            r'class="compliance compliance-(\w+)"[^>]*>(.*?)</span>\s*(.*?)</span>', card
        )
        return f"{found[1]}: {found[3]}" if found else None

    shown = {name: chip(f"run-{session.pk}") for name, session in sessions.items()}
    assert shown == {
        "on plan": "green: On plan · 83 %",
        "short": "yellow: Partial · short, 66 %",
        "far long": "red: Off plan · far too long, 167 %",
        "done, no duration": "green: On plan · 100 %",
        "skipped": "red: Off plan · skipped",
        "missed": "red: Off plan · missed",
        "ends at noon: not yet missed": None,
        "to come": None,
    }
    # A lift with a set logged happened, marked done or not.
    assert chip(f"lift-{lift.pk}") == "green: On plan · 100 %"


def test_a_run_ending_a_minute_ago_is_missed_and_red(coach_client, athlete):
    session = run(athlete, MONDAY + timedelta(days=2), 10, minutes=59)  # ended 11:59 Berlin
    html = coach_client.get(reverse("plans:athlete_week", args=[athlete.pk, WEEK_NAME])).content
    card = html.decode().split(f'id="card-run-{session.pk}"')[1].split("</article>")[0]
    assert 'data-compliance="red"' in card and 'data-why="missed"' in card


# ---------------------------------------------------------------------------- the dashboard


def roster(coach):
    """Ann: one on plan and one missed in the last 7 days; Ben: on plan this week, a short run
    20 days ago; Cat: nothing; Dan: a red run 7 days ago (the 8th day back) and 28 days ago."""
    ann = AthleteFactory(coach=coach, user__first_name="Ann", user__last_name="A")
    run(ann, days_ago(1), 7, status="done")
    run(ann, days_ago(6), 7)  # missed, the 7th day back: in
    ben = AthleteFactory(coach=coach, user__first_name="Ben", user__last_name="B")
    run(ben, days_ago(0), 7, status="done", actual=60)
    run(ben, days_ago(20), 7, status="done", actual=30)
    cat = AthleteFactory(coach=coach, user__first_name="Cat", user__last_name="C")
    run(cat, days_ago(0), 18)  # still to come: no colour
    dan = AthleteFactory(coach=coach, user__first_name="Dan", user__last_name="D")
    run(dan, days_ago(7), 7, status="skipped")  # out of the 7 days, in the 28
    run(dan, days_ago(28), 7, status="skipped")  # the 29th day back: out of both
    run(dan, days_ago(27), 7, status="done")  # the 28th day back: in
    return ann, ben, cat, dan


def test_the_dashboard_shows_and_sorts_the_7_and_28_day_compliance(coach_client, coach):
    ann, ben, cat, dan = roster(coach)
    url = reverse("plans:dashboard")

    def rows(**params):
        response = coach_client.get(url, {"week": WEEK_NAME, **params})
        assert response.status_code == 200
        return response

    response = rows()
    shown = {
        r["athlete_id"]: (r["compliance_7d"], r["compliance_28d"]) for r in response.context["rows"]
    }
    assert shown == {ann.pk: (50, 50), ben.pk: (100, 50), cat.pk: (None, None), dan.pk: (None, 50)}
    by_id = {r["athlete_id"]: r for r in response.context["rows"]}
    assert by_id[ann.pk]["compliance_7d_label"] == "1 of 2 on plan"
    assert by_id[cat.pk]["compliance_28d_label"] == "no past sessions"
    html = response.content.decode()
    assert "On plan, 7 days" in html and "1 of 2 on plan" in html

    def order(sort):
        return [r["athlete_id"] for r in rows(sort=sort).context["rows"]]

    # Lowest first, no sessions last, ties by name.
    assert order("compliance_7d") == [ann.pk, ben.pk, cat.pk, dan.pk]
    assert order("compliance_28d") == [ann.pk, ben.pk, dan.pk, cat.pk]
    assert order("name") == [ann.pk, ben.pk, cat.pk, dan.pk]
    assert order("nonsense") == [ann.pk, ben.pk, cat.pk, dan.pk]
    assert 'aria-sort="ascending"' in rows(sort="compliance_7d").content.decode()


@pytest.mark.parametrize("size", [5, 40])
def test_the_dashboards_compliance_costs_one_query_whatever_the_roster(
    size, client, django_assert_num_queries
):
    coach = CoachFactory()
    for _ in range(size):
        athlete = AthleteFactory(coach=coach)
        for n in range(0, 28, 3):
            run(athlete, days_ago(n), 7, status="done", actual=50)
        lift = LiftSessionFactory(athlete=athlete, start=local(days_ago(2), 18))
        LiftSetFactory(session=lift, order=1, reps=3, load_kg=100, rir=1)
    client.force_login(coach.user)
    url = reverse("plans:dashboard")
    # The first visit judges and stores the week's verdicts, and reads the runs and lifts of
    # the last 28 days (one UNION) for every athlete's compliance, which it caches.
    with django_assert_num_queries(12):
        client.get(url, {"week": WEEK_NAME})
    # Then: the session, the user with their coach, the roster with its stored verdicts; the
    # compliance from the cache.
    with django_assert_num_queries(3):
        rows = client.get(url, {"week": WEEK_NAME}).context["rows"]
    assert {(r["compliance_7d"], r["compliance_28d"]) for r in rows} == {(100, 100)}


def test_the_cached_compliance_follows_every_change_and_the_clock(client, coach, athlete):
    client.force_login(coach.user)
    url = reverse("plans:dashboard")

    def seven_days():
        (row,) = client.get(url, {"week": WEEK_NAME}).context["rows"]
        return row["compliance_7d"], row["compliance_7d_label"]

    done = run(athlete, days_ago(1), 7, status="done")
    later = run(athlete, days_ago(0), 12, minutes=30)  # ends 12:30 Berlin, half an hour on
    assert seven_days() == (100, "1 of 1 on plan")
    done.actual_duration_minutes = 20  # a change: the athlete's revision moves
    done.save()
    assert seven_days() == (0, "0 of 1 on plan")
    # The clock alone: at 12:30 the run is not yet missed, a minute later it is.
    with time_machine.travel(NOW + timedelta(minutes=30), tick=False):
        assert seven_days() == (0, "0 of 1 on plan")
    with time_machine.travel(NOW + timedelta(minutes=31), tick=False):
        assert seven_days() == (0, "0 of 2 on plan")
    # And a day on, the window moves: eight days back from next Wednesday's noon, the first
    # run has left the 7 days.
    with time_machine.travel(NOW + timedelta(days=6), tick=False):
        assert seven_days() == (0, "0 of 1 on plan")
    assert later.pk


# ---------------------------------------------------------------------------- weeks ahead


def test_the_weeks_ahead_cell_counts_the_weeks_colours(coach_client, athlete):
    run(athlete, MONDAY, 7, status="done")
    run(athlete, MONDAY, 12, status="done", actual=35)  # 58 %: partial
    run(athlete, MONDAY, 18, status="skipped")
    run(athlete, MONDAY + timedelta(days=1), 7)  # missed
    run(athlete, MONDAY + timedelta(days=4), 7)  # to come
    html = coach_client.get(reverse("plans:ahead_roster"), {"week": WEEK_NAME}).content.decode()
    cell = html.split(f'data-week="{WEEK_NAME}"')[1].split("</td>")[0]
    assert 'data-green="1" data-yellow="1" data-red="2"' in cell
    assert "1 on plan" in cell and "1 partial" in cell and "2 off plan" in cell
    # Next week has nothing past: no compliance line.
    nxt = html.split('data-week="2026-W50"')[1].split("</td>")[0]
    assert 'data-field="compliance"' not in nxt


def test_the_weeks_ahead_cell_turns_red_as_a_session_is_missed(client, coach, athlete):
    client.force_login(coach.user)
    run(athlete, MONDAY + timedelta(days=2), 13)  # ends 14:00 Berlin
    url = reverse("plans:ahead_athlete", args=[athlete.pk])
    assert 'data-field="compliance"' not in client.get(url, {"week": WEEK_NAME}).content.decode()
    with time_machine.travel(NOW + timedelta(hours=2, minutes=1), tick=False):
        html = client.get(url, {"week": WEEK_NAME}).content.decode()
    assert 'data-green="0" data-yellow="0" data-red="1"' in html


# ---------------------------------------------------------------------------- API


def test_sessions_in_the_api_carry_their_compliance(coach, athlete):
    done = run(athlete, MONDAY, 7, status="done", actual=72)  # 120 %: green
    longer = run(athlete, MONDAY, 12, status="done", actual=73)  # 121.7 %: yellow
    ahead = run(athlete, MONDAY + timedelta(days=4), 7)
    api = client_for(coach.user)
    got = {
        s["id"]: s["compliance"]
        for s in api.get("/api/v1/run-sessions/", {"athlete": athlete.pk}).json()["results"]
    }
    assert got == {
        done.pk: {"colour": "green", "reason": "on_plan", "percent": 120},
        longer.pk: {"colour": "yellow", "reason": "long", "percent": 122},
        ahead.pk: None,
    }
    week = api.get(f"/api/v1/athletes/{athlete.pk}/weeks/{WEEK_NAME}/").json()
    assert {s["id"]: s["compliance"] for s in week["sessions"]} == got


def test_the_athletes_list_carries_the_7_and_28_day_percentages(coach):
    ann, ben, cat, dan = roster(coach)
    data = client_for(coach.user).get("/api/v1/athletes/").json()["results"]
    assert {a["id"]: (a["compliance_7d"], a["compliance_28d"]) for a in data} == {
        ann.pk: (50, 50),
        ben.pk: (100, 50),
        cat.pk: (None, None),
        dan.pk: (None, 50),
    }


# ---------------------------------------------------------------------------- progress


def test_progress_shows_running_volume_planned_and_done_beside_the_e1rm(coach_client, athlete):
    monday = MONDAY - timedelta(days=7)  # 2026-W48
    RunSessionFactory(
        athlete=athlete,
        start=local(monday, 7),
        duration_minutes=60,
        status="done",
        actual_duration_minutes=66,
        distance_km="12.40",
    )
    RunSessionFactory(
        athlete=athlete,
        start=local(monday, 18),
        duration_minutes=30,
        status="skipped",
        distance_km="5",
    )
    lift = LiftSessionFactory(athlete=athlete, start=local(monday + timedelta(days=1), 18))
    LiftSetFactory(session=lift, order=1, reps=3, load_kg=100, rir=1)
    response = coach_client.get(reverse("plans:progress", args=[athlete.pk]))
    assert response.status_code == 200
    (week,) = [w for w in response.context["progress"].weeks if w.name == "2026-W48"]
    assert (week.volume.planned_hours, week.volume.done_hours) == (
        Decimal("1.5"),
        Decimal("1.1"),
    )
    assert (week.volume.planned_km, week.volume.done_km) == (Decimal("17.40"), Decimal("12.40"))
    html = response.content.decode()
    chart = html.split('data-chart="volume"')[1].split("</svg>")[0]
    assert "2026-W48: planned 1.5 h, 17.4 km" in chart
    assert "2026-W48: done 1.1 h, 12.4 km" in chart
    assert "2026-W48: e1RM 112.1 kg" in chart  # the deadlift on the same chart
    row = html.split('<th scope="row">2026-W48</th>')[1].split("</tr>")[0]
    assert "1.1 / 1.5 h" in row and "12.4 / 17.4 km" in row


# ---------------------------------------------------------------------------- the phone


def test_the_phones_week_marks_past_sessions(client, athlete):
    done = run(athlete, MONDAY, 7, status="done", actual=30)  # 50 %: partial
    missed = run(athlete, MONDAY + timedelta(days=1), 7)
    ahead = run(athlete, MONDAY + timedelta(days=4), 7)
    publish(athlete)
    client.force_login(athlete.user)
    html = client.get(reverse("workouts:phone_week", args=[WEEK_NAME])).content.decode()

    def item(session):
        return html.split(f"/me/runs/{session.pk}/")[1].split("</li>")[0]

    assert 'data-compliance="yellow"' in item(done) and "Partial · short, 50 %" in item(done)
    assert 'data-compliance="red"' in item(missed) and "Off plan · missed" in item(missed)
    assert "data-compliance" not in item(ahead)
