"""One write transaction, started over when PostgreSQL gave up on it for a reason a second
try fixes: it was the victim of a deadlock (SQLSTATE 40P01) or could not be serialised
(40001). Every app's writes use it, so it lives in the lowest app."""

import functools
import logging
import random
import time
from collections.abc import Callable

from django.db import DatabaseError, OperationalError, transaction

ATTEMPTS = 3
WRITE_CONFLICTS = frozenset({"40P01", "40001"})

log = logging.getLogger("ironstride.db")


def sqlstate(error: DatabaseError) -> str | None:
    """The SQLSTATE of the driver's error that Django wrapped (psycopg names it `sqlstate`)."""
    return getattr(error.__cause__, "sqlstate", None)


def is_write_conflict(error: BaseException) -> bool:
    return isinstance(error, OperationalError) and sqlstate(error) in WRITE_CONFLICTS


def atomic_with_retry[**P, R](func: Callable[P, R]) -> Callable[P, R]:
    """Runs `func` in a transaction of its own, up to ATTEMPTS times while it loses to a
    write conflict. `func` must be safe to run again from the start: the transaction it ran
    in was rolled back. Inside a caller's transaction it runs once: that transaction holds
    locks of its own, and only its owner can start it over."""

    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        if not transaction.get_autocommit():
            with transaction.atomic():
                return func(*args, **kwargs)
        for attempt in range(1, ATTEMPTS + 1):
            try:
                with transaction.atomic():
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
