"""API token authentication in one indexed query: the token, its user and the user's coach or
athlete profile, read together.

knox's TokenAuthentication looks a token up by its key and then reads every other token of the
user to delete the expired ones: two queries on every request, and the role check after it
(athletes.access.role_of) reads the profile in one or two more. Here the expired tokens of a
user are deleted when they log in for a new one (athletes.api.TokenView), and an expired token
presented is refused and deleted by its primary key, once.

The one query is written in SQL rather than built by the ORM: every API request pays for it,
and building the four-table `select_related` cost more than the rest of the ping together
(bench/api_bench.py, README "The API down to the bare stack"). It runs on a plain cursor and
its row becomes models through `Model.from_db`, as the ORM's own rows do: `QuerySet.raw` cost
the ping another 13 % (mapping columns to fields and converters for one row). It reads the token
whole and, of the user and the profiles, what the access checks read: the user's name and
whether they are active, the profile's id and unit (and a coach's time zone: what `me/` and the
access checks read). The rest of a user or athlete row loads on first use, as a deferred field
does."""

import binascii
from datetime import UTC, datetime
from functools import cache
from hmac import compare_digest
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import User
from django.db import connections, router
from django.db.models import DateTimeField
from django.utils import timezone
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.models import AuthToken, get_token_model
from knox.settings import CONSTANTS, knox_settings
from knox.signals import token_expired
from rest_framework import exceptions

from athletes.models import Athlete, Coach
from athletes.sql import column

INVALID = "Invalid token."


class ProfileTokenAuthentication(TokenAuthentication):
    """knox's tokens and header ("Authorization: Token <token>"), read in one query with the
    caller's profile. Refused: an unknown, revoked or expired token, or one of an inactive user
    (all with knox's messages). The token is never logged."""

    def authenticate_credentials(self, token: bytes) -> tuple[Any, AuthToken]:
        try:
            text = token.decode("utf-8")
            digest = hash_token(text)
        except (UnicodeDecodeError, TypeError, binascii.Error):
            raise exceptions.AuthenticationFailed(INVALID) from None
        for auth_token, profile in tokens_by_key(text[: CONSTANTS.TOKEN_KEY_LENGTH]):
            # One row, but for a key shared by chance.
            if not compare_digest(digest, auth_token.digest):
                continue
            auth_token.user = user_with_profile(auth_token, profile)
            if auth_token.expiry is not None and auth_token.expiry < timezone.now():
                self.expire(auth_token)
                raise exceptions.AuthenticationFailed(INVALID)
            if knox_settings.AUTO_REFRESH and auth_token.expiry is not None:
                self.renew_token(auth_token)  # off here (settings.REST_KNOX), as knox does it
            return self.validate_user(auth_token)
        raise exceptions.AuthenticationFailed(INVALID)

    def expire(self, auth_token: AuthToken) -> None:
        username = auth_token.user.get_username()
        get_token_model().objects.filter(pk=auth_token.pk).delete()
        token_expired.send(sender=self.__class__, username=username, source="auth_token")


def tokens_by_key(key: str) -> list[tuple[AuthToken, dict[str, Any]]]:
    """The tokens with this key (token_query), each with its user's and profiles' columns."""
    model = get_token_model()
    db = router.db_for_read(model)
    sql, names = token_query()
    with connections[db].cursor() as cursor:
        cursor.execute(sql, [key])
        rows = cursor.fetchall()
    fields = model._meta.concrete_fields
    attnames = [field.attname for field in fields]
    found = []
    for row in rows:
        # The token's columns first (token_query), then its user's and profiles'.
        mine, theirs = row[: len(fields)], row[len(fields) :]
        values = [
            _aware(value) if isinstance(field, DateTimeField) else value
            for field, value in zip(fields, mine, strict=True)
        ]
        profile = dict(zip(names, theirs, strict=True))
        found.append((model.from_db(db, attnames, values), profile))
    return found


def _aware(value: datetime | None) -> datetime | None:
    """A datetime column as the ORM would answer it: PostgreSQL answers it aware; SQLite naive,
    in UTC (the ORM stores it so with USE_TZ, and no DATABASES TIME_ZONE is set here)."""
    return value if value is None or timezone.is_aware(value) else value.replace(tzinfo=UTC)


@cache
def token_query() -> tuple[str, tuple[str, ...]]:
    """The token by its key, with its user's name and state and the ids of their profiles; and
    the names its columns after the token's go by (the cursor's description would build them
    again on every request). Tables and columns are the models' own names (`_meta`), so a
    rename cannot leave it behind. The token's columns are named, not `*`: on PostgreSQL the
    query is a prepared statement (config/settings.py), which a column added by a migration
    would leave answering another shape than it was prepared for."""
    token, user = get_token_model(), get_user_model()
    t, u, c, a = (m._meta.db_table for m in (token, user, Coach, Athlete))
    user_id = column(user, "id")
    theirs = {
        "user_name": f"{u}.{column(user, user.USERNAME_FIELD)}",
        "user_is_active": f"{u}.{column(user, 'is_active')}",
        "coach_pk": f"{c}.{column(Coach, 'id')}",
        "coach_tz": f"{c}.{column(Coach, 'time_zone')}",
        "coach_units": f"{c}.{column(Coach, 'units')}",
        "athlete_pk": f"{a}.{column(Athlete, 'id')}",
        "athlete_units": f"{a}.{column(Athlete, 'units')}",
    }
    columns = [f"{t}.{field.column}" for field in token._meta.concrete_fields]
    columns += [f"{column} AS {name}" for name, column in theirs.items()]
    sql = (
        f"SELECT {', '.join(columns)}"
        f" FROM {t} JOIN {u} ON {u}.{user_id} = {t}.{column(token, 'user')}"
        f" LEFT JOIN {c} ON {c}.{column(Coach, 'user')} = {u}.{user_id}"
        f" LEFT JOIN {a} ON {a}.{column(Athlete, 'user')} = {u}.{user_id}"
        f" WHERE {t}.{column(token, 'token_key')} = %s"
    )
    return sql, tuple(theirs)


def user_with_profile(token: AuthToken, row: dict[str, Any]) -> User:
    """The token's user, their coach or athlete profile attached as select_related would
    attach it: present, or known to be absent, so that the role checks ask no more. `row`: the
    user's and profiles' columns of token_query."""
    db = token._state.db
    user_model = get_user_model()
    user = user_model.from_db(
        db,
        ["id", user_model.USERNAME_FIELD, "is_active"],
        # SQLite answers a boolean column as 0 or 1.
        [token.user_id, row["user_name"], bool(row["user_is_active"])],
    )
    if row["coach_pk"] is not None:
        user.coach = Coach.from_db(
            db,
            ["id", "user_id", "time_zone", "units"],
            [row["coach_pk"], user.pk, row["coach_tz"], row["coach_units"]],
        )
    else:
        _record_absent(Coach(user=user))
    if row["athlete_pk"] is not None:
        user.athlete = Athlete.from_db(
            db, ["id", "user_id", "units"], [row["athlete_pk"], user.pk, row["athlete_units"]]
        )
    else:
        _record_absent(Athlete(user=user))
    return user


def _record_absent(profile: Coach | Athlete) -> None:
    """Records on the user that they have no such profile, as select_related does, so that
    `hasattr(user, "coach")` answers False without a query: a one-to-one set to None clears
    the user's side to None (the unsaved profile is never stored)."""
    profile.user = None  # type: ignore[assignment]  # the stubs type the field not-null


def delete_expired_tokens(user: AbstractBaseUser) -> int:
    """Deletes the user's expired tokens (at login: no request pays for it); how many."""
    deleted, _ = get_token_model().objects.filter(user=user, expiry__lt=timezone.now()).delete()
    return deleted


class ProfileTokenScheme(KnoxTokenScheme):
    """The same OpenAPI security scheme as knox's own class."""

    target_class = "athletes.authentication.ProfileTokenAuthentication"
