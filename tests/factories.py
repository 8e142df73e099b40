from datetime import UTC, datetime, time
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from athletes.models import Athlete, Coach
from workouts.models import Exercise, LiftSession, LiftSet, RunKind, RunSession

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password(PASSWORD)


class CoachFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Coach

    user = factory.SubFactory(UserFactory, username=factory.Sequence(lambda n: f"coach{n}"))
    time_zone = "UTC"


class AthleteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Athlete

    user = factory.SubFactory(UserFactory, username=factory.Sequence(lambda n: f"athlete{n}"))
    coach = factory.SubFactory(CoachFactory)
    time_zone = "Europe/Berlin"
    training_window_start = time(6)
    training_window_end = time(21)
    load_increment_kg = Decimal("2.5")


class RunSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RunSession

    athlete = factory.SubFactory(AthleteFactory)
    kind = RunKind.EASY
    start = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
    duration_minutes = 60


class LiftSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LiftSession

    athlete = factory.SubFactory(AthleteFactory)
    exercise = Exercise.DEADLIFT
    start = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)
    duration_minutes = 60


class LiftSetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LiftSet

    session = factory.SubFactory(LiftSessionFactory)
    order = factory.Sequence(lambda n: n + 1)
    is_warmup = False
    target_reps = 3
    target_load_kg = Decimal("100")
    target_rir = 1


def login_request():
    """A request for Client.login: django-axes counts logins per address and needs one."""
    from django.test import RequestFactory

    return RequestFactory().post("/login/")
