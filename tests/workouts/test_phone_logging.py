"""The phone's logging endpoints: the API's contract (tests/workouts/test_set_contract.py holds
both to it), behind the phone's login and CSRF token, with the set rules in the answer."""

import json
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, AthleteFactory, login_request
from tests.workouts import phone_data
from workouts.models import LiftSet, SessionStatus

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
        "reps": 5,
        "load_kg": 40.0,
        "rir": None,
        "failed": False,
        "client_id": body["client_id"],
    }
    assert data["violations"] == []
    warmup.refresh_from_db()
    assert (warmup.reps, warmup.load_kg, str(warmup.client_id)) == (5, 40, body["client_id"])


def test_the_same_client_id_again_is_200_and_one_row(athlete_client, lift):
    body = a_set()
    first = send(athlete_client, lift, **body)
    again = send(athlete_client, lift, **{**body, "load_kg": 100.0})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["created"] is False
    assert again.json()["set"] == first.json()["set"]
    assert LiftSet.objects.filter(client_id=body["client_id"]).count() == 1
    assert logged(lift).count() == 1


def test_the_same_client_id_with_other_values_is_409_and_keeps_the_set(athlete_client, lift):
    body = a_set()
    send(athlete_client, lift, **body)
    response = send(athlete_client, lift, **{**body, "reps": 8})
    assert response.status_code == 409
    assert response.json() == {"detail": "This client_id was logged before with other values."}
    assert LiftSet.objects.get(client_id=body["client_id"]).reps == 3


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


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"client_id": None}, "client_id"),
        ({"client_id": "not-a-uuid"}, "client_id"),
        ({"reps": None}, "reps"),
        ({"reps": 0}, "reps"),
        ({"reps": 101}, "reps"),
        ({"reps": "three"}, "reps"),
        ({"reps": True}, "reps"),
        ({"reps": 3.5}, "reps"),
        ({"load_kg": "heavy"}, "load_kg"),
        ({"load_kg": "NaN"}, "load_kg"),
        ({"load_kg": 601}, "load_kg"),
        ({"load_kg": -1}, "load_kg"),
        ({"rir": 11}, "rir"),
        ({"rir": -1}, "rir"),
        ({"failed": "maybe"}, "failed"),
        ({"set_id": "x"}, "set_id"),
    ],
    ids=lambda value: json.dumps(value) if isinstance(value, dict) else value,
)
def test_bad_input_is_400_and_writes_nothing(athlete_client, lift, body, field):
    response = send(athlete_client, lift, **a_set(**body))
    assert response.status_code == 400
    assert set(response.json()) == {field}
    assert not logged(lift).exists()


@pytest.mark.parametrize("raw", [b"not json", b"[1, 2]", b"\xff"])
def test_a_body_that_is_no_json_object_is_400(athlete_client, lift, raw):
    response = athlete_client.post(
        reverse("workouts:phone_log_set", args=[lift.pk]), raw, content_type="application/json"
    )
    assert response.status_code == 400
    assert not logged(lift).exists()


def test_a_set_of_another_session_is_400(athlete_client, athlete, lift):
    other = phone_data.deadlift(athlete)
    response = send(athlete_client, lift, **a_set(set_id=other.sets.first().pk))
    assert response.status_code == 400
    assert not LiftSet.objects.filter(reps__isnull=False).exists()


def test_a_done_session_is_409_and_writes_nothing(athlete_client, lift):
    lift.status = SessionStatus.DONE
    lift.save()
    response = send(athlete_client, lift, **a_set())
    assert response.status_code == 409
    assert response.json() == {"detail": "This session is marked done; its sets are locked."}
    assert not logged(lift).exists()


def test_a_client_id_from_another_session_is_refused_without_its_set(athlete_client, athlete):
    first, second = phone_data.deadlift(athlete), phone_data.deadlift(athlete)
    body = a_set()
    assert send(athlete_client, first, **body).status_code == 201
    response = send(athlete_client, second, **body)
    assert response.status_code == 409
    assert "set" not in response.json()
    assert not logged(second).exists()


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


def test_edit_a_logged_set(athlete_client, lift):
    stored = send(athlete_client, lift, **a_set()).json()["set"]
    response = athlete_client.post(
        reverse("workouts:phone_edit_set", args=[lift.pk, stored["id"]]),
        json.dumps({"reps": 4, "load_kg": "97.5", "rir": 2}),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert (response.json()["set"]["reps"], response.json()["set"]["load_kg"]) == (4, 97.5)


def test_edit_with_bad_values_is_400_and_keeps_the_set(athlete_client, lift):
    stored = send(athlete_client, lift, **a_set()).json()["set"]
    response = athlete_client.post(
        reverse("workouts:phone_edit_set", args=[lift.pk, stored["id"]]),
        json.dumps({"reps": 0}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert LiftSet.objects.get(pk=stored["id"]).reps == 3


def test_delete_a_logged_set_keeps_its_prescription(athlete_client, lift):
    stored = send(athlete_client, lift, **a_set()).json()["set"]
    response = athlete_client.post(
        reverse("workouts:phone_delete_set", args=[lift.pk, stored["id"]])
    )
    assert response.status_code == 200
    lift_set = LiftSet.objects.get(pk=stored["id"])
    assert lift_set.reps is None
    assert lift_set.target_reps is not None


def test_edit_and_delete_are_409_once_the_session_is_done(athlete_client, lift):
    stored = send(athlete_client, lift, **a_set()).json()["set"]
    athlete_client.post(reverse("workouts:phone_lift_done", args=[lift.pk]))
    edit = athlete_client.post(
        reverse("workouts:phone_edit_set", args=[lift.pk, stored["id"]]),
        json.dumps({"reps": 4}),
        content_type="application/json",
    )
    delete = athlete_client.post(reverse("workouts:phone_delete_set", args=[lift.pk, stored["id"]]))
    assert (edit.status_code, delete.status_code) == (409, 409)
    assert LiftSet.objects.get(pk=stored["id"]).reps == 3


def test_an_unlogged_set_is_edited_only_with_its_reps(athlete_client, lift):
    unlogged = lift.sets.first()
    response = athlete_client.post(
        reverse("workouts:phone_edit_set", args=[lift.pk, unlogged.pk]),
        json.dumps({"rir": 2}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {"reps": ["This set is not logged yet; give reps."]}
    assert not logged(lift).exists()


def test_a_set_of_another_session_cannot_be_edited(athlete_client, athlete, lift):
    other = phone_data.deadlift(athlete).sets.first()
    response = athlete_client.post(
        reverse("workouts:phone_edit_set", args=[lift.pk, other.pk]),
        json.dumps({"reps": 4}),
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not LiftSet.objects.filter(reps__isnull=False).exists()


def test_logged_out_the_endpoints_send_to_the_login_page(client, lift):
    response = send(client, lift, **a_set())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not logged(lift).exists()
