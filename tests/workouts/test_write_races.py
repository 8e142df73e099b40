"""Writes on one athlete from many threads at once, on PostgreSQL: rotating the calendar secret,
editing a lift session's notes and logging sets take their locks in one order, so none of them
deadlocks; a deadlock or serialization failure that still happens is retried, never a 503."""

import logging
import threading
import time
import uuid
from collections import Counter

import pytest
from django.db import connection, connections
from django.urls import reverse

from athletes.models import Athlete
from tests.api.conftest import client_for, publish
from tests.factories import AthleteFactory, CoachFactory, LiftSessionFactory
from workouts.models import LiftSession, LiftSet
from workouts.services import DoneValues, log_set

SECONDS = 4.0

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks and deadlocks are PostgreSQL's; SQLite serialises writers",
)


@pytest.fixture
def generous_throttles(settings):
    # Hundreds of requests a second from one user on purpose; throttling is tested elsewhere.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1000000/min", "user": "1000000/min"},
    }


@pytest.mark.django_db(transaction=True)
def test_secret_rotation_notes_and_sets_on_one_athlete_at_once(caplog, generous_throttles):
    coach = CoachFactory()
    athlete = AthleteFactory(coach=coach)
    session = LiftSessionFactory(athlete=athlete)
    publish(athlete)
    answers: Counter[tuple[str, int]] = Counter()
    logged: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + SECONDS

    def run(kind: str, user, send) -> None:
        client = client_for(user)
        try:
            n = 0
            while time.monotonic() < deadline:
                n += 1
                status = send(client, n)
                with lock:
                    answers[(kind, status)] += 1
        finally:
            connections.close_all()

    def rotate(client, n):
        return client.post(reverse("api:athlete-calendar", args=[athlete.pk])).status_code

    def notes(client, n):
        url = reverse("api:lift-session-detail", args=[session.pk])
        return client.patch(url, {"notes": f"note {n}"}, format="json").status_code

    def log(client, n):
        client_id = str(uuid.uuid4())
        response = client.post(
            reverse("api:log-set", args=[session.pk]),
            {"reps": 3, "load_kg": 100, "client_id": client_id},
            format="json",
        )
        if response.status_code == 201:
            with lock:
                logged.append(client_id)
        return response.status_code

    threads = [
        *(threading.Thread(target=run, args=("rotate", coach.user, rotate)) for _ in range(2)),
        threading.Thread(target=run, args=("notes", athlete.user, notes)),
        *(threading.Thread(target=run, args=("log", athlete.user, log)) for _ in range(3)),
    ]
    with caplog.at_level(logging.WARNING, logger="ironstride.db"):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=SECONDS + 30)
    assert not any(thread.is_alive() for thread in threads)
    assert {status for _, status in answers} <= {200, 201}, answers
    assert {kind for kind, _ in answers} == {"rotate", "notes", "log"}
    stored = Counter(LiftSet.objects.filter(session=session).values_list("client_id", flat=True))
    assert sorted(str(c) for c in stored if c is not None) == sorted(logged)
    assert all(count == 1 for count in stored.values())
    # One lock order: no deadlock even needed the retry (with the athlete trigger revising on
    # the secret too, this ran into four in as many seconds).
    conflicts = [r for r in caplog.records if getattr(r, "event", None) == "write_conflict"]
    assert conflicts == []


@pytest.mark.django_db(transaction=True)
def test_reactivations_beside_session_writes_never_deadlock(caplog):
    """A reactivation writes the new secret after the change that moves the revision: the
    secret's row lock, held while it waited for the revision row, met session writes holding
    the revision row and waiting for a foreign-key lock on the athlete."""
    athlete = AthleteFactory()
    session = LiftSessionFactory(athlete=athlete)
    deadline = time.monotonic() + SECONDS / 2
    done: Counter[str] = Counter()
    errors: list[BaseException] = []

    def loop(kind: str, step) -> None:
        try:
            while time.monotonic() < deadline:
                step()
                done[kind] += 1
        except BaseException as error:  # noqa: BLE001 - handed to the test
            errors.append(error)
        finally:
            connections.close_all()

    def toggle() -> None:
        fresh = Athlete.objects.select_related("user").get(pk=athlete.pk)
        fresh.deactivate()
        fresh.activate()

    def log() -> None:
        fresh = LiftSession.objects.get(pk=session.pk)
        log_set(session=fresh, client_id=uuid.uuid4(), values=DoneValues(reps=3))

    def notes() -> None:
        # A bare save, without the retry: a deadlock here would be an error.
        fresh = LiftSession.objects.get(pk=session.pk)
        fresh.notes = f"note {done['notes']}"
        fresh.save()

    threads = [
        threading.Thread(target=loop, args=("toggle", toggle)),
        threading.Thread(target=loop, args=("log", log)),
        threading.Thread(target=loop, args=("log", log)),
        threading.Thread(target=loop, args=("notes", notes)),
    ]
    with caplog.at_level(logging.WARNING, logger="ironstride.db"):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=SECONDS + 30)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert set(done) == {"toggle", "log", "notes"}
    assert [r for r in caplog.records if getattr(r, "event", None) == "write_conflict"] == []
