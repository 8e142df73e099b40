"""One contract for logging a set, held on both doors: the phone's endpoint (session login) and
the API's (token). The same cases, statuses, error bodies and set shape on each; the phone's
answer wraps the set as {"created", "set", "violations"}."""

import json
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.api.conftest import client_for
from tests.factories import AthleteFactory
from tests.workouts import phone_data
from workouts.models import LiftSession, LiftSet, SessionStatus
from workouts.serializers import NOT_LOGGED_YET, LiftSetSerializer

LIFT_START = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)


@dataclass
class Door:
    name: str
    user: User

    def client(self):
        if self.name == "api":
            return client_for(self.user)
        client = Client()
        client.force_login(self.user)
        return client

    def url(self, session: LiftSession) -> str:
        if self.name == "api":
            return reverse("api:log-set", args=[session.pk])
        return reverse("workouts:phone_log_set", args=[session.pk])

    def send(self, session: LiftSession, body: dict, client=None):
        client = client or self.client()
        return client.post(self.url(session), json.dumps(body), content_type="application/json")

    def stored_set(self, response) -> dict:
        data = response.json()
        return data["set"] if self.name == "phone" else _without(data, "retargeted")

    def retargeted(self, response) -> list[dict]:
        return response.json()["retargeted"]


def _without(data: dict, key: str) -> dict:
    return {name: value for name, value in data.items() if name != key}


@pytest.fixture(params=["phone", "api"])
def door(request, athlete) -> Door:
    return Door(request.param, athlete.user)


@pytest.fixture
def lift(athlete) -> LiftSession:
    return phone_data.deadlift(athlete, start=LIFT_START)


def a_set(**values) -> dict:
    return {"client_id": str(uuid.uuid4()), "reps": 3, "load_kg": 100, "rir": 1, **values}


def logged(session: LiftSession):
    return LiftSet.objects.filter(session=session, reps__isnull=False)


pytestmark = pytest.mark.django_db


def test_a_new_set_is_201_in_the_one_shape(door, lift):
    body = a_set()
    response = door.send(lift, body)
    assert response.status_code == 201
    stored = LiftSet.objects.get(client_id=body["client_id"])
    # The first free prescribed set: the first warm-up.
    assert door.stored_set(response) == {
        "id": stored.pk,
        "order": 1,
        "is_warmup": True,
        "target_reps": 5,
        "target_load_kg": 40.0,
        "target_rir": None,
        "target_load_reason": "warm-up: 40 % of 100 kg",
        "original_target_load_kg": 40.0,
        "adjustment": None,
        "reps": 3,
        "load_kg": 100.0,
        "rir": 1,
        "failed": False,
        "client_id": body["client_id"],
        "adjustment_reason": "",
    }
    assert door.stored_set(response) == json.loads(
        json.dumps(LiftSetSerializer(stored).data, default=float)
    )
    # A warm-up measures nothing: no target moves.
    assert door.retargeted(response) == []


@pytest.mark.parametrize(
    "again",
    [{}, {"load_kg": "100"}, {"load_kg": 100.0}, {"load_kg": "100.00"}, {"order": 5}],
    ids=["the same body", "load as a string", "100.0 kg", "100.00 kg", "another place"],
)
def test_the_same_client_id_and_values_again_is_200_with_the_stored_set(door, lift, again):
    body = a_set()
    first = door.send(lift, body)
    replay = door.send(lift, {**body, **again})
    assert (first.status_code, replay.status_code) == (201, 200)
    assert door.stored_set(replay) == door.stored_set(first)
    assert LiftSet.objects.filter(client_id=body["client_id"]).count() == 1
    assert logged(lift).count() == 1


@pytest.mark.parametrize(
    "changed",
    [{"reps": 4}, {"load_kg": 100.5}, {"load_kg": None}, {"rir": 2}, {"rir": None},
     {"failed": True}],
    ids=["reps", "load", "no load", "rir", "no rir", "failed"],
)  # fmt: skip
def test_the_same_client_id_with_other_values_is_409_and_keeps_the_set(door, lift, changed):
    body = a_set()
    door.send(lift, body)
    response = door.send(lift, {**body, **changed})
    assert response.status_code == 409
    assert response.json() == {"detail": "This client_id was logged before with other values."}
    stored = LiftSet.objects.get(client_id=body["client_id"])
    assert (stored.reps, stored.load_kg, stored.rir, stored.failed) == (3, Decimal(100), 1, False)


def test_a_client_id_of_another_athletes_set_is_409_and_shows_nothing(door, athlete, lift):
    stranger = AthleteFactory(coach=athlete.coach)
    theirs = phone_data.deadlift(stranger, start=LIFT_START)
    body = a_set()
    assert Door(door.name, stranger.user).send(theirs, body).status_code == 201
    response = door.send(lift, body)
    assert response.status_code == 409
    assert response.json() == {"detail": "This client_id was used for another set; send a new one."}
    assert not logged(lift).exists()


def test_a_client_id_of_another_session_of_the_same_athlete_is_409(door, athlete, lift):
    other = phone_data.deadlift(athlete, start=LIFT_START)
    body = a_set()
    door.send(other, body)
    assert door.send(lift, body).status_code == 409
    assert not logged(lift).exists()


def test_a_done_session_is_409_for_a_new_set_but_answers_a_replay(door, lift):
    body = a_set()
    door.send(lift, body)
    LiftSession.objects.filter(pk=lift.pk).update(status=SessionStatus.DONE)
    response = door.send(lift, a_set())
    assert response.status_code == 409
    assert response.json() == {"detail": "This session is marked done; its sets are locked."}
    # Sent before the session was done, answer lost: the stored set, nothing written.
    assert door.send(lift, body).status_code == 200
    assert logged(lift).count() == 1


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"client_id": None}, "client_id"),
        ({"client_id": 5}, "client_id"),
        ({"reps": 0}, "reps"),
        ({"reps": 101}, "reps"),
        ({"reps": "three"}, "reps"),
        ({"load_kg": 600.5}, "load_kg"),
        # Kilograms to 10 decimals (a load typed in pounds, exactly), not 11.
        ({"load_kg": "100.00000000005"}, "load_kg"),
        ({"rir": 11}, "rir"),
        ({"failed": "maybe"}, "failed"),
        ({"order": 0}, "order"),
        ({"set_id": "x"}, "set_id"),
    ],
    ids=lambda value: json.dumps(value) if isinstance(value, dict) else value,
)
def test_bad_values_are_400_with_the_fields_and_write_nothing(door, lift, values, field):
    response = door.send(lift, a_set(**values))
    assert response.status_code == 400
    assert set(response.json()) == {field}
    assert all(isinstance(message, str) for message in response.json()[field])
    assert not logged(lift).exists()


def test_a_set_id_of_another_session_is_400(door, athlete, lift):
    other = phone_data.deadlift(athlete, start=LIFT_START)
    response = door.send(lift, a_set(set_id=other.sets.all()[0].pk))
    assert response.status_code == 400
    assert response.json() == {"detail": "That set is not part of this session."}
    assert not LiftSet.objects.filter(reps__isnull=False).exists()


# ---------------------------------------------------------------------------- edit and delete


def edit(door: Door, session: LiftSession, set_pk: int, body: dict):
    client, data = door.client(), json.dumps(body)
    if door.name == "api":
        url = reverse("api:logged-set", args=[session.pk, set_pk])
        return client.patch(url, data, content_type="application/json")
    url = reverse("workouts:phone_edit_set", args=[session.pk, set_pk])
    return client.post(url, data, content_type="application/json")


def delete(door: Door, session: LiftSession, set_pk: int):
    if door.name == "api":
        return door.client().delete(reverse("api:logged-set", args=[session.pk, set_pk]))
    return door.client().post(reverse("workouts:phone_delete_set", args=[session.pk, set_pk]))


def test_an_edit_changes_the_values_sent_and_keeps_the_others(door, lift):
    stored = door.stored_set(door.send(lift, a_set()))
    response = edit(door, lift, stored["id"], {"rir": 2})
    assert response.status_code == 200
    assert door.stored_set(response) == {**stored, "rir": 2}


TOO_MANY_DIGITS = "Ensure that there are no more than 13 digits in total."


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"reps": 0}, {"reps": ["Ensure this value is greater than or equal to 1."]}),
        ({"load_kg": "1e-999999999"}, {"load_kg": [TOO_MANY_DIGITS]}),
        ({"rir": 11}, {"rir": ["Ensure this value is less than or equal to 10."]}),
    ],
    ids=["reps 0", "load beyond the digits", "RIR 11"],
)  # fmt: skip
def test_a_bad_edit_is_400_and_keeps_the_set(door, lift, body, errors):
    stored = door.stored_set(door.send(lift, a_set()))
    response = edit(door, lift, stored["id"], body)
    assert (response.status_code, response.json()) == (400, errors)
    assert LiftSet.objects.get(pk=stored["id"]).reps == 3


def test_an_unlogged_set_is_edited_only_with_its_reps(door, lift):
    unlogged = lift.sets.get(order=4)
    response = edit(door, lift, unlogged.pk, {"rir": 2})
    assert (response.status_code, response.json()) == (400, {"reps": [NOT_LOGGED_YET]})
    assert not logged(lift).exists()


def test_a_set_of_another_session_is_404_to_edit_and_delete(door, athlete, lift):
    other = phone_data.deadlift(athlete, start=LIFT_START)
    stored = door.stored_set(door.send(other, a_set()))
    assert edit(door, lift, stored["id"], {"reps": 4}).status_code == 404
    assert delete(door, lift, stored["id"]).status_code == 404
    assert LiftSet.objects.get(pk=stored["id"]).reps == 3


def test_a_done_session_is_409_to_edit_and_delete(door, lift):
    stored = door.stored_set(door.send(lift, a_set()))
    LiftSession.objects.filter(pk=lift.pk).update(status=SessionStatus.DONE)
    locked = {"detail": "This session is marked done; its sets are locked."}
    for response in (edit(door, lift, stored["id"], {"reps": 4}), delete(door, lift, stored["id"])):
        assert (response.status_code, response.json()) == (409, locked)
    assert LiftSet.objects.get(pk=stored["id"]).reps == 3


def test_delete_clears_a_prescribed_set(door, lift):
    stored = door.stored_set(door.send(lift, a_set()))
    deleted = delete(door, lift, stored["id"])
    assert deleted.status_code == 200
    assert (deleted.json()["deleted"], deleted.json()["retargeted"]) == (stored["id"], [])
    cleared = LiftSet.objects.get(pk=stored["id"])
    assert (cleared.reps, cleared.client_id, cleared.target_reps) == (None, None, 5)


# ---------------------------------------------------------------------------- queries

# A new set on the phone: its login (session, user: 2), the session in scope (1), the replay
# check (1), the write (savepoint, the session's lock, its sets, the update, release: 5) and the
# sets for the rules (1). The API: its token with the user and their profile (1) instead of the
# login, and no rules.
# Before one contract the phone judged the whole week (15 queries for a new set, 9 for a
# replay) and the service read the client_id twice (the API: 12 for a new set).
# A new set also reads the athlete's increment and autoregulation setting (one query); the
# re-targeted sets, when there are any, are written in one more.
QUERIES = {
    ("phone", "new"): 11,
    ("phone", "replay"): 5,
    ("api", "new"): 9,
    ("api", "replay"): 3,
}


def test_query_counts(door, lift, django_assert_num_queries):
    client = door.client()
    body = a_set()
    door.send(lift, a_set(), client)  # sessions and tokens warmed the same way on both doors
    with django_assert_num_queries(QUERIES[(door.name, "new")]):
        assert door.send(lift, body, client).status_code == 201
    with django_assert_num_queries(QUERIES[(door.name, "replay")]):
        assert door.send(lift, body, client).status_code == 200


# ---------------------------------------------------------------------------- at once


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrent connections")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("door_name", ["phone", "api"])
def test_twenty_sends_of_one_client_id_at_once_store_one_set(door_name, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1000000/min", "user": "1000000/min"},
    }
    athlete = AthleteFactory()
    session = phone_data.deadlift(athlete, start=LIFT_START)
    door = Door(door_name, athlete.user)
    body = a_set()
    # Ten double sends of the set, and ten of the same client_id with other reps.
    bodies = [body] * 10 + [{**body, "reps": 4}] * 10
    clients = [door.client() for _ in bodies]
    barrier = threading.Barrier(len(bodies))
    answers: list[tuple[int, int]] = []
    errors: list[BaseException] = []

    def submit(client, sent):
        try:
            barrier.wait()
            answers.append((sent["reps"], door.send(session, sent, client).status_code))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=submit, args=(client, sent))
        for client, sent in zip(clients, bodies, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    stored = LiftSet.objects.get(client_id=body["client_id"])
    won = stored.reps
    assert sorted(status for reps, status in answers if reps == won) == [200] * 9 + [201]
    assert [status for reps, status in answers if reps != won] == [409] * 10
    assert logged(session).count() == 1
