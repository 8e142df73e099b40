"""Liveness for load balancers and the app's answer when the database is away."""

import logging
import sys
from collections.abc import Callable

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.views.decorators.http import require_safe

from athletes.transactions import sqlstate
from web.log_filters import mask

RETRY_AFTER_SECONDS = "5"

db_log = logging.getLogger("ironstride.db")


@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, 503 when it does not; to GET, and to HEAD, which some
    balancers' checks send (HAProxy's `option httpchk HEAD ...`, say).

    With CONN_HEALTH_CHECKS (PostgreSQL here) Django checks a reused connection with a query
    before the request's first cursor, and opens a new one when it is gone: taking the cursor
    is then the database answering, and a query of our own would be the same round trip again.
    Without them (SQLite), we ask.

    Its answer is this moment's: no cache may keep it. One header says so (never_cache's four,
    with their date formatting, cost a fifth of the view on PostgreSQL, in-process)."""
    try:
        with connection.cursor() as cursor:
            if not connection.settings_dict.get("CONN_HEALTH_CHECKS"):
                cursor.execute("SELECT 1")
                cursor.fetchone()
    except DatabaseError:
        response = unavailable_json(status=503)
    else:
        response = JsonResponse({"status": "ok", "database": "ok"})
    response["Cache-Control"] = "no-store"
    return response


def unavailable_json(status: int = 503) -> JsonResponse:
    response = JsonResponse(
        {"status": "unavailable", "detail": "The database is not answering; try again shortly."},
        status=status,
    )
    response["Retry-After"] = RETRY_AFTER_SECONDS
    return response


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """503 for a request that needed the database while it was away: JSON for API clients,
    a plain page for browsers; never a traceback."""
    wants_json = request.path.startswith("/api/") or "json" in request.headers.get("Accept", "")
    if wants_json:
        return unavailable_json()
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = RETRY_AFTER_SECONDS
    return response


class DatabaseUnavailableMiddleware:
    """Turns a lost database connection inside a view into a clean 503.

    A restart of PostgreSQL drops every pooled connection; the next query raises
    OperationalError/InterfaceError. Django's connection health checks reconnect on the next
    request, so the client only needs to retry. Any other database error is no outage: it is
    logged with its cause and answered 500 by handler500. That includes a write that still
    lost to another writer after its retries (athletes.transactions): not a 409, which the
    phone and API clients read as "never send this again", but a 5xx they retry later."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DatabaseError):
            return None
        if _is_connection_error(exception):
            # Don't keep a broken connection for the next request on this worker.
            connection.close_if_unusable_or_obsolete()
            return database_unavailable(request)
        _log_cause(request, exception)
        return None


def _log_cause(request: HttpRequest, error: DatabaseError) -> None:
    db_log.error(
        "database error on %s %s: %s (SQLSTATE %s)",
        request.method,
        mask(request.path),
        type(error.__cause__ or error).__name__,
        sqlstate(error),
        extra={"event": "database_error", "sqlstate": sqlstate(error)},
    )


# Lost or refused connections: no SQLSTATE at all (the socket went away), class 08
# (connection exception), 57P01-57P03 (the server shutting down or starting up) and 53300
# (too many connections). A deadlock (40P01) or a statement timeout (57014) is an
# OperationalError too in Django, but the database is answering.
_UNAVAILABLE_SQLSTATES = frozenset({"57P01", "57P02", "57P03", "53300"})


def _is_connection_error(error: DatabaseError) -> bool:
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    if connection.vendor == "sqlite":
        # SQLite's "database is locked" is an OperationalError too, but it is no outage.
        return "unable to open" in str(error)
    state = sqlstate(error)
    return state is None or state.startswith("08") or state in _UNAVAILABLE_SQLSTATES


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a database outage found outside a view (a middleware saving the session,
    say) is still a 503; anything else is a plain 500 page or JSON, never a traceback."""
    error = sys.exc_info()[1]
    if isinstance(error, DatabaseError) and _is_connection_error(error):
        return database_unavailable(request)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Server error; it has been logged."}, status=500)
    return HttpResponse(loader.render_to_string("500.html"), status=500)
