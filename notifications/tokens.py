"""The signed one-click unsubscribe token: the user and the kind of email, signed with the
SECRET_KEY (django.core.signing), so the link needs no login and cannot be made for someone
else. It does not expire: an old email's link must still work (RFC 8058 asks for it to keep
working for a good while), and all it can do is turn one kind of email off."""

from django.core import signing

from notifications.models import EmailKind

SALT = "notifications.unsubscribe"


class BadToken(Exception):
    """Forged, mangled or not ours."""


def make_token(user_id: int, kind: str) -> str:
    return signing.dumps({"u": user_id, "k": str(EmailKind(kind))}, salt=SALT)


def read_token(token: str) -> tuple[int, EmailKind]:
    """(user id, kind) of a token, or BadToken."""
    try:
        data = signing.loads(token, salt=SALT)
        user_id, kind = data["u"], EmailKind(data["k"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise BadToken("This unsubscribe link is not valid.") from None
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        raise BadToken("This unsubscribe link is not valid.")
    return user_id, kind
