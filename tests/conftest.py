import pytest

from tests.factories import AthleteFactory, CoachFactory


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
