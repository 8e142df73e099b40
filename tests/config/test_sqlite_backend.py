"""The SQLite backend's write queue (config/sqlite3/base.py): the threads of a process take
turns for the write lock in arrival order, on a real database file."""

import threading
import time

import pytest
from django.db import OperationalError, connections

from config.sqlite3.base import DatabaseWrapper, FifoLock, write_lock_for


@pytest.fixture(autouse=True)
def own_databases(django_db_blocker):
    # These tests open their own database files, never the test database.
    with django_db_blocker.unblock():
        yield


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
        wait_until(lambda n=number: len(lock._waiters) == n + 1)  # queued before the next
    lock.release()
    for thread in threads:
        thread.join(timeout=10)
    assert granted == [0, 1, 2, 3, 4]
    assert lock.acquire(timeout=0)  # free again


def test_a_wait_that_runs_out_leaves_the_queue():
    lock = FifoLock()
    lock.acquire(timeout=1)
    assert lock.acquire(timeout=0.05) is False
    assert not lock._waiters
    lock.release()
    assert lock.acquire(timeout=0)


def database_settings(alias, **values):
    """A settings dict with Django's defaults filled in, as for an entry of DATABASES."""
    return connections.configure_settings({"default": {}, alias: values})[alias]


def sqlite_file(tmp_path, name="queue.sqlite3", timeout=20):
    alias = f"queue_{name}"
    settings = database_settings(
        alias,
        ENGINE="config.sqlite3",
        NAME=str(tmp_path / name),
        OPTIONS={"transaction_mode": "IMMEDIATE", "timeout": timeout},
    )

    def open_wrapper():
        wrapper = DatabaseWrapper(settings, alias=alias)
        wrapper.ensure_connection()
        return wrapper

    return settings["NAME"], open_wrapper


def begin(wrapper):
    wrapper.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)


def end(wrapper, how="commit"):
    getattr(wrapper, how)()
    wrapper.set_autocommit(True)


@pytest.mark.parametrize("how", ["commit", "rollback", "close"])
def test_a_second_writer_waits_for_the_first_to_finish(tmp_path, how):
    name, open_wrapper = sqlite_file(tmp_path)
    first = open_wrapper()
    with first.cursor() as cursor:
        cursor.execute("CREATE TABLE t (n INTEGER)")
    begin(first)
    with first.cursor() as cursor:
        cursor.execute("INSERT INTO t VALUES (1)")
    events = []

    def second_writer():
        second = open_wrapper()
        begin(second)
        events.append("second began")
        with second.cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES (2)")
        end(second)
        second.close()

    thread = threading.Thread(target=second_writer)
    thread.start()
    wait_until(lambda: len(write_lock_for(name)._waiters) == 1)  # queued, not polling SQLite
    assert events == []
    if how == "close":
        first.close()
    else:
        end(first, how)
    thread.join(timeout=10)
    assert events == ["second began"]
    assert write_lock_for(name).acquire(timeout=0)  # nobody kept it
    write_lock_for(name).release()
    first.close()


def test_a_writer_that_waits_too_long_gets_database_is_locked(tmp_path):
    name, open_wrapper = sqlite_file(tmp_path, "short.sqlite3", timeout=0.1)
    first = open_wrapper()
    begin(first)
    errors = []

    def second_writer():
        second = open_wrapper()
        try:
            begin(second)
        except OperationalError as error:
            errors.append(str(error))
        finally:
            second.close()

    thread = threading.Thread(target=second_writer)
    thread.start()
    thread.join(timeout=10)
    assert errors == ["database is locked"]
    assert not write_lock_for(name)._waiters
    end(first)
    first.close()


def test_the_in_memory_database_is_left_alone():
    settings = database_settings(
        "mem", ENGINE="config.sqlite3", NAME=":memory:", OPTIONS={"timeout": 1}
    )
    wrapper = DatabaseWrapper(settings, alias="mem")
    begin(wrapper)
    assert wrapper.holds_write_lock is False
    end(wrapper)
    wrapper.close()
