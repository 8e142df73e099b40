"""What every endpoint of the REST API shares: the one exception handler, the permission class,
pagination, throttles, the JSON parser's size limit, the schema's error responses, and the
answer to a locked-out login. The endpoints live in each app's api.py."""

import io
import math
from collections.abc import Mapping
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, pagination, parsers, permissions, status, throttling
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

from athletes.access import role_of
from plans.domain.errors import Conflict, ServiceError

if TYPE_CHECKING:
    # Only for the types: rest_framework.views reads the API settings, which name this module.
    from rest_framework.views import APIView

# ---------------------------------------------------------------------------- errors


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


class ConflictError(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the stored data."
    default_code = "conflict"


def _django_validation_detail(
    error: DjangoValidationError,
) -> dict[str, list[str]] | dict[str, str]:
    if hasattr(error, "error_dict"):
        return {field: [str(m) for m in messages] for field, messages in error.message_dict.items()}
    return {"detail": " ".join(error.messages)}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Services raise domain exceptions; this is the one place they become HTTP."""
    match exc:
        case Conflict():
            exc = ConflictError(str(exc))
        case ServiceError():
            exc = exceptions.ValidationError({"detail": str(exc)})
        case DjangoValidationError():
            exc = exceptions.ValidationError(_django_validation_detail(exc))
        case IntegrityError():
            # A race the validation could not see (two writers, one unique value).
            exc = ConflictError()
        case Http404():
            exc = exceptions.NotFound(str(exc) or None)
        case DjangoPermissionDenied():
            exc = exceptions.PermissionDenied(str(exc) or None)
    # Imported here: rest_framework.views reads the API settings, which name this module.
    from rest_framework.views import exception_handler as drf_exception_handler

    response = drf_exception_handler(exc, context)
    # A bare list of messages becomes {"detail": ...}: every error body is an object.
    if response is not None and isinstance(response.data, list):
        response.data = {"detail": " ".join(str(item) for item in response.data)}
    return response


# ---------------------------------------------------------------------------- requests


NESTED_TOO_DEEPLY = "The JSON body is nested too deeply."
# No body the API takes nests past 3 levels (a session, its sets, a set). Deeper bodies are
# refused whole: Python's decoder stops near 1,000 levels with RecursionError, and code that
# walks a value recursively (a lookup by primary key on a list of lists) stops far sooner.
MAX_JSON_DEPTH = 20


def _nested_deeper_than(value: object, limit: int) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if not isinstance(item, dict | list):
            continue
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        stack.extend((child, depth + 1) for child in children)
    return False


class LimitedJSONParser(parsers.JSONParser):
    """JSON only (other content types are 415), and nothing larger than API_MAX_BODY_BYTES:
    DRF reads the body straight from the socket, past Django's own upload limit."""

    def parse(
        self,
        stream: IO[Any] | None,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        limit = settings.API_MAX_BODY_BYTES
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        try:
            if declared and int(declared) > limit:
                raise PayloadTooLarge()
        except ValueError:
            raise exceptions.ParseError("Content-Length is not a number.") from None
        body = stream.read(limit + 1) if stream is not None else b""
        if len(body) > limit:
            raise PayloadTooLarge()
        if not body:
            raise exceptions.ParseError("The request body is empty; send a JSON object.")
        try:
            data = super().parse(io.BytesIO(body), media_type, parser_context)
        except RecursionError:
            # Python's decoder gives up on deep nesting (`[[[[…`) with RecursionError, which
            # DRF's parser lets through as a 500.
            raise exceptions.ParseError(NESTED_TOO_DEEPLY) from None
        if _nested_deeper_than(data, MAX_JSON_DEPTH):
            raise exceptions.ParseError(NESTED_TOO_DEEPLY)
        return data


class Pagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


# Rates are read when a request comes, not when the class is defined, so settings (and the
# tests' overrides) apply; the counters live in the default cache, shared by all processes.
# The ignores: djangorestframework-stubs type DEFAULT_THROTTLE_RATES' values as numbers, but
# DRF reads them as strings ("60/min", see SimpleRateThrottle.parse_rate).
class AnonThrottle(throttling.AnonRateThrottle):
    def get_rate(self) -> str | None:
        assert self.scope is not None  # AnonRateThrottle's own "anon"
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]  # type: ignore[return-value]


class UserThrottle(throttling.UserRateThrottle):
    def get_rate(self) -> str | None:
        assert self.scope is not None  # UserRateThrottle's own "user"
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]  # type: ignore[return-value]


class HasRole(permissions.BasePermission):
    """Logged in as a coach or an athlete; what each may do with an object is asked of
    athletes.access by the views, after the object was found in the caller's scope."""

    message = "Only coaches and athletes may use this API."

    def has_permission(self, request: Request, view: "APIView") -> bool:
        return role_of(request.user) is not None


def forbid(message: str) -> None:
    raise exceptions.PermissionDenied(message)


# ---------------------------------------------------------------------------- lockout


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """django-axes' answer once a username is locked out from an address: JSON on the API,
    a page on the web login; 429 either way, with the cool-off in Retry-After."""
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    minutes = math.ceil(seconds / 60)
    message = (
        f"Too many failed logins for this username from your address; "
        f"try again in {minutes} minutes."
    )
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": message}, status=429)
    else:
        response = render(request, "registration/locked_out.html", {"message": message}, status=429)
    response["Retry-After"] = str(seconds)
    return response


@csrf_exempt
def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Unknown addresses under /api/ answer JSON like every other API error, whatever the
    method: exempt from the CSRF check, which would answer an unsafe method with an HTML 403
    (nothing is written here, so there is nothing to protect)."""
    return JsonResponse({"detail": "No such endpoint."}, status=404)
