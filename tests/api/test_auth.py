"""Tokens: issued for a username and password, revoked on logout and on deactivation; failed
logins lock out a username from an address, on the API and the web login alike."""

import pytest
from django.test import Client
from django.urls import reverse
from knox.models import AuthToken

from tests.api.conftest import client_for
from tests.factories import PASSWORD

TOKEN_URL = "/api/v1/auth/token/"


def test_a_token_for_the_right_password_and_the_client_uses_it(world):
    response = client_for().post(
        TOKEN_URL, {"username": world.athlete.user.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    assert set(response.json()) == {"token", "expiry"}
    assert "+00:00" in response.json()["expiry"]
    client = client_for()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    me = client.get("/api/v1/me/").json()
    assert me == {
        "id": world.athlete.user.pk,
        "username": world.athlete.user.username,
        "role": "athlete",
        "athlete_id": world.athlete.pk,
        "units": "kg",
    }
    # Stored hashed: the token itself is nowhere in the table.
    assert not AuthToken.objects.filter(digest=response.json()["token"]).exists()


def test_me_for_a_coach(world):
    me = client_for(world.coach.user).get("/api/v1/me/").json()
    assert me["role"] == "coach" and me["athlete_id"] is None


def test_ping_answers_a_valid_token_in_a_fixed_number_of_queries(world, django_assert_num_queries):
    client = client_for(world.athlete.user)
    # the token with its user and their coach or athlete profile (athletes/authentication.py)
    with django_assert_num_queries(1):
        response = client.get("/api/v1/ping/")
    assert response.status_code == 200
    assert response.json() == {"ok": True}
    assert client_for().get("/api/v1/ping/").status_code == 401


def test_wrong_password_is_400_with_a_message(world):
    response = client_for().post(
        TOKEN_URL, {"username": world.athlete.user.username, "password": "nope"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "Wrong username or password."}


def test_anonymous_is_401_and_told_how(world):
    response = client_for().get("/api/v1/athletes/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_logout_revokes_only_that_token(world):
    client = client_for(world.coach.user)
    other = client_for(world.coach.user)
    assert client.post("/api/v1/auth/logout/").status_code == 204
    assert client.get("/api/v1/me/").status_code == 401
    assert other.get("/api/v1/me/").status_code == 200


def test_deactivating_an_athlete_deletes_their_tokens(world):
    athlete_client = client_for(world.athlete.user)
    response = client_for(world.coach.user).patch(
        reverse("api:athlete-detail", args=[world.athlete.pk]), {"is_active": False}, format="json"
    )
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert not AuthToken.objects.filter(user=world.athlete.user).exists()
    assert athlete_client.get("/api/v1/me/").status_code == 401
    again = client_for().post(
        TOKEN_URL, {"username": world.athlete.user.username, "password": PASSWORD}, format="json"
    )
    assert again.status_code == 400


def test_the_roster_page_deactivation_deletes_tokens_too(world):
    client_for(world.athlete.user)
    world.athlete.deactivate()
    assert not AuthToken.objects.filter(user=world.athlete.user).exists()


@pytest.fixture
def limit(settings):
    settings.AXES_FAILURE_LIMIT = 3
    return 3


def test_repeated_failures_lock_out_that_username_from_that_address(world, limit):
    username = world.athlete.user.username
    client = client_for()
    answers = [
        client.post(TOKEN_URL, {"username": username, "password": "wrong"}, format="json")
        for _ in range(limit)
    ]
    assert [a.status_code for a in answers] == [400, 400, 429]
    # Locked: even the right password is refused, with a JSON message and the cool-off.
    locked = client.post(TOKEN_URL, {"username": username, "password": PASSWORD}, format="json")
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.json()["detail"]
    assert int(locked["Retry-After"]) > 0
    # The same username from another address, and another username from this one, still work.
    elsewhere = client.post(
        TOKEN_URL,
        {"username": username, "password": PASSWORD},
        format="json",
        REMOTE_ADDR="10.0.0.9",
    )
    assert elsewhere.status_code == 200
    coach = client.post(
        TOKEN_URL, {"username": world.coach.user.username, "password": PASSWORD}, format="json"
    )
    assert coach.status_code == 200


def test_the_web_login_locks_out_with_a_page(world, limit):
    username = world.athlete.user.username
    client = Client()
    answers = [
        client.post(reverse("login"), {"username": username, "password": "x"}).status_code
        for _ in range(limit)
    ]
    assert answers == [200, 200, 429]
    locked = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert locked.status_code == 429
    assert b"Too many failed logins" in locked.content
    # The web lockout holds for the API too: one count per username and address.
    api = client_for().post(TOKEN_URL, {"username": username, "password": PASSWORD}, format="json")
    assert api.status_code == 429
