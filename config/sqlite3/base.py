"""Django's SQLite backend, with the threads of one process queueing for the write lock.

SQLite lets one writer at a time hold its lock; the others wait in its busy handler, which
polls with sleeps of up to 100 ms. Polling is unfair: a thread that just woke up finds the lock
taken again by a newcomer, and under a handful of concurrent writers (a threaded server such as
`make run`'s) some waited past the 20 s busy timeout and their users got "database is
locked" (loadtest/sqlite_writers.py, 16 threads: 7 errors in 30 s, waits up to 21 s). So the
threads of a process take turns first-come, first-served on a lock of their own before BEGIN
IMMEDIATE: at most one of them asks SQLite at a time, and a turn is handed over directly
instead of polled for. Processes (gunicorn workers) still meet in SQLite's busy handler, but
there are few of them.

The in-memory test database is left alone: the test runner keeps one transaction open for a
whole test while the live server's thread shares that connection."""

import threading
from collections import deque

from django.db import OperationalError
from django.db.backends.sqlite3 import base


class FifoLock:
    """A lock granted in arrival order: release hands it to the longest waiter."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._waiters: deque[threading.Lock] = deque()
        self._held = False

    def acquire(self, timeout: float) -> bool:
        with self._mutex:
            if not self._held:
                self._held = True
                return True
            turn = threading.Lock()
            turn.acquire()
            self._waiters.append(turn)
        if turn.acquire(timeout=timeout):
            return True
        with self._mutex:
            if turn in self._waiters:
                self._waiters.remove(turn)
                return False
        return True  # handed over just as the wait ran out

    def release(self) -> None:
        with self._mutex:
            if self._waiters:
                self._waiters.popleft().release()  # still held: now by that waiter
            else:
                self._held = False


_locks: dict[str, FifoLock] = {}
_locks_mutex = threading.Lock()


def write_lock_for(name: str) -> FifoLock:
    with _locks_mutex:
        return _locks.setdefault(name, FifoLock())


class DatabaseWrapper(base.DatabaseWrapper):
    holds_write_lock = False

    def _write_lock(self) -> FifoLock | None:
        if self.is_in_memory_db():
            return None
        return write_lock_for(str(self.settings_dict["NAME"]))

    def _start_transaction_under_autocommit(self):
        lock = self._write_lock()
        if lock is None or self.holds_write_lock:
            return super()._start_transaction_under_autocommit()  # type: ignore[misc]  # private API the stubs leave out
        # The same bound as SQLite's own wait, and the same error when it runs out.
        timeout = self.settings_dict["OPTIONS"].get("timeout", 5)
        if not lock.acquire(timeout=timeout):
            raise OperationalError("database is locked")
        self.holds_write_lock = True
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]  # private API the stubs leave out
        except BaseException:
            self._release_write_lock()
            raise

    def _release_write_lock(self) -> None:
        if self.holds_write_lock:
            self.holds_write_lock = False
            lock = self._write_lock()
            if lock is not None:
                lock.release()

    def _commit(self):
        try:
            return super()._commit()  # type: ignore[misc]  # private API the stubs leave out
        finally:
            self._release_write_lock()

    def _rollback(self):
        try:
            return super()._rollback()  # type: ignore[misc]  # private API the stubs leave out
        finally:
            self._release_write_lock()

    def _close(self):
        try:
            return super()._close()  # type: ignore[misc]  # private API the stubs leave out
        finally:
            self._release_write_lock()
