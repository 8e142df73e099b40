"""The phone's logging endpoints: the API's contract (tests/workouts/test_set_contract.py holds
both to it), behind the phone's login and CSRF token, with the set rules in the answer."""

import json
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, AthleteFactory, login_request
from tests.workouts import phone_data
from workouts.models import LiftSet

pytestmark = pytest.mark.django_db


@pytest.fixture
def lift(athlete):
    return phone_data.deadlift(athlete)


@pytest.fixture
def athlete_client(client, athlete):
    client.force_login(athlete.user)
    return client


def send(client, lift, **body):
    return client.post(
        reverse("workouts:phone_log_set", args=[lift.pk]),
        json.dumps(body),
        content_type="application/json",
    )


def a_set(**values):
    return {"client_id": str(uuid.uuid4()), "reps": 3, "load_kg": "100", "rir": 1, **values}


def logged(lift):
    return LiftSet.objects.filter(session=lift, reps__isnull=False)


def test_a_new_set_is_201_with_the_stored_set(athlete_client, lift):
    warmup = lift.sets.get(order=1)
    body = a_set(set_id=warmup.pk, reps=5, load_kg="40", rir=None)
    response = send(athlete_client, lift, **body)
    assert response.status_code == 201
    data = response.json()
    assert data["created"] is True
    assert data["set"] == {
        "id": warmup.pk,
        "order": 1,
        "is_warmup": True,
        "target_reps": 5,
        "target_load_kg": 40.0,
        "target_rir": None,
        "target_load_reason": "warm-up: 40 % of 100 kg",
        "original_target_load_kg": 40.0,
        "adjustment": None,
        "reps": 5,
        "load_kg": 40.0,
        "rir": None,
        "failed": False,
        "client_id": body["client_id"],
        "adjustment_reason": "",
    }
    assert data["retargeted"] == []
    assert data["violations"] == []
    warmup.refresh_from_db()
    assert (warmup.reps, warmup.load_kg, str(warmup.client_id)) == (5, 40, body["client_id"])


def test_a_set_that_breaks_a_rule_says_so_in_the_advices_words(athlete_client, lift):
    working = lift.sets.get(order=4)
    response = send(athlete_client, lift, **a_set(set_id=working.pk, rir=0))
    codes = {v["code"]: v for v in response.json()["violations"]}
    assert "deadlift.to_failure" in codes
    assert codes["deadlift.to_failure"]["severity"] == "error"
    assert "never go to failure" in codes["deadlift.to_failure"]["message"]

    response = send(athlete_client, lift, **a_set(set_id=lift.sets.get(order=5).pk, reps=12))
    codes = {v["code"]: v for v in response.json()["violations"]}
    assert "deadlift.high_reps" in codes
    assert "not doing sets of 20 reps" in codes["deadlift.high_reps"]["message"]


@pytest.mark.parametrize("raw", [b"not json", b"[1, 2]", b"\xff"])
def test_a_body_that_is_no_json_object_is_400(athlete_client, lift, raw):
    response = athlete_client.post(
        reverse("workouts:phone_log_set", args=[lift.pk]), raw, content_type="application/json"
    )
    assert response.status_code == 400
    assert not logged(lift).exists()


def test_only_post(athlete_client, lift):
    assert athlete_client.get(reverse("workouts:phone_log_set", args=[lift.pk])).status_code == 405


def test_another_athlete_gets_404_and_a_coach_403(client, coach, lift):
    client.force_login(AthleteFactory(coach=coach).user)
    assert send(client, lift, **a_set()).status_code == 404
    client.force_login(coach.user)
    assert send(client, lift, **a_set()).status_code == 403
    assert not logged(lift).exists()


def test_csrf_is_enforced(athlete, lift):
    client = Client(enforce_csrf_checks=True)
    assert client.login(username=athlete.user.username, password=PASSWORD, request=login_request())
    assert send(client, lift, **a_set()).status_code == 403
    assert not logged(lift).exists()

    # The page hands out the token (cookie and meta tag); the script sends it as a header.
    client.get(reverse("workouts:phone_lift", args=[lift.pk]))
    token = client.cookies["csrftoken"].value
    response = client.post(
        reverse("workouts:phone_log_set", args=[lift.pk]),
        json.dumps(a_set()),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 201


# ---------------------------------------------------------------------------- edit and delete


def test_an_edit_and_a_delete_answer_the_set_rules_as_they_now_stand(athlete_client, lift):
    working = lift.sets.get(order=4)
    first = send(athlete_client, lift, **a_set(set_id=working.pk)).json()
    # Logged exactly as prescribed: no target moves.
    stored = first["set"]
    assert first["retargeted"] == []
    response = athlete_client.post(
        reverse("workouts:phone_edit_set", args=[lift.pk, stored["id"]]),
        json.dumps({"reps": 4, "load_kg": "97.5", "rir": 0}),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert (response.json()["set"]["reps"], response.json()["set"]["load_kg"]) == (4, 97.5)
    assert [v["code"] for v in response.json()["violations"]] == ["deadlift.to_failure"]
    # RIR 0: 90 % of 97.5 kg is 87.75, held to 10 % below the original 100 kg.
    reason = (
        "dropped to 90 % after set 1: 4 reps at 97.5 kg at RIR 0 "
        "(held to 10 % of the original target)"
    )
    assert [
        (s["order"], s["target_load_kg"], s["original_target_load_kg"], s["adjustment_reason"])
        for s in response.json()["retargeted"]
    ] == [(5, 90.0, 100.0, reason), (6, 90.0, 100.0, reason)]
    response = athlete_client.post(reverse("workouts:phone_delete_set", args=[lift.pk, working.pk]))
    data = response.json()
    assert (data["deleted"], data["violations"]) == (working.pk, [])
    # Nothing logged any more: the sets go back to their original targets.
    assert [
        (s["order"], s["target_load_kg"], s["original_target_load_kg"], s["adjustment"])
        for s in data["retargeted"]
    ] == [(5, 100.0, 100.0, None), (6, 100.0, 100.0, None)]


def test_logged_out_the_endpoints_send_to_the_login_page(client, lift):
    response = send(client, lift, **a_set())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not logged(lift).exists()
