"""On SQLite the threads of a process take turns for the write lock in arrival order
(athletes/transactions.py, write_turn), instead of polling for it in SQLite's busy handler."""

import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import OperationalError, connection, transaction

from athletes.transactions import FifoLock, atomic_with_retry, turns_for, write_turn

on_sqlite = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's writers only: PostgreSQL locks rows"
)


def wait_until(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.005)


def test_turns_are_granted_in_arrival_order():
    lock = FifoLock()
    assert lock.acquire(timeout=1)
    granted = []

    def wait_for_turn(number):
        assert lock.acquire(timeout=10)
        granted.append(number)
        lock.release()

    threads = []
    for number in range(5):
        thread = threading.Thread(target=wait_for_turn, args=(number,))
        thread.start()
        threads.append(thread)
        wait_until(lambda n=number: lock.waiting == n + 1)  # queued before the next
    lock.release()
    for thread in threads:
        thread.join(timeout=10)
    assert granted == [0, 1, 2, 3, 4]
    assert lock.acquire(timeout=0)  # free again


def test_a_wait_that_runs_out_leaves_the_queue():
    lock = FifoLock()
    lock.acquire(timeout=1)
    assert lock.acquire(timeout=0.05) is False
    assert lock.waiting == 0
    lock.release()
    assert lock.acquire(timeout=0)


@atomic_with_retry
def add_user(name: str, written: list[str]) -> None:
    get_user_model().objects.create(username=name)
    written.append(name)


def in_thread(target, *args) -> threading.Thread:
    def run():
        try:
            target(*args)
        finally:
            connection.close()  # each thread has its own connection

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@on_sqlite
@pytest.mark.django_db(transaction=True)
def test_writers_of_one_process_write_in_arrival_order():
    turns = turns_for(str(connection.settings_dict["NAME"]))
    written: list[str] = []
    threads = []
    with write_turn(), transaction.atomic():
        get_user_model().objects.create(username="first")
        for number in range(4):
            threads.append(in_thread(add_user, f"writer{number}", written))
            wait_until(lambda n=number: turns.waiting == n + 1)  # queued, not polling SQLite
        assert written == []
    for thread in threads:
        thread.join(timeout=20)
    assert written == ["writer0", "writer1", "writer2", "writer3"]
    assert get_user_model().objects.filter(username__startswith="writer").count() == 4
    assert turns.acquire(timeout=0)  # nobody kept a turn
    turns.release()


@on_sqlite
@pytest.mark.django_db(transaction=True)
def test_a_turn_is_handed_on_when_the_transaction_fails():
    turns = turns_for(str(connection.settings_dict["NAME"]))

    @atomic_with_retry
    def fail():
        get_user_model().objects.create(username="rolled-back")
        raise ValueError("no")

    with pytest.raises(ValueError):
        fail()
    assert not get_user_model().objects.filter(username="rolled-back").exists()
    assert turns.acquire(timeout=0)
    turns.release()


@on_sqlite
@pytest.mark.django_db(transaction=True)
def test_a_writer_that_waits_past_the_timeout_gets_database_is_locked(monkeypatch):
    monkeypatch.setitem(connection.settings_dict["OPTIONS"], "timeout", 0.1)
    errors: list[str] = []

    def late_writer():
        try:
            add_user("late", [])
        except OperationalError as error:
            errors.append(str(error))

    with write_turn(), transaction.atomic():
        in_thread(late_writer).join(timeout=10)
    assert errors == ["database is locked"]
    assert turns_for(str(connection.settings_dict["NAME"])).waiting == 0
    assert not get_user_model().objects.filter(username="late").exists()


@pytest.mark.django_db
def test_inside_a_transaction_there_is_no_turn_to_take():
    # The test's own transaction is open: its writer already holds SQLite's lock.
    turns = turns_for(str(connection.settings_dict["NAME"]))
    with write_turn():
        assert turns.acquire(timeout=0)
        turns.release()
    add_user("nested", [])
    assert get_user_model().objects.filter(username="nested").exists()
