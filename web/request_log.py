"""Structured request and security logs: one line per request, and one per failed login, so an
operator can follow permission denials and brute-force attempts across app servers."""

import ipaddress
import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import DatabaseError
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from web.log_filters import mask

request_log = logging.getLogger("ironstride.request")
security_log = logging.getLogger("ironstride.security")


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies (each appending
    the address it saw to X-Forwarded-For) the entry that many places from the right, as DRF's
    throttles read it. Entries further left are the client's own say and are never read, so a
    client cannot pick a fresh address to escape a lock-out. django-axes keys on this."""
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not count or not forwarded:
        return remote
    hops = [hop.strip() for hop in forwarded.split(",")]
    address = hops[-min(count, len(hops))]
    try:
        # Stored by axes in an address column: never let a malformed value reach it.
        return str(ipaddress.ip_address(address))
    except ValueError:
        return remote


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.monotonic()
        response = self.get_response(request)
        fields = {
            "event": "request",
            "method": request.method,
            # The calendar feed's secret is its credential: never in a log line.
            "path": mask(request.path),
            "status": response.status_code,
            "duration_ms": round((time.monotonic() - started) * 1000, 1),
            "user_id": _user_id(request),
            "client": client_address(request),
        }
        if response.status_code in (401, 403):
            security_log.warning(
                "permission denied", extra={**fields, "event": "permission_denied"}
            )
        request_log.info(
            "%s %s %s", request.method, fields["path"], response.status_code, extra=fields
        )
        return response


def _user_id(request: HttpRequest) -> int | None:
    # Looking the user up may need the database, which may be the reason this request failed:
    # the log line must not fail too.
    try:
        user = getattr(request, "user", None)
        return user.pk if user is not None and user.is_authenticated else None
    except DatabaseError:
        return None


@receiver(user_login_failed)
def log_failed_login(
    sender: str, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Django has already scrubbed the password from `credentials`.
    security_log.warning(
        "failed login",
        extra={
            "event": "login_failed",
            "username": credentials.get("username", ""),
            "client": client_address(request) if request is not None else "",
        },
    )
