"""Done when: an athlete in pounds plans, logs and reads their whole week in pounds with exact
round trips. The coach (in pounds) plans the deadlift on the lift form; the week board, the
phone (with its plate hints), the phone's JSON endpoint, the API with ?units=lb, the calendar
feed and both progress pages all say the same pounds; the database holds exact kilograms."""

import json
import re
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from html import unescape
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from plans.domain.units import default_increment_kg, to_kg
from plans.models import PlanStatus, WeeklyPlan
from tests.api.conftest import client_for
from tests.factories import AthleteFactory, CoachFactory
from workouts.models import LiftSession, LiftSet

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
WEEK = "2026-W49"
PLANNING = datetime(2026, 11, 28, 12, tzinfo=UTC)  # the Saturday before
LIFTING = datetime(2026, 12, 1, 16, 30, tzinfo=UTC)  # Tuesday 17:30 in Berlin, under way
# What the phone's script sends for 325.25 lb: the kilograms, exactly (static/phone/phone.js).
LOGGED_KG = "147.5309183425"


def text_of(response) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def lift_form(rows: list[dict[str, str]], initial: int = 0) -> dict[str, str]:
    data = {
        "exercise": "deadlift",
        "start": "2026-12-01T17:00",
        "duration_minutes": "60",
        "status": "planned",
        "notes": "",
        "sets-TOTAL_FORMS": str(len(rows)),
        "sets-INITIAL_FORMS": str(initial),
        "sets-MIN_NUM_FORMS": "0",
        "sets-MAX_NUM_FORMS": "12",
    }
    for index, row in enumerate(rows):
        data.update({f"sets-{index}-{key}": value for key, value in row.items()})
    return data


WARMUP = {"is_warmup": "on", "target_reps": "5", "target_load_kg": "135", "target_rir": ""}
WORKING = {"target_reps": "3", "target_load_kg": "325", "target_rir": "1"}


@pytest.fixture
def coach():
    return CoachFactory(units="lb", default_athlete_units="lb")


@pytest.fixture
def athlete(coach):
    return AthleteFactory(
        coach=coach,
        units="lb",
        load_increment_kg=default_increment_kg("lb"),
        time_zone="Europe/Berlin",
    )


@pytest.fixture
def coach_client(coach):
    client = Client()
    client.force_login(coach.user)
    return client


@pytest.fixture
def athlete_client(athlete):
    client = Client()
    client.force_login(athlete.user)
    return client


def plan_the_week(coach_client, athlete) -> LiftSession:
    url = reverse("workouts:deadlift_add", args=[athlete.pk, WEEK])
    response = coach_client.post(url, lift_form([WARMUP, WORKING, WORKING, WORKING]))
    assert response.status_code == 302, response.context and response.context["sets"].errors
    lift = LiftSession.objects.get(athlete=athlete)
    coach_client.post(reverse("plans:publish", args=[athlete.pk, WEEK]))
    assert WeeklyPlan.objects.get(pk=lift.plan_id).status == PlanStatus.PUBLISHED
    return lift


def test_an_athlete_in_pounds_plans_logs_and_reads_the_week_in_pounds(
    coach_client, athlete_client, athlete
):
    # ---- the coach plans, in pounds
    with time_machine.travel(PLANNING, tick=False):
        lift = plan_the_week(coach_client, athlete)
        stored = [s.target_load_kg for s in lift.sets.order_by("order")]
        assert stored == [to_kg(Decimal(135), "lb")] + [Decimal("147.41752025")] * 3
        board = text_of(coach_client.get(reverse("plans:athlete_week", args=[athlete.pk, WEEK])))
        assert "3 × 3 @ 325 lb RIR 1" in board
        assert "lb; @ RIR" in board
        assert " kg" not in board
        # The lift form shows what was typed; saving it unchanged changes nothing.
        edit_url = reverse("workouts:deadlift_edit", args=[athlete.pk, lift.pk])
        form_html = coach_client.get(edit_url).content.decode()
        assert "Load (lb)" in form_html
        assert 'value="325"' in form_html and 'value="135"' in form_html
        rows = [
            {"id": str(s.pk), **(WARMUP if s.is_warmup else WORKING)}
            for s in lift.sets.order_by("order")
        ]
        assert coach_client.post(edit_url, lift_form(rows, initial=4)).status_code == 302
        assert [s.target_load_kg for s in lift.sets.order_by("order")] == stored

    with time_machine.travel(LIFTING, tick=False):
        # ---- the athlete reads it on the phone, with plates for a 45 lb bar
        page = text_of(athlete_client.get(reverse("workouts:phone_lift", args=[lift.pk])))
        assert "5 × 135 lb" in page and "3 × 325 lb · RIR 1" in page
        assert "Per side: 45" in page  # 135 lb
        assert "Per side: 45 + 45 + 45 + 5" in page  # 325 lb
        assert "Load (lb)" in page
        assert " kg" not in page
        found = re.search(
            r'<script id="sets-data" type="application/json">(.*?)</script>',
            athlete_client.get(reverse("workouts:phone_lift", args=[lift.pk])).content.decode(),
        )
        assert found is not None
        sets_data = json.loads(found.group(1))
        assert sets_data[1]["target_load_lb"] == 325.0
        assert sets_data[1]["target_load_kg"] == 147.41752025

        # ---- logs 325.25 lb through the phone's JSON endpoint, as the script sends it
        first = lift.sets.get(order=2)  # set 1, after the warm-up
        body = {"client_id": str(uuid.uuid4()), "set_id": first.pk, "reps": 3,
                "load_kg": LOGGED_KG, "rir": 1}  # fmt: skip
        answer = athlete_client.post(
            reverse("workouts:phone_log_set", args=[lift.pk]),
            json.dumps(body),
            content_type="application/json",
        )
        assert answer.status_code == 201
        logged = answer.json()["set"]
        assert (logged["load_kg"], logged["load_lb"]) == (147.5309183425, 325.25)
        assert (logged["target_load_kg"], logged["target_load_lb"]) == (147.41752025, 325.0)
        first.refresh_from_db()
        assert first.load_kg == Decimal(LOGGED_KG)
        # The same set sent again is the same set, in the same pounds.
        again = athlete_client.post(
            reverse("workouts:phone_log_set", args=[lift.pk]),
            json.dumps(body),
            content_type="application/json",
        )
        assert again.status_code == 200 and again.json()["set"]["load_lb"] == 325.25

        page = text_of(athlete_client.get(reverse("workouts:phone_lift", args=[lift.pk])))
        assert "Done: 3 × 325.25 lb · RIR 1" in page

        # ---- the API: kilograms, and pounds beside them on request
        api = client_for(athlete.user)
        plain = api.get(f"/api/v1/lift-sessions/{lift.pk}/").json()
        working = next(s for s in plain["sets"] if s["order"] == 2)
        assert working["load_kg"] == 147.5309183425
        assert "load_lb" not in working
        in_lb = api.get(f"/api/v1/lift-sessions/{lift.pk}/?units=lb").json()
        working = next(s for s in in_lb["sets"] if s["order"] == 2)
        assert (working["load_lb"], working["target_load_lb"]) == (325.25, 325.0)
        assert working["load_kg"] == 147.5309183425
        week = client_for(athlete.coach.user).get(
            f"/api/v1/athletes/{athlete.pk}/weeks/{WEEK}/?units=lb"
        )
        assert week.status_code == 200
        assert "325.25" in week.content.decode()
        assert week.json()["e1rm_lb"] is None or isinstance(week.json()["e1rm_lb"], float)

        # ---- the calendar feed, in the athlete's pounds
        feed = Client().get(reverse("workouts:calendar_feed", args=[athlete.calendar_token]))
        event = next(
            e for e in Calendar.from_ical(feed.content).walk("VEVENT") if "lift" in str(e["UID"])
        )
        description = str(event["DESCRIPTION"])
        assert "Warm-up: 5 reps @ 135 lb" in description
        assert "Set 1: done 3 reps @ 325.25 lb, RIR 1" in description
        assert "Set 2: 3 reps @ 325 lb, RIR 1" in description
        assert " kg" not in description

        # ---- the progress pages: the e1RM in pounds (325.25 / 0.892 = 364.6 lb)
        history = text_of(athlete_client.get(reverse("workouts:phone_history")))
        assert "364.6 lb" in history
        progress = text_of(coach_client.get(reverse("plans:progress", args=[athlete.pk])))
        assert "364.6 lb" in progress and "Deadlift e1RM per week (lb)" in progress


def test_a_coach_in_kilograms_reads_the_same_loads_in_kilograms(coach, athlete, coach_client):
    with time_machine.travel(PLANNING, tick=False):
        lift = plan_the_week(coach_client, athlete)
        coach.units = "kg"
        coach.save()
        board = text_of(coach_client.get(reverse("plans:athlete_week", args=[athlete.pk, WEEK])))
        assert "3 × 3 @ 147.42 kg RIR 1" in board
        edit_url = reverse("workouts:deadlift_edit", args=[athlete.pk, lift.pk])
        assert "Load (kg)" in coach_client.get(edit_url).content.decode()
        # Saved as shown (147.42), the exact pounds stay; a new value is stored as typed.
        sets = list(lift.sets.order_by("order"))
        rows = [
            {"id": str(sets[0].pk), **WARMUP, "target_load_kg": "61.23"},
            {"id": str(sets[1].pk), **WORKING, "target_load_kg": "147.42"},
            {"id": str(sets[2].pk), **WORKING, "target_load_kg": "147.5"},
            {"id": str(sets[3].pk), **WORKING, "target_load_kg": "147.42"},
        ]
        assert coach_client.post(edit_url, lift_form(rows, initial=4)).status_code == 302
        after = [s.target_load_kg for s in LiftSet.objects.filter(session=lift).order_by("order")]
        assert after == [
            to_kg(Decimal(135), "lb"),  # 61.23 kg is what 135 lb showed
            Decimal("147.41752025"),
            Decimal("147.5"),
            Decimal("147.41752025"),
        ]


@pytest.mark.parametrize(
    ("typed", "ok"),
    [("1322.77", True), ("1322.78", False), ("0", True), ("-0.01", False), ("325.255", False)],
)
def test_the_lift_form_in_pounds_takes_the_database_range(coach_client, athlete, typed, ok):
    with time_machine.travel(PLANNING, tick=False):
        url = reverse("workouts:deadlift_add", args=[athlete.pk, WEEK])
        response = coach_client.post(url, lift_form([{**WORKING, "target_load_kg": typed}]))
    assert response.status_code == (302 if ok else 400)
    assert LiftSet.objects.exists() is ok


def test_a_bad_units_parameter_is_400(athlete):
    response = client_for(athlete.user).get("/api/v1/me/?units=stone")
    assert response.status_code == 400
    assert response.json() == {"units": ["Choose kg or lb, not 'stone'."]}


def test_me_says_the_users_unit(athlete, coach):
    assert client_for(athlete.user).get("/api/v1/me/").json()["units"] == "lb"
    coach.units = "kg"
    coach.save()
    assert client_for(coach.user).get("/api/v1/me/").json()["units"] == "kg"
