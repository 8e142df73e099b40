"""The one access module: coaches see their own athletes; anyone else is refused."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from athletes.access import athletes_for, coach_for, get_athlete_for
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
