"""/healthz and the 503 a request gets while the database is away, against a real broken
connection (an unreachable server or an unopenable file), not a mock."""

from contextlib import contextmanager

import pytest
from django.db import connection
from django.urls import reverse

from tests.factories import CoachFactory

# SQLite's in-memory test database vanishes when its connection closes, and an outage is a
# PostgreSQL matter anyway (SQLite is a file beside the app).
needs_server = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="simulates a PostgreSQL server going away"
)


@contextmanager
def database_away():
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict["PORT"] = "1"  # nothing listens there
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


@pytest.mark.django_db
def test_healthz_answers_200_when_the_database_answers(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@needs_server
@pytest.mark.django_db(transaction=True)
def test_healthz_answers_503_when_the_database_does_not(client):
    with database_away():
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response["Retry-After"]


@needs_server
@pytest.mark.django_db(transaction=True)
def test_a_page_needing_the_database_answers_503_not_a_traceback(client):
    client.force_login(CoachFactory().user)
    with database_away():
        response = client.get(reverse("plans:dashboard"))
    assert response.status_code == 503
    assert b"Back in a moment" in response.content
    assert b"Traceback" not in response.content
    # And it recovers by itself once the database is back.
    assert client.get(reverse("plans:dashboard")).status_code == 200


@needs_server
@pytest.mark.django_db(transaction=True)
def test_an_api_call_needing_the_database_answers_a_private_json_503(client):
    client.force_login(CoachFactory().user)
    with database_away():
        response = client.get("/api/v1/me/")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert {"private", "no-store"} <= set(response["Cache-Control"].replace(" ", "").split(","))


@pytest.mark.django_db
def test_unknown_pages_get_the_custom_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"There is nothing here" in response.content
