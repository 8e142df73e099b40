"""Logging sets over HTTP: idempotent on client_id, locked once the session is done."""

import threading
import uuid

import pytest
from django.db import connection
from django.urls import reverse

from tests.api.conftest import client_for, publish
from tests.factories import AthleteFactory, LiftSessionFactory, LiftSetFactory
from workouts.models import LiftSet


def _url(session):
    return reverse("api:log-set", args=[session.pk])


def _body(**values):
    return {
        "order": 1,
        "reps": 3,
        "load_kg": 100,
        "rir": 1,
        "client_id": str(uuid.uuid4()),
    } | values


def test_first_201_replay_200_different_replay_409(world):
    client = client_for(world.athlete.user)
    body = _body()
    first = client.post(_url(world.lift), body, format="json")
    assert first.status_code == 201
    assert first.json()["id"] == world.sets[0].pk  # the prescribed set of that order
    assert (first.json()["reps"], first.json()["load_kg"]) == (3, 100)
    replay = client.post(_url(world.lift), body, format="json")
    assert replay.status_code == 200 and replay.json() == first.json()
    different = client.post(_url(world.lift), {**body, "reps": 4}, format="json")
    assert different.status_code == 409
    assert LiftSet.objects.filter(client_id=body["client_id"]).count() == 1
    assert LiftSet.objects.get(client_id=body["client_id"]).reps == 3


def test_an_order_already_logged_adds_a_set_at_the_next_free_order(world):
    client = client_for(world.athlete.user)
    client.post(_url(world.lift), _body(order=1), format="json")
    extra = client.post(_url(world.lift), _body(order=1, is_warmup=True), format="json").json()
    assert (extra["order"], extra["is_warmup"], extra["target_reps"]) == (3, True, None)


def test_a_client_id_of_another_session_is_409_and_reveals_nothing(world):
    body = _body()
    client_for(world.athlete.user).post(_url(world.lift), body, format="json")
    mine = LiftSessionFactory(athlete=world.other_athlete)
    publish(world.other_athlete)
    response = client_for(world.other_athlete.user).post(_url(mine), body, format="json")
    assert response.status_code == 409
    assert "reps" not in response.json()


def test_done_session_is_409_for_new_sets_edits_and_deletes(world):
    client = client_for(world.athlete.user)
    logged = client.post(_url(world.lift), _body(), format="json").json()
    client.patch(
        reverse("api:lift-session-detail", args=[world.lift.pk]), {"status": "done"}, format="json"
    )
    assert client.post(_url(world.lift), _body(), format="json").status_code == 409
    set_url = reverse("api:logged-set", args=[world.lift.pk, logged["id"]])
    assert client.patch(set_url, {"reps": 4}, format="json").status_code == 409
    assert client.delete(set_url).status_code == 409


def test_edit_and_delete_a_logged_set(world):
    client = client_for(world.athlete.user)
    logged = client.post(_url(world.lift), _body(), format="json").json()
    set_url = reverse("api:logged-set", args=[world.lift.pk, logged["id"]])
    edited = client.patch(set_url, {"rir": 2}, format="json").json()
    assert (edited["reps"], edited["rir"]) == (3, 2)
    deleted = client.delete(set_url)
    assert deleted.status_code == 200
    assert deleted.json() == {"deleted": logged["id"], "retargeted": []}
    # A prescribed set keeps its targets and loses only what was done.
    cleared = LiftSet.objects.get(pk=logged["id"])
    assert (cleared.reps, cleared.client_id, cleared.target_reps) == (None, None, 3)


@pytest.mark.parametrize(
    ("values", "field"),
    [({"reps": 0}, "reps"), ({"reps": 1000}, "reps"), ({"rir": 11}, "rir"),
     ({"load_kg": -5}, "load_kg"), ({"reps": "three"}, "reps"), ({"client_id": "x"}, "client_id")],
    ids=["reps 0", "reps 1000", "RIR 11", "load -5", "string reps", "bad client_id"],
)  # fmt: skip
def test_bad_values_are_400_and_write_nothing(world, values, field):
    response = client_for(world.athlete.user).post(_url(world.lift), _body(**values), format="json")
    assert response.status_code == 400 and field in response.json()
    assert not LiftSet.objects.filter(reps__isnull=False).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrent connections")
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_posts_of_one_client_id_store_one_row():
    athlete = AthleteFactory()
    session = LiftSessionFactory(athlete=athlete)
    LiftSetFactory(session=session, order=1)
    publish(athlete)
    body = _body()
    clients = [client_for(athlete.user) for _ in range(20)]
    barrier = threading.Barrier(20)
    statuses, errors = [], []

    def submit(client):
        try:
            barrier.wait()
            statuses.append(client.post(_url(session), body, format="json").status_code)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(statuses) == [200] * 19 + [201]
    assert LiftSet.objects.filter(client_id=body["client_id"]).count() == 1
    assert session.sets.count() == 1
