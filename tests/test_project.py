from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Model

from athletes.models import Athlete, Coach
from plans.models import WeeklyPlan
from workouts.models import LiftSession, LiftSet, RunSession


@pytest.mark.django_db  # the JSON fields' check asks the database what it supports
def test_system_check_is_clean():
    call_command("check", fail_level="WARNING")


@pytest.mark.django_db
def test_migrations_match_the_models():
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())


def counts() -> dict[str, int]:
    models: list[type[Model]] = [
        get_user_model(),
        Coach,
        Athlete,
        WeeklyPlan,
        RunSession,
        LiftSession,
        LiftSet,
    ]
    return {model.__name__: model._default_manager.count() for model in models}


@pytest.mark.django_db
def test_seed_demo_twice_gives_the_same_counts():
    call_command("seed_demo", stdout=StringIO())
    first = counts()
    call_command("seed_demo", stdout=StringIO())
    assert counts() == first
    assert first["Coach"] == 1
    assert first["Athlete"] == 12
    zones = set(Athlete.objects.values_list("time_zone", flat=True))
    assert len(zones) >= 4
    assert "Pacific/Auckland" in zones


@pytest.mark.django_db
def test_create_coach_with_password():
    call_command("create_coach", "casey", "--password", "a-long-coach-password", stdout=StringIO())
    coach = Coach.objects.get(user__username="casey")
    assert coach.time_zone == "UTC"
    assert coach.user.check_password("a-long-coach-password")


@pytest.mark.django_db
def test_create_coach_refuses_a_taken_name_and_a_weak_password():
    call_command("create_coach", "casey", "--password", "a-long-coach-password", stdout=StringIO())
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_coach", "casey", "--password", "a-long-coach-password")
    with pytest.raises(CommandError):
        call_command("create_coach", "robin", "--password", "123")
    assert not Coach.objects.filter(user__username="robin").exists()
