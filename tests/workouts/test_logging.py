"""Logging sets: idempotent by client_id, locked once the session is done, never half-written."""

import threading
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from plans.domain.errors import Conflict
from tests.factories import LiftSessionFactory, LiftSetFactory
from workouts.models import LiftSet, SessionStatus
from workouts.services import (
    DoneValues,
    delete_logged_set,
    log_set,
    mark_done,
    update_logged_set,
)

pytestmark = pytest.mark.django_db

THREE_AT_100 = DoneValues(reps=3, load_kg=Decimal("100"), rir=1)


@pytest.fixture
def session():
    session = LiftSessionFactory()
    for order in (1, 2, 3):
        LiftSetFactory(session=session, order=order)
    return session


def test_logging_fills_the_first_prescribed_set_then_appends(session):
    ids = [uuid.uuid4() for _ in range(4)]
    logged = [log_set(session=session, client_id=i, values=THREE_AT_100) for i in ids]
    assert all(item.created for item in logged)
    assert [item.lift_set.order for item in logged] == [1, 2, 3, 4]
    assert session.sets.count() == 4
    assert session.sets.get(order=4).target_reps is None


def test_the_same_client_id_and_values_twice_is_one_row(session):
    client_id = uuid.uuid4()
    first = log_set(session=session, client_id=client_id, values=THREE_AT_100)
    again = log_set(
        session=session,
        client_id=client_id,
        values=DoneValues(reps=3, load_kg=Decimal("100.00"), rir=1),
        order=3,  # where to put it is not compared: the first send was placed
    )
    assert again.created is False
    assert again.lift_set.pk == first.lift_set.pk
    assert LiftSet.objects.filter(client_id=client_id).count() == 1


def test_the_same_client_id_with_other_values_is_a_conflict(session):
    client_id = uuid.uuid4()
    log_set(session=session, client_id=client_id, values=THREE_AT_100)
    with pytest.raises(Conflict, match="other values"):
        log_set(session=session, client_id=client_id, values=DoneValues(reps=4))
    assert LiftSet.objects.get(client_id=client_id).reps == 3


def test_a_client_id_of_another_session_is_a_conflict(session):
    client_id = uuid.uuid4()
    log_set(session=session, client_id=client_id, values=THREE_AT_100)
    with pytest.raises(Conflict, match="another set"):
        log_set(session=LiftSessionFactory(), client_id=client_id, values=THREE_AT_100)
    assert LiftSet.objects.filter(client_id=client_id).count() == 1


def test_a_chosen_prescribed_set_is_filled(session):
    target = session.sets.get(order=3)
    logged = log_set(session=session, client_id=uuid.uuid4(), values=THREE_AT_100, set_id=target.pk)
    assert logged.lift_set.pk == target.pk


@pytest.mark.parametrize(
    "values",
    [
        DoneValues(reps=0),
        DoneValues(reps=101),
        DoneValues(reps=3, rir=11),
        DoneValues(reps=3, load_kg=Decimal("-5")),
        DoneValues(reps=3, load_kg=Decimal("600.5")),
    ],
    ids=["reps 0", "reps 101", "RIR 11", "load -5", "load 600.5"],
)
def test_bad_values_are_refused_and_write_nothing(session, values):
    with pytest.raises(ValidationError):
        log_set(session=session, client_id=uuid.uuid4(), values=values)
    assert not session.sets.filter(reps__isnull=False).exists()


def test_a_done_session_locks_its_sets_but_retries_still_answer(session):
    client_id = uuid.uuid4()
    logged = log_set(session=session, client_id=client_id, values=THREE_AT_100)
    mark_done(session=session)
    session.refresh_from_db()
    assert session.status == SessionStatus.DONE
    assert session.actual_start == session.start
    with pytest.raises(Conflict):
        log_set(session=session, client_id=uuid.uuid4(), values=THREE_AT_100)
    with pytest.raises(Conflict):
        update_logged_set(lift_set=logged.lift_set, values=DoneValues(reps=4))
    with pytest.raises(Conflict):
        delete_logged_set(lift_set=logged.lift_set)
    assert log_set(session=session, client_id=client_id, values=THREE_AT_100).created is False


def test_deleting_a_prescribed_set_clears_only_what_was_done(session):
    logged = log_set(session=session, client_id=uuid.uuid4(), values=THREE_AT_100).lift_set
    delete_logged_set(lift_set=logged)
    logged.refresh_from_db()
    assert (logged.reps, logged.load_kg, logged.client_id) == (None, None, None)
    assert logged.target_reps == 3


def test_deleting_an_extra_set_removes_it(session):
    for _ in range(4):
        extra = log_set(session=session, client_id=uuid.uuid4(), values=THREE_AT_100).lift_set
    delete_logged_set(lift_set=extra)
    assert session.sets.count() == 3


def test_update_changes_the_done_values(session):
    logged = log_set(session=session, client_id=uuid.uuid4(), values=THREE_AT_100).lift_set
    update_logged_set(lift_set=logged, values=DoneValues(reps=4, load_kg=Decimal("100"), rir=2))
    logged.refresh_from_db()
    assert (logged.reps, logged.rir) == (4, 2)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrent connections")
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_submissions_of_one_client_id_store_one_row():
    session = LiftSessionFactory()
    LiftSetFactory(session=session, order=1)
    client_id = uuid.uuid4()
    barrier = threading.Barrier(20)
    answers, errors = [], []

    def submit():
        try:
            barrier.wait()
            answers.append(log_set(session=session, client_id=client_id, values=THREE_AT_100))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert LiftSet.objects.filter(client_id=client_id).count() == 1
    assert session.sets.count() == 1
    assert sum(answer.created for answer in answers) == 1
    assert len({answer.lift_set.pk for answer in answers}) == 1


def test_a_replay_is_one_read_without_a_write_transaction(session, django_assert_num_queries):
    # On SQLite a write transaction waits for the database's one write lock; a replay only
    # needs to find the stored set.
    client_id = uuid.uuid4()
    first = log_set(session=session, client_id=client_id, values=THREE_AT_100)
    with django_assert_num_queries(1) as captured:
        again = log_set(session=session, client_id=client_id, values=THREE_AT_100)
    assert again.created is False and again.lift_set.pk == first.lift_set.pk
    assert "SAVEPOINT" not in captured.captured_queries[0]["sql"]
