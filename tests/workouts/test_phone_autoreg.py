"""What the deadlift page gives its script to re-target offline (static/phone/autoreg.js): the
server's own fractions, increment, bounds and plate hints, in one JSON block."""

import json
import re
import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from athletes.models import Athlete
from plans.domain.prescription import RTS_FRACTIONS
from tests.workouts import phone_data
from workouts.models import LiftSession, SessionStatus
from workouts.plates import plates_per_side

pytestmark = pytest.mark.django_db


@pytest.fixture
def lift(athlete: Athlete) -> LiftSession:
    return phone_data.deadlift(athlete)


@pytest.fixture
def athlete_client(client: Client, athlete: Athlete) -> Client:
    client.force_login(athlete.user)
    return client


def page_data(client: Client, lift: LiftSession) -> dict[str, Any]:
    html = client.get(reverse("workouts:phone_lift", args=[lift.pk])).content.decode()
    found = re.search(r'<script id="autoreg-data" type="application/json">(.*?)</script>', html)
    assert found is not None
    return json.loads(found.group(1))


def test_the_page_carries_the_servers_fractions_and_bounds(athlete_client, lift):
    data = page_data(athlete_client, lift)
    assert data["fractions"] == {str(total): str(share) for total, share in RTS_FRACTIONS.items()}
    assert data["fractions"]["4"] == "0.892"
    assert data["increment_kg"] == "2.5"
    assert data["empty_bar_kg"] == "20"
    assert (data["cap"], data["drop_share"]) == ("1/10", "9/10")


def test_the_plate_hints_cover_every_load_within_10_percent_of_the_targets(
    athlete_client, athlete, lift
):
    plates = page_data(athlete_client, lift)["plates"]
    # 100 kg working sets: 90 to 110 kg in 2.5 kg steps, and the warm-ups' own targets.
    grid = [Decimal(90) + Decimal("2.5") * step for step in range(9)]
    wanted = [Decimal(40), Decimal(60), Decimal(80), *grid]
    assert list(plates) == [format(load.normalize(), "f") for load in wanted]
    assert plates["105"] == "Per side: 25 + 15 + 2.5"
    for load in wanted:
        loading = plates_per_side(load)
        assert loading is not None
        assert plates[format(load.normalize(), "f")] == loading.label
    # Just outside on both sides: none.
    assert "87.5" not in plates and "112.5" not in plates


def test_a_finer_increment_gives_finer_hints(athlete_client, athlete, lift):
    Athlete.objects.filter(pk=athlete.pk).update(load_increment_kg=Decimal(1))
    data = page_data(athlete_client, lift)
    assert data["increment_kg"] == "1"
    assert "106" in data["plates"] and "90" in data["plates"] and "110" in data["plates"]
    assert "89" not in data["plates"] and "111" not in data["plates"]
    assert data["plates"]["106"] == "Per side: 25 + 15 + 2.5 (and 0.5 kg no plate makes)"


def test_a_session_without_targets_has_no_hints_but_its_bar(athlete_client, lift):
    lift.sets.update(target_load_kg=None)
    assert page_data(athlete_client, lift)["plates"] == {}


def test_the_page_reads_no_more_for_it(athlete_client, lift, django_assert_num_queries):
    url = reverse("workouts:phone_lift", args=[lift.pk])
    # The login's session and user, the session with its athlete, its sets: nothing more.
    with django_assert_num_queries(4):
        assert athlete_client.get(url).status_code == 200


def test_targets_move_for_the_schedulers_prescription_only_unless_the_coach_says(
    athlete_client, athlete, lift
):
    assert page_data(athlete_client, lift)["adjust_targets"] is True
    lift.sets.filter(order=5).update(target_load_reason="my pick")  # the coach's own target
    assert page_data(athlete_client, lift)["adjust_targets"] is False
    Athlete.objects.filter(pk=athlete.pk).update(autoregulate_coach_targets=True)
    assert page_data(athlete_client, lift)["adjust_targets"] is True


def test_a_done_session_is_not_re_targeted_by_the_page(athlete_client, lift):
    LiftSession.objects.filter(pk=lift.pk).update(status=SessionStatus.DONE)
    assert page_data(athlete_client, lift)["adjust_targets"] is False


def test_logging_answers_the_moved_sets_with_their_plates(athlete_client, lift):
    set_1 = lift.sets.get(order=4)
    response = athlete_client.post(
        reverse("workouts:phone_log_set", args=[lift.pk]),
        {"client_id": str(uuid.uuid4()), "set_id": set_1.pk, "reps": 3, "load_kg": 100, "rir": 3},
        content_type="application/json",
    )
    assert response.status_code == 201
    data = response.json()
    assert [(s["order"], s["target_load_kg"]) for s in data["retargeted"]] == [(5, 105), (6, 105)]
    assert data["plates"] == {"105": "Per side: 25 + 15 + 2.5"}
    # Set 2 as re-targeted: set 3 keeps 105 kg, now said to follow set 2.
    set_2 = lift.sets.get(order=5)
    response = athlete_client.post(
        reverse("workouts:phone_log_set", args=[lift.pk]),
        {"client_id": str(uuid.uuid4()), "set_id": set_2.pk, "reps": 3, "load_kg": 105, "rir": 1},
        content_type="application/json",
    )
    data = response.json()
    assert [(s["order"], s["target_load_kg"]) for s in data["retargeted"]] == [(6, 105)]
    assert data["retargeted"][0]["adjustment_reason"].startswith("adjusted after set 2:")
    assert data["plates"] == {"105": "Per side: 25 + 15 + 2.5"}
