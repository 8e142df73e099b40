import os
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.core.cache import cache

from tests.factories import AthleteFactory, CoachFactory

# IRONSTRIDE_CLOCK=2026-12-02T11:00:00+00:00 runs the whole suite as if it were then (the clock
# keeps ticking from there): `make test-weekdays` runs it once under each day of the week, so no
# test can pass only on the day it was written. Every clock read in the app is timezone.now(),
# which time-machine moves in every thread, the live server's included.
_travel = None


def pytest_configure(config):
    global _travel
    if clock := os.environ.get("IRONSTRIDE_CLOCK"):
        _travel = time_machine.travel(datetime.fromisoformat(clock), tick=True)
        _travel.start()


def pytest_unconfigure(config):
    if _travel is not None:
        _travel.stop()


def pytest_report_header(config):
    return f"clock: {os.environ.get('IRONSTRIDE_CLOCK') or 'the real one'}"


@contextmanager
def clock_before(monday: date):
    """Saturday noon UTC before the week of `monday`, the clock ticking on: a test about a
    fixed week schedules into it as the coach would, before it starts, on any day it runs."""
    with time_machine.travel(
        datetime.combine(monday - timedelta(days=2), time(12), UTC), tick=True
    ):
        yield


@pytest.fixture(autouse=True)
def empty_cache():
    # Cached answers are keyed on ids and revisions, which a rolled-back test gives out again.
    cache.clear()
    yield


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashers are slow on purpose; the tests only need logins to work.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def coach(db):
    return CoachFactory()


@pytest.fixture
def athlete(coach):
    return AthleteFactory(coach=coach)
