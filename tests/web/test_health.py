"""/healthz and the 503 a request gets while the database is away, against a real broken
connection (an unreachable server or an unopenable file), not a mock."""

from contextlib import contextmanager

import psycopg
import pytest
from django.db import close_old_connections, connection
from django.urls import reverse

from tests.factories import CoachFactory

# SQLite's in-memory test database vanishes when its connection closes, and an outage is a
# PostgreSQL matter anyway (SQLite is a file beside the app).
needs_server = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="simulates a PostgreSQL server going away"
)


@contextmanager
def database_away(*, close_first=True):
    saved = dict(connection.settings_dict)
    if close_first:
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
    # This moment's answer: no cache between the balancer and us may keep it.
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_healthz_answers_a_balancers_head_and_refuses_a_post(client):
    response = client.head(reverse("healthz"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response.content == b""
    assert client.post(reverse("healthz")).status_code == 405


@needs_server
@pytest.mark.django_db(transaction=True)
def test_healthz_answers_503_when_the_database_does_not(client):
    with database_away():
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response["Retry-After"]
    assert response["Cache-Control"] == "no-store"


def terminate_our_backend() -> None:
    """The server ends our session, as a restart does, while Django still holds the socket."""
    pid = connection.connection.info.backend_pid
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


@needs_server
@pytest.mark.django_db(transaction=True)
def test_healthz_on_a_reused_connection_sees_the_server_gone(client):
    # /healthz asks no query of its own on PostgreSQL: the health check of the reused
    # connection is the question. It must still see a server that went away behind it.
    assert client.get(reverse("healthz")).status_code == 200
    terminate_our_backend()
    with database_away(close_first=False):
        close_old_connections()  # what the start of the next request does
        response = client.get(reverse("healthz"))
    assert response.status_code == 503


@needs_server
@pytest.mark.django_db(transaction=True)
def test_healthz_reconnects_by_itself_after_a_restart(client):
    assert client.get(reverse("healthz")).status_code == 200
    terminate_our_backend()
    close_old_connections()
    assert client.get(reverse("healthz")).status_code == 200


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
