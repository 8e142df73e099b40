from datetime import UTC, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db.models import Model

from athletes.models import Athlete, Coach
from workouts.models import Exercise, LiftSession, LiftSet, RunKind, RunSession

PASSWORD = "correct-horse-battery"


class ModelFactory[M: Model](factory.django.DjangoModelFactory[M]):
    """factory_boy types `create()` but not the call `AthleteFactory()` that the tests use, which
    its metaclass answers with the model; this tells mypy so."""

    class Meta:
        abstract = True

    if TYPE_CHECKING:

        def __new__(cls, *args: Any, **kwargs: Any) -> M:  # type: ignore[misc]  # see the docstring
            ...


class UserFactory(ModelFactory[User]):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password(PASSWORD)


class CoachFactory(ModelFactory[Coach]):
    class Meta:
        model = Coach

    user = factory.SubFactory(UserFactory, username=factory.Sequence(lambda n: f"coach{n}"))
    time_zone = "UTC"


class AthleteFactory(ModelFactory[Athlete]):
    class Meta:
        model = Athlete

    user = factory.SubFactory(UserFactory, username=factory.Sequence(lambda n: f"athlete{n}"))
    coach = factory.SubFactory(CoachFactory)
    time_zone = "Europe/Berlin"
    training_window_start = time(6)
    training_window_end = time(21)
    load_increment_kg = Decimal("2.5")


class RunSessionFactory(ModelFactory[RunSession]):
    class Meta:
        model = RunSession

    athlete = factory.SubFactory(AthleteFactory)
    kind = RunKind.EASY
    start = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
    duration_minutes = 60


class LiftSessionFactory(ModelFactory[LiftSession]):
    class Meta:
        model = LiftSession

    athlete = factory.SubFactory(AthleteFactory)
    exercise = Exercise.DEADLIFT
    start = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)
    duration_minutes = 60


class LiftSetFactory(ModelFactory[LiftSet]):
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
