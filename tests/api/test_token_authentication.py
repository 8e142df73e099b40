"""API tokens are read in one indexed query with the caller's profile (athletes/
authentication.py); what knox refuses is still refused."""

import logging
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from athletes.authentication import ProfileTokenAuthentication
from tests.api.conftest import client_for
from tests.factories import PASSWORD

PING = "/api/v1/ping/"


def with_token(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.mark.parametrize("caller", ["athlete", "coach"])
def test_a_token_costs_one_query_with_the_profile(world, caller, django_assert_num_queries):
    user = world.user(caller)
    client = client_for(user)
    # The token, its user and the user's coach or athlete profile: the ping itself reads nothing.
    with django_assert_num_queries(1):
        response = client.get(PING)
    assert response.status_code == 200 and response.json() == {"ok": True}
    with django_assert_num_queries(1):
        me = client.get("/api/v1/me/").json()
    assert me["id"] == user.pk and me["role"] == caller


def test_a_token_of_a_user_with_no_profile_is_403_in_one_query(db, django_assert_num_queries):
    # Neither coach nor athlete (staff, say): the token is good, the API is not theirs. Knowing
    # there is no profile must not cost a query of its own.
    user = get_user_model().objects.create_user("staff", password=PASSWORD)
    _, token = AuthToken.objects.create(user)
    with django_assert_num_queries(1):
        response = with_token(token).get(PING)
    assert response.status_code == 403
    assert response.json() == {"detail": "Only coaches and athletes may use this API."}


def test_the_rest_of_the_callers_row_loads_on_first_use(world):
    # The token query reads only what the checks read; a view that wants more still gets it.
    auth = ProfileTokenAuthentication()
    _, token = AuthToken.objects.create(world.athlete.user)
    user, _ = auth.authenticate_credentials(token.encode())
    assert user.email == world.athlete.user.email
    assert user.athlete.time_zone == world.athlete.time_zone
    assert not hasattr(user, "coach")


def test_an_expired_token_is_refused_and_deleted(world):
    instance, token = AuthToken.objects.create(world.athlete.user, timedelta(hours=1))
    AuthToken.objects.filter(pk=instance.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    response = with_token(token).get(PING)
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}
    assert not AuthToken.objects.filter(pk=instance.pk).exists()


def test_a_token_about_to_expire_is_accepted(world):
    instance, token = AuthToken.objects.create(world.athlete.user, timedelta(hours=1))
    AuthToken.objects.filter(pk=instance.pk).update(expiry=timezone.now() + timedelta(seconds=30))
    assert with_token(token).get(PING).status_code == 200


def test_the_token_read_is_the_token_the_orm_reads(world):
    # Read on a plain cursor and made a model by from_db: every field as the ORM answers it,
    # datetimes aware (SQLite answers them naive).
    instance, token = AuthToken.objects.create(world.athlete.user, timedelta(hours=1))
    _, read = ProfileTokenAuthentication().authenticate_credentials(token.encode())
    stored = AuthToken.objects.get(pk=instance.pk)
    for field in AuthToken._meta.concrete_fields:
        assert getattr(read, field.attname) == getattr(stored, field.attname), field.name
    assert read.expiry is not None and read.expiry == instance.expiry
    assert timezone.is_aware(read.created) and timezone.is_aware(read.expiry)


def test_a_token_without_expiry_is_accepted(world):
    _, token = AuthToken.objects.create(world.athlete.user, None)
    assert with_token(token).get(PING).status_code == 200


def test_a_revoked_token_is_refused(world):
    client = client_for(world.coach.user)
    assert client.post("/api/v1/auth/logout/").status_code == 204
    response = client.get(PING)
    assert response.status_code == 401 and response.json() == {"detail": "Invalid token."}


def test_a_token_of_an_inactive_user_is_refused(world):
    client = client_for(world.athlete.user)
    # Deactivating through the app deletes the tokens too; here the token outlives it.
    type(world.athlete.user).objects.filter(pk=world.athlete.user.pk).update(is_active=False)
    response = client.get(PING)
    assert response.status_code == 401
    assert response.json() == {"detail": "User inactive or deleted."}


def test_a_token_differing_after_its_key_is_refused(world):
    _, token = AuthToken.objects.create(world.athlete.user)
    last = "0" if token[-1] != "0" else "1"
    assert with_token(token[:-1] + last).get(PING).status_code == 401
    assert with_token(token).get(PING).status_code == 200


@pytest.mark.parametrize("token", ["x", "é" * 64, "not-hex-at-all" * 5, "0" * 4096])
def test_a_malformed_token_is_401_not_500(world, token):
    assert with_token(token).get(PING).status_code == 401


def test_non_utf8_bytes_in_the_header_are_401(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token \xff\xfe")  # sent as Latin-1 bytes
    assert client.get(PING).status_code == 401


def test_logging_in_deletes_that_users_expired_tokens_only(world):
    user = world.athlete.user
    expired, _ = AuthToken.objects.create(user, timedelta(hours=1))
    live, _ = AuthToken.objects.create(user, timedelta(hours=1))
    someone_elses, _ = AuthToken.objects.create(world.coach.user, timedelta(hours=1))
    gone = timezone.now() - timedelta(minutes=1)
    AuthToken.objects.filter(pk__in=[expired.pk, someone_elses.pk]).update(expiry=gone)
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": user.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    left = set(AuthToken.objects.values_list("pk", flat=True))
    assert expired.pk not in left
    assert {live.pk, someone_elses.pk} <= left


def test_no_token_in_the_logs(world, caplog):
    _, token = AuthToken.objects.create(world.athlete.user)
    caplog.set_level(logging.DEBUG)
    assert with_token(token).get(PING).status_code == 200
    assert with_token(token[:-1] + "z").get(PING).status_code == 401
    assert caplog.records, "the requests were logged"
    assert token[:15] not in caplog.text


def test_on_postgresql_the_token_query_is_prepared_once_and_reused(world):
    # Every API request runs the token query: PostgreSQL should plan it once per connection,
    # not on every request (server-side binding, config/settings.py). psycopg prepares a query
    # on the run after its fifth.
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    client = client_for(world.user("athlete"))
    for _ in range(6):
        assert client.get(PING).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [statement for (statement,) in cursor.fetchall()]
    assert any("token_key" in statement for statement in prepared), prepared
