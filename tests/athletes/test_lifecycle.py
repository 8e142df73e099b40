"""An account's life: a changed password ends the user's API tokens whatever changed it, and
a reactivated athlete's calendar feed comes back only under a new secret."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.urls import reverse
from knox.models import AuthToken

from athletes.models import Athlete
from tests.api.conftest import client_for
from tests.factories import PASSWORD, AthleteFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-passphrase"


def _tokens(user) -> int:
    return AuthToken.objects.filter(user=user).count()


@pytest.fixture
def signed_in(athlete):
    """The athlete with two API tokens (phone and laptop) and the coach with one."""
    for _ in range(2):
        AuthToken.objects.create(athlete.user)
    AuthToken.objects.create(athlete.coach.user)
    return athlete


def _logs_in(username: str, password: str) -> bool:
    response = client_for().post(
        reverse("api:token"), {"username": username, "password": password}, format="json"
    )
    return response.status_code == 200


# ---------------------------------------------------------------------------- passwords


def test_the_coach_changing_the_password_through_the_api_ends_the_athletes_tokens(signed_in):
    response = client_for(signed_in.coach.user).patch(
        reverse("api:athlete-detail", args=[signed_in.pk]),
        {"password": NEW_PASSWORD},
        format="json",
    )
    assert response.status_code == 200
    assert _tokens(signed_in.user) == 0
    assert _tokens(signed_in.coach.user) == 2  # the one above and the fixture's
    assert _logs_in(signed_in.user.username, NEW_PASSWORD)


def test_the_coach_changing_the_password_on_the_edit_page_ends_the_athletes_tokens(
    client, signed_in
):
    client.force_login(signed_in.coach.user)
    response = client.post(
        reverse("athletes:edit", args=[signed_in.pk]),
        {
            "first_name": "Same",
            "time_zone": "UTC",
            "training_window_start": "06:00",
            "training_window_end": "21:00",
            "load_increment_kg": "2.5",
            "new_password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert _tokens(signed_in.user) == 0
    assert _tokens(signed_in.coach.user) == 1
    assert _logs_in(signed_in.user.username, NEW_PASSWORD)


def test_the_edit_page_refuses_a_weak_new_password_and_changes_nothing(client, signed_in):
    client.force_login(signed_in.coach.user)
    response = client.post(
        reverse("athletes:edit", args=[signed_in.pk]),
        {
            "first_name": "Renamed",
            "time_zone": "UTC",
            "training_window_start": "06:00",
            "training_window_end": "21:00",
            "load_increment_kg": "2.5",
            "new_password": "123",
        },
    )
    assert response.status_code == 400
    assert "new_password" in response.context["form"].errors
    assert _tokens(signed_in.user) == 2
    assert _logs_in(signed_in.user.username, PASSWORD)


def test_saving_the_edit_page_without_a_new_password_keeps_the_tokens(client, signed_in):
    client.force_login(signed_in.coach.user)
    response = client.post(
        reverse("athletes:edit", args=[signed_in.pk]),
        {
            "first_name": "Renamed",
            "time_zone": "UTC",
            "training_window_start": "06:00",
            "training_window_end": "21:00",
            "load_increment_kg": "2.5",
            "new_password": "",
        },
    )
    assert response.status_code == 302
    assert _tokens(signed_in.user) == 2
    assert _logs_in(signed_in.user.username, PASSWORD)


@pytest.mark.parametrize("who", ["athlete", "coach"])
def test_a_user_changing_their_own_password_ends_their_tokens_only(client, signed_in, who):
    user = signed_in.user if who == "athlete" else signed_in.coach.user
    other = signed_in.coach.user if who == "athlete" else signed_in.user
    others_tokens = _tokens(other)
    client.force_login(user)
    assert client.get(reverse("password_change")).status_code == 200
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    assert _tokens(user) == 0
    assert _tokens(other) == others_tokens
    # The browser that changed it stays logged in.
    assert client.get(reverse("password_change_done")).status_code == 200


def test_a_wrong_old_password_changes_nothing(client, signed_in):
    client.force_login(signed_in.user)
    response = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200  # the form again, with its error
    assert _tokens(signed_in.user) == 2


def test_the_password_page_needs_a_login(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_admin_changing_a_password_ends_that_users_tokens(client, signed_in):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    AuthToken.objects.create(admin)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[signed_in.user.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302
    assert _tokens(signed_in.user) == 0
    assert _tokens(admin) == 1
    assert _logs_in(signed_in.user.username, NEW_PASSWORD)


def test_set_password_and_save_anywhere_ends_the_tokens(signed_in):
    # As a management command or a shell would do it.
    user = get_user_model().objects.get(pk=signed_in.user.pk)
    user.set_password(NEW_PASSWORD)
    user.save()
    assert _tokens(signed_in.user) == 0


def test_a_bulk_update_of_passwords_ends_the_tokens_too(signed_in):
    # No signal sees this one: the database's trigger does.
    get_user_model().objects.filter(pk=signed_in.user.pk).update(
        password=make_password(NEW_PASSWORD)
    )
    assert _tokens(signed_in.user) == 0
    assert _tokens(signed_in.coach.user) == 1


def test_saving_a_user_without_changing_the_password_keeps_the_tokens(signed_in):
    user = get_user_model().objects.get(pk=signed_in.user.pk)
    user.first_name = "Renamed"
    user.save()
    assert _logs_in(user.username, PASSWORD)  # a login updates last_login
    assert _tokens(signed_in.user) == 3


# ---------------------------------------------------------------------------- reactivation


def _feed(athlete: Athlete, token: str | None = None):
    return client_for().get(
        reverse("workouts:calendar_feed", kwargs={"token": token or athlete.calendar_token})
    )


def _reactivate_on_the_roster(athlete: Athlete, client) -> None:
    assert athlete.coach is not None
    client.force_login(athlete.coach.user)
    assert client.post(reverse("athletes:activate", args=[athlete.pk])).status_code == 302


def _reactivate_through_the_api(athlete: Athlete, client) -> None:
    assert athlete.coach is not None
    response = client_for(athlete.coach.user).patch(
        reverse("api:athlete-detail", args=[athlete.pk]), {"is_active": True}, format="json"
    )
    assert response.status_code == 200


def _reactivate_in_the_admin(athlete: Athlete, client) -> None:
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        reverse("admin:athletes_athlete_changelist"),
        {"action": "activate", "_selected_action": [athlete.pk]},
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    "reactivate",
    [_reactivate_on_the_roster, _reactivate_through_the_api, _reactivate_in_the_admin],
    ids=["roster page", "api", "admin action"],
)
def test_a_reactivated_athlete_gets_a_new_calendar_secret(client, athlete, reactivate):
    old_secret = athlete.calendar_token
    assert _feed(athlete).status_code == 200
    athlete.deactivate()
    assert _feed(athlete).status_code == 404
    reactivate(athlete, client)
    athlete.refresh_from_db()
    assert athlete.is_active and athlete.user.is_active
    assert athlete.calendar_token != old_secret
    assert _feed(athlete, old_secret).status_code == 404
    assert _feed(athlete).status_code == 200


def test_the_admin_action_leaves_active_athletes_alone(client, athlete):
    secret = athlete.calendar_token
    _reactivate_in_the_admin(athlete, client)
    athlete.refresh_from_db()
    assert athlete.calendar_token == secret


def test_the_admin_form_cannot_flip_is_active_around_the_secret(client, athlete):
    athlete.deactivate()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:athletes_athlete_change", args=[athlete.pk])
    form = client.get(url).context["adminform"].form
    assert "is_active" not in form.fields


def test_a_deactivated_athlete_stays_so_with_its_user_reactivated_in_the_admin(athlete):
    # The feed asks for both flags: a login switched back on alone does not revive it.
    athlete.deactivate()
    get_user_model().objects.filter(pk=athlete.user.pk).update(is_active=True)
    assert _feed(athlete).status_code == 404


def test_a_new_athlete_has_its_own_secret():
    assert AthleteFactory().calendar_token != AthleteFactory().calendar_token
