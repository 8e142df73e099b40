"""Database errors told apart, on PostgreSQL with real errors: a lost connection is a 503; a
deadlock is retried (athletes.transactions) and, like any other error of a database that is
answering, never a 503 but logged with its cause."""

import logging
import threading

import pytest
from django.db import OperationalError, connection, connections, transaction
from django.http import JsonResponse
from django.urls import path

from athletes.models import Athlete
from athletes.transactions import ATTEMPTS, atomic_with_retry, is_write_conflict
from tests.factories import AthleteFactory, CoachFactory
from tests.web.test_health import database_away
from web.health import _is_connection_error

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="deadlocks and SQLSTATEs are PostgreSQL's"
)


def _lock(pk: int) -> None:
    Athlete.objects.select_for_update().get(pk=pk)


def _deadlock(first: Athlete, second: Athlete, body) -> list[BaseException | None]:
    """Two threads lock the two rows in opposite orders; `body(a, b, meet)` runs in each."""
    meet = threading.Barrier(2, timeout=10)
    outcome: list[BaseException | None] = [None, None]

    def run(index: int, a: Athlete, b: Athlete) -> None:
        try:
            body(a, b, meet)
        except BaseException as error:  # noqa: BLE001 - handed to the test
            outcome[index] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(0, first, second)),
        threading.Thread(target=run, args=(1, second, first)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcome


@pytest.mark.django_db(transaction=True)
def test_a_deadlock_is_retried_and_both_writers_succeed():
    first, second = AthleteFactory(), AthleteFactory()
    attempts = []

    @atomic_with_retry
    def write(a: Athlete, b: Athlete, meet: threading.Barrier) -> None:
        attempts.append(a.pk)
        _lock(a.pk)
        if len(attempts) <= 2:  # only the first attempts meet: the retry goes through alone
            meet.wait()
        _lock(b.pk)
        Athlete.objects.filter(pk__in=[a.pk, b.pk]).update(load_increment_kg=5)

    assert _deadlock(first, second, write) == [None, None]
    assert len(attempts) == 3  # PostgreSQL gave up one of the two; it ran again


@pytest.mark.django_db(transaction=True)
def test_a_deadlock_is_an_error_of_an_answering_database_not_a_lost_connection():
    first, second = AthleteFactory(), AthleteFactory()

    def write(a: Athlete, b: Athlete, meet: threading.Barrier) -> None:
        with transaction.atomic():
            _lock(a.pk)
            meet.wait()
            _lock(b.pk)

    errors = [error for error in _deadlock(first, second, write) if error is not None]
    assert len(errors) == 1
    assert isinstance(errors[0], OperationalError)
    assert is_write_conflict(errors[0])
    assert not _is_connection_error(errors[0])


@pytest.mark.django_db(transaction=True)
def test_retries_give_up_after_a_few_attempts():
    calls = []

    @atomic_with_retry
    def always_loses() -> None:
        calls.append(1)
        with connection.cursor() as cursor:
            # A real serialization failure, raised by the server with its SQLSTATE.
            cursor.execute(
                "DO $$ BEGIN RAISE EXCEPTION 'lost' USING ERRCODE = 'serialization_failure'; END $$"
            )

    with pytest.raises(OperationalError) as raised:
        always_loses()
    assert is_write_conflict(raised.value)
    assert len(calls) == ATTEMPTS


@pytest.mark.django_db(transaction=True)
def test_inside_a_callers_transaction_there_is_no_retry():
    calls = []

    @atomic_with_retry
    def loses() -> None:
        calls.append(1)
        with connection.cursor() as cursor:
            cursor.execute(
                "DO $$ BEGIN RAISE EXCEPTION 'lost' USING ERRCODE = 'deadlock_detected'; END $$"
            )

    with pytest.raises(OperationalError), transaction.atomic():
        loses()
    assert len(calls) == 1


@pytest.mark.django_db(transaction=True)
def test_a_lost_connection_is_one():
    with database_away(), pytest.raises(OperationalError) as raised:
        connection.ensure_connection()
    assert _is_connection_error(raised.value)


@pytest.mark.django_db(transaction=True)
def test_a_connection_the_server_terminated_is_a_lost_one():
    # What a restart does to every pooled connection: 57P01, "terminating connection due to
    # administrator command".
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]

    def terminate() -> None:  # from another thread, so on a connection of its own
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        finally:
            connection.close()

    thread = threading.Thread(target=terminate)
    thread.start()
    thread.join(timeout=10)
    with pytest.raises(OperationalError) as raised, connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    connection.close()
    assert _is_connection_error(raised.value)


# ---------------------------------------------------------------------------- through a view


def _timing_out(request):
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 10")
        try:
            cursor.execute("SELECT pg_sleep(1)")
        finally:
            cursor.execute("RESET statement_timeout")
    return JsonResponse({})


urlpatterns = [path("api/v1/slow/", _timing_out), path("slow/", _timing_out)]


@pytest.mark.parametrize("url", ["/api/v1/slow/", "/slow/"])
@pytest.mark.django_db(transaction=True)
def test_an_error_of_an_answering_database_is_a_logged_500_not_a_503(client, settings, caplog, url):
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False
    client.force_login(CoachFactory().user)
    with caplog.at_level(logging.ERROR):
        response = client.get(url)
    assert response.status_code == 500
    assert "Retry-After" not in response
    cause = [r for r in caplog.records if getattr(r, "event", None) == "database_error"]
    assert len(cause) == 1
    assert "QueryCanceled" in cause[0].getMessage()
    assert cause[0].sqlstate == "57014"
