"""The one access module: coaches see their own athletes; anyone else is refused."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from athletes.access import (
    athlete_scope,
    athletes_for,
    coach_for,
    get_athlete_for,
    visible_athletes,
)
from plans.selectors import read_head
from tests.factories import AthleteFactory, CoachFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_coach_for_returns_the_coach(coach):
    assert coach_for(coach.user) == coach


@pytest.mark.parametrize(
    "make_user",
    [
        pytest.param(lambda: AthleteFactory().user, id="an athlete"),
        pytest.param(lambda: UserFactory(), id="a user with no role"),
        pytest.param(lambda: AnonymousUser(), id="anonymous"),
    ],
)
def test_coach_for_refuses_non_coaches(make_user):
    with pytest.raises(PermissionDenied):
        coach_for(make_user())


def test_athletes_for_lists_only_own_active_athletes(coach, athlete):
    AthleteFactory()  # another coach's
    retired = AthleteFactory(coach=coach)
    retired.deactivate()
    assert list(athletes_for(coach.user)) == [athlete]
    assert set(athletes_for(coach.user, include_inactive=True)) == {athlete, retired}


def test_get_athlete_for_another_coachs_athlete_is_404(coach):
    other = AthleteFactory(coach=CoachFactory())
    with pytest.raises(Http404):
        get_athlete_for(coach.user, other.pk)


def test_get_athlete_for_an_unknown_id_is_404(coach):
    with pytest.raises(Http404):
        get_athlete_for(coach.user, 999_999)


def test_get_athlete_for_an_athlete_user_is_403(athlete):
    with pytest.raises(PermissionDenied):
        get_athlete_for(athlete.user, athlete.pk)


def test_who_sees_which_athlete_through_the_orm_and_the_week_head_alike(coach, athlete):
    """athlete_scope is the one rule; visible_athletes applies it through the ORM and the week
    API's head (plans.selectors.read_head) in SQL: both answer the same for every pair of
    user and athlete, and the answer is the rule's."""
    retired = AthleteFactory(coach=coach)
    retired.deactivate()
    other = AthleteFactory(coach=CoachFactory())
    gone_coach = CoachFactory()
    gone_coach.user.is_active = False
    gone_coach.user.save()
    athletes = [athlete, retired, other, AthleteFactory(coach=gone_coach)]
    expected = {
        "the coach": {athlete, retired},
        "their athlete": {athlete},
        "a retired athlete": set(),
        "another coach's athlete": {other},
        "an inactive coach": set(),
        "a user with no role": set(),
        "anonymous": set(),
    }
    users = {
        "the coach": coach.user,
        "their athlete": athlete.user,
        "a retired athlete": retired.user,
        "another coach's athlete": other.user,
        "an inactive coach": gone_coach.user,
        "a user with no role": UserFactory(),
        "anonymous": AnonymousUser(),
    }
    for name, user in users.items():
        by_orm = set(visible_athletes(user).filter(pk__in=[a.pk for a in athletes]))
        by_head = {a for a in athletes if read_head(athlete_scope(user), a.pk) is not None}
        assert by_orm == by_head == expected[name], name
