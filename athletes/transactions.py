"""One write transaction: on SQLite, the threads of a process take turns for it in arrival
order; on PostgreSQL, started over when the database gave up on it for a reason a second try
fixes: it was the victim of a deadlock (SQLSTATE 40P01) or could not be serialised (40001).
Every app's writes use it, so it lives in the lowest app.

Why the turns: SQLite lets one writer at a time hold its lock, and the others wait in its busy
handler, which polls with sleeps growing to 100 ms. Polling is unfair: a writer that has waited
long sleeps longest, and newcomers take the lock before it wakes. Under 16 threads logging sets
in one process (`make run`'s threaded server; loadtest/sqlite_writers.py) Django's backend with
IMMEDIATE transactions and a 20 s timeout had writers wait up to 19.5 s, p99 5.5 s; taking
turns first, at most one thread of a process asks SQLite at a time and the longest wait was
about 1 s (README, Configuration). Processes (gunicorn workers) still meet in SQLite's busy
handler, but there are few of them."""

import functools
import logging
import random
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, DatabaseError, OperationalError, connections, transaction

ATTEMPTS = 3
WRITE_CONFLICTS = frozenset({"40P01", "40001"})

log = logging.getLogger("ironstride.db")


def sqlstate(error: DatabaseError) -> str | None:
    """The SQLSTATE of the driver's error that Django wrapped (psycopg names it `sqlstate`)."""
    return getattr(error.__cause__, "sqlstate", None)


def is_write_conflict(error: BaseException) -> bool:
    return isinstance(error, OperationalError) and sqlstate(error) in WRITE_CONFLICTS


def atomic_with_retry[**P, R](func: Callable[P, R]) -> Callable[P, R]:
    """Runs `func` in a transaction of its own (on SQLite after its turn, see write_turn), up
    to ATTEMPTS times while it loses to a write conflict. `func` must be safe to run again from
    the start: the transaction it ran in was rolled back. Inside a caller's transaction it runs
    once: that transaction holds locks of its own, and only its owner can start it over."""

    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        if not transaction.get_autocommit():
            with transaction.atomic():
                return func(*args, **kwargs)
        for attempt in range(1, ATTEMPTS + 1):
            try:
                with write_turn(), transaction.atomic():
                    return func(*args, **kwargs)
            except OperationalError as error:
                if attempt == ATTEMPTS or not is_write_conflict(error):
                    raise
                log.warning(
                    "%s: write conflict (%s), attempt %d of %d; trying again",
                    func.__qualname__,
                    sqlstate(error),
                    attempt,
                    ATTEMPTS,
                    extra={"event": "write_conflict", "sqlstate": sqlstate(error)},
                )
                # A little jitter, so the two sides of a deadlock don't meet again at once.
                time.sleep(random.uniform(0.005, 0.02) * attempt)
        raise AssertionError("unreachable")

    return run


# ---------------------------------------------------------------------------- SQLite's turns


class FifoLock:
    """A lock granted in arrival order: release hands it to the longest waiter."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._waiters: deque[threading.Lock] = deque()
        self._held = False

    @property
    def waiting(self) -> int:
        return len(self._waiters)

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


_turns: dict[str, FifoLock] = {}
_turns_mutex = threading.Lock()


def turns_for(name: str) -> FifoLock:
    """The queue of this process's writers to the SQLite file `name`."""
    with _turns_mutex:
        return _turns.setdefault(name, FifoLock())


@contextmanager
def write_turn(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Around a write transaction on SQLite: waits for this thread's turn among the threads of
    the process writing to the same file, in arrival order, for as long as SQLite's own busy
    timeout, then "database is locked" as SQLite would say. Elsewhere, and inside a
    transaction (whose writer already holds SQLite's lock), it does nothing."""
    connection = connections[using]
    if connection.vendor != "sqlite" or not transaction.get_autocommit(using):
        yield
        return
    turns = turns_for(str(connection.settings_dict["NAME"]))
    if not turns.acquire(timeout=connection.settings_dict["OPTIONS"].get("timeout", 5)):
        raise OperationalError("database is locked")
    try:
        yield
    finally:
        turns.release()
