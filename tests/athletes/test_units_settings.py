"""/settings/: each user's own kg or lb (a coach also the unit new athletes start in), behind a
login and CSRF; the athlete's increment follows a change of unit when it was the default."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from athletes.models import Athlete
from plans.domain.units import default_increment_kg
from tests.api.conftest import client_for
from tests.factories import PASSWORD, AthleteFactory

pytestmark = pytest.mark.django_db

URL = "/settings/"


def logged_in(user, csrf=False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def test_the_url_is_named_settings():
    assert reverse("settings") == URL


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_coach_chooses_their_unit_and_the_default_for_new_athletes(coach):
    client = logged_in(coach.user)
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="units"' in html and 'name="default_athlete_units"' in html
    assert 'href="/settings/"' in html  # the coach nav links it
    response = client.post(URL, {"units": "lb", "default_athlete_units": "lb"})
    assert response.status_code == 302
    coach.refresh_from_db()
    assert (coach.units, coach.default_athlete_units) == ("lb", "lb")


def test_a_new_athlete_starts_in_the_coachs_default_with_its_increment(coach):
    coach.default_athlete_units = "lb"
    coach.save()
    client = logged_in(coach.user)
    form = client.get(reverse("athletes:add")).content.decode()
    assert "Load increment (lb)" in form and 'value="5"' in form
    data = {
        "username": "newton",
        "password": "a-long-enough-passphrase",
        "first_name": "Isaac",
        "time_zone": "Europe/London",
        "training_window_start": "06:00",
        "training_window_end": "21:00",
        "load_increment_kg": "5",
    }
    assert client.post(reverse("athletes:add"), data).status_code == 302
    athlete = Athlete.objects.get(user__username="newton")
    assert (athlete.units, athlete.load_increment_kg) == ("lb", Decimal("2.26796185"))
    # The roster shows the increment in the athlete's unit.
    assert "5 lb" in client.get(reverse("athletes:roster")).content.decode()


@pytest.mark.parametrize(
    ("typed", "ok"), [("0.56", True), ("0.55", False), ("55.11", True), ("55.12", False)]
)
def test_the_increment_in_pounds_keeps_the_databases_range(coach, typed, ok):
    athlete = AthleteFactory(coach=coach, units="lb")
    client = logged_in(coach.user)
    data = {
        "first_name": "A",
        "time_zone": "Europe/Berlin",
        "training_window_start": "06:00",
        "training_window_end": "21:00",
        "load_increment_kg": typed,
    }
    response = client.post(reverse("athletes:edit", args=[athlete.pk]), data)
    assert response.status_code == (302 if ok else 400)
    athlete.refresh_from_db()
    assert (athlete.load_increment_kg != Decimal("2.5")) is ok


@pytest.mark.parametrize(
    ("before", "units_before", "after"),
    [
        (Decimal("2.5"), "kg", default_increment_kg("lb")),  # the default follows the unit
        (Decimal("1.25"), "kg", Decimal("1.25")),  # a chosen one stays
    ],
)
def test_an_athlete_chooses_pounds(athlete, before, units_before, after):
    Athlete.objects.filter(pk=athlete.pk).update(load_increment_kg=before, units=units_before)
    client = logged_in(athlete.user)
    page = client.get(URL).content.decode()
    assert 'value="lb"' in page and 'href="/settings/"' in page  # the phone's bar links it
    assert client.post(URL, {"units": "lb"}).status_code == 302
    athlete.refresh_from_db()
    assert (athlete.units, athlete.load_increment_kg) == ("lb", after)
    # And back: 5 lb was the pound default, so it becomes 2.5 kg again.
    client.post(URL, {"units": "kg"})
    athlete.refresh_from_db()
    assert athlete.load_increment_kg == (Decimal("2.5") if before == Decimal("2.5") else before)


@pytest.mark.parametrize("data", [{"units": "stone"}, {}])
def test_a_bad_choice_is_400_and_writes_nothing(athlete, data):
    response = logged_in(athlete.user).post(URL, data)
    assert response.status_code == 400
    athlete.refresh_from_db()
    assert athlete.units == "kg"


def test_a_post_without_the_csrf_token_is_refused(athlete):
    response = logged_in(athlete.user, csrf=True).post(URL, {"units": "lb"})
    assert response.status_code == 403
    athlete.refresh_from_db()
    assert athlete.units == "kg"


def test_the_page_carries_a_csrf_token(athlete):
    client = logged_in(athlete.user, csrf=True)
    page = client.get(URL)
    token = page.cookies["csrftoken"].value
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()
    response = client.post(URL, {"units": "lb", "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_a_user_without_a_role_is_403(django_user_model):
    user = django_user_model.objects.create_user("staff", password=PASSWORD)
    assert logged_in(user).get(URL).status_code == 403


def test_the_athletes_api_sets_units_only_at_creation(coach):
    coach.default_athlete_units = "lb"
    coach.save()
    api = client_for(coach.user)
    body = {"username": "newbie", "password": "a-long-enough-passphrase"}
    created = api.post("/api/v1/athletes/", body, format="json")
    assert created.status_code == 201, created.json()
    assert (created.json()["units"], created.json()["load_increment_kg"]) == ("lb", 2.26796185)
    in_kg = api.post(
        "/api/v1/athletes/",
        {"username": "other", "password": "a-long-enough-passphrase", "units": "kg"},
        format="json",
    )
    assert (in_kg.json()["units"], in_kg.json()["load_increment_kg"]) == ("kg", 2.5)
    pk = created.json()["id"]
    refused = api.patch(f"/api/v1/athletes/{pk}/", {"units": "kg"}, format="json")
    assert refused.status_code == 400 and set(refused.json()) == {"units"}
    assert Athlete.objects.get(pk=pk).units == "lb"
    same = api.patch(f"/api/v1/athletes/{pk}/", {"units": "lb"}, format="json")
    assert same.status_code == 200
    in_lb = api.get(f"/api/v1/athletes/{pk}/?units=lb").json()
    assert (in_lb["load_increment_kg"], in_lb["load_increment_lb"]) == (2.26796185, 5.0)
