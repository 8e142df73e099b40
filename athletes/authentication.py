"""API token authentication in one indexed query: the token, its user and the user's coach or
athlete profile, read together.

knox's TokenAuthentication looks a token up by its key and then reads every other token of the
user to delete the expired ones: two queries on every request, and the role check after it
(athletes.access.role_of) reads the profile in one or two more. Here the expired tokens of a
user are deleted when they log in for a new one (athletes.api.TokenView), and an expired token
presented is refused and deleted by its primary key, once."""

import binascii
from hmac import compare_digest
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils import timezone
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.models import AuthToken, get_token_model
from knox.settings import CONSTANTS, knox_settings
from knox.signals import token_expired
from rest_framework import exceptions

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
        candidates = (
            get_token_model()
            .objects.select_related("user", "user__coach", "user__athlete")
            .filter(token_key=text[: CONSTANTS.TOKEN_KEY_LENGTH])
        )
        for auth_token in candidates:  # one row, but for a key shared by chance
            if not compare_digest(digest, auth_token.digest):
                continue
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


def delete_expired_tokens(user: AbstractBaseUser) -> int:
    """Deletes the user's expired tokens (at login: no request pays for it); how many."""
    deleted, _ = get_token_model().objects.filter(user=user, expiry__lt=timezone.now()).delete()
    return deleted


class ProfileTokenScheme(KnoxTokenScheme):
    """The same OpenAPI security scheme as knox's own class."""

    target_class = "athletes.authentication.ProfileTokenAuthentication"
