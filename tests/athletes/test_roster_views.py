"""The roster pages: add an athlete with a login, edit, deactivate."""

from datetime import time
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from athletes.models import Athlete
from tests.factories import PASSWORD, AthleteFactory, CoachFactory, login_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def coach_client(client, coach):
    client.force_login(coach.user)
    return client


def new_athlete(**overrides):
    data = {
        "username": "maya",
        "password": "a-long-athlete-password",
        "first_name": "Maya",
        "last_name": "Lind",
        "time_zone": "Europe/Stockholm",
        "training_window_start": "06:30",
        "training_window_end": "20:00",
        "load_increment_kg": "1.25",
    }
    return {**data, **overrides}


def test_roster_lists_own_athletes_only(coach_client, athlete):
    stranger = AthleteFactory()
    response = coach_client.get(reverse("athletes:roster"))
    assert response.status_code == 200
    assert athlete.user.username in response.content.decode()
    assert stranger.user.username not in response.content.decode()
    assert b"<title>Roster" in response.content


def test_add_form_offers_time_zones(coach_client):
    response = coach_client.get(reverse("athletes:add"))
    assert response.status_code == 200
    assert b'<option value="Pacific/Auckland"' in response.content


def test_add_athlete_creates_the_login(coach_client, coach):
    response = coach_client.post(reverse("athletes:add"), new_athlete())
    assert response.status_code == 302
    maya = Athlete.objects.get(user__username="maya")
    assert maya.coach == coach
    assert maya.time_zone == "Europe/Stockholm"
    assert maya.training_window_start == time(6, 30)
    assert maya.load_increment_kg == Decimal("1.25")
    assert Client().login(
        request=login_request(), username="maya", password="a-long-athlete-password"
    )


@pytest.mark.parametrize(
    "overrides, field",
    [
        pytest.param({"time_zone": "Mars/Olympus"}, "time_zone", id="unknown time zone"),
        pytest.param(
            {"training_window_start": "21:00", "training_window_end": "06:00"},
            "training_window_end",
            id="window ends before it starts",
        ),
        pytest.param({"load_increment_kg": "0"}, "load_increment_kg", id="zero increment"),
        pytest.param({"password": "123"}, "password", id="weak password"),
        pytest.param({"username": ""}, "username", id="no username"),
    ],
)
def test_bad_athlete_input_writes_nothing(coach_client, overrides, field):
    users = get_user_model().objects.count()
    response = coach_client.post(reverse("athletes:add"), new_athlete(**overrides))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert get_user_model().objects.count() == users
    assert not Athlete.objects.filter(user__username="maya").exists()
    # The form keeps what the coach typed.
    assert b'value="Maya"' in response.content


def test_taken_username_is_refused(coach_client, athlete):
    response = coach_client.post(
        reverse("athletes:add"), new_athlete(username=athlete.user.username)
    )
    assert response.status_code == 400
    assert "username" in response.context["form"].errors


def test_edit_athlete(coach_client, athlete):
    response = coach_client.post(
        reverse("athletes:edit", args=[athlete.pk]),
        {
            "first_name": "Renamed",
            "last_name": "Runner",
            "time_zone": "Asia/Tokyo",
            "training_window_start": "07:00",
            "training_window_end": "19:00",
            "load_increment_kg": "5",
        },
    )
    assert response.status_code == 302
    athlete.refresh_from_db()
    athlete.user.refresh_from_db()
    assert (athlete.time_zone, athlete.user.first_name) == ("Asia/Tokyo", "Renamed")
    assert athlete.training_window_end == time(19)


def test_deactivate_stops_the_login(coach_client, athlete):
    response = coach_client.post(reverse("athletes:deactivate", args=[athlete.pk]))
    assert response.status_code == 302
    athlete.refresh_from_db()
    assert not athlete.is_active
    assert not Client().login(
        request=login_request(), username=athlete.user.username, password=PASSWORD
    )


def test_reactivate(coach_client, athlete):
    athlete.deactivate()
    coach_client.post(reverse("athletes:activate", args=[athlete.pk]))
    assert Client().login(
        request=login_request(), username=athlete.user.username, password=PASSWORD
    )


def test_deactivate_is_post_only(coach_client, athlete):
    response = coach_client.get(reverse("athletes:deactivate", args=[athlete.pk]))
    assert response.status_code == 405
    athlete.refresh_from_db()
    assert athlete.is_active


def test_deactivate_another_coachs_athlete_is_404(coach_client):
    other = AthleteFactory(coach=CoachFactory())
    response = coach_client.post(reverse("athletes:deactivate", args=[other.pk]))
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.is_active


def test_deactivate_needs_csrf(coach):
    client = Client(enforce_csrf_checks=True)
    client.force_login(coach.user)
    athlete = AthleteFactory(coach=coach)
    response = client.post(reverse("athletes:deactivate", args=[athlete.pk]))
    assert response.status_code == 403
    athlete.refresh_from_db()
    assert athlete.is_active


@pytest.mark.parametrize("name", ["athletes:roster", "athletes:add"])
def test_roster_pages_refuse_athletes_and_anonymous(client, athlete, name):
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    client.force_login(athlete.user)
    assert client.get(url).status_code == 403
