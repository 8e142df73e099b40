"""API answers are private to their caller: `Cache-Control: private, no-store` on each one,
errors included; the public schema and docs may be cached."""

import pytest
from django.urls import reverse

from tests.api.conftest import client_for
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NO_STORE = {"private", "no-store"}


def _directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("get", "/api/v1/me/", None, 200),
        ("get", "/api/v1/athletes/", None, 200),
        ("post", "/api/v1/athletes/", {"username": ""}, 400),
        ("get", "/api/v1/athletes/999999/", None, 404),
        ("put", "/api/v1/me/", None, 405),
        ("get", "/api/v1/no-such-thing/", None, 404),
        ("delete", "/api/v1/lift-sessions/999999/", None, 404),
    ],
)
def test_authenticated_answers_are_not_stored(world, method, path, body, status):
    client = client_for(world.coach.user)
    kwargs = {"format": "json"} if body is not None else {}
    response = getattr(client, method)(path, body, **kwargs)
    assert response.status_code == status
    assert _directives(response) >= NO_STORE


def test_a_forbidden_answer_is_not_stored(world):
    url = reverse("api:athlete-calendar", args=[world.stranger.pk])
    response = client_for(world.athlete.user).get(url)
    assert response.status_code == 404
    assert _directives(response) >= NO_STORE
    response = client_for(world.athlete.user).post(
        reverse("api:lift-session-list"), {}, format="json"
    )
    assert response.status_code == 403
    assert _directives(response) >= NO_STORE


def test_a_session_login_on_the_api_is_not_stored_either(client, world):
    client.force_login(world.coach.user)
    response = client.get("/api/v1/me/")
    assert response.status_code == 200
    assert _directives(response) >= NO_STORE


@pytest.mark.parametrize("token", [None, "not-a-token"])
def test_refusals_of_unauthenticated_calls_are_not_stored(token):
    client = client_for()
    if token:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert _directives(response) >= NO_STORE


def test_the_token_answer_is_not_stored(world):
    response = client_for().post(
        reverse("api:token"),
        {"username": world.coach.user.username, "password": PASSWORD},
        format="json",
    )
    assert response.status_code == 200
    assert _directives(response) >= NO_STORE


@pytest.mark.parametrize("name", ["api-schema", "api-docs"])
def test_the_public_schema_and_docs_may_be_cached(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert "no-store" not in _directives(response)


def test_pages_outside_the_api_are_left_alone(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "no-store" not in _directives(response)
