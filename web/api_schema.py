"""The OpenAPI schema's shared part: every operation lists the errors the API can answer.
Apart from web.api because drf-spectacular imports the views, which read the API settings."""

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import Direction, OpenApiParameter

_ERROR_BODY = {
    "type": "object",
    "description": 'JSON: {"detail": "..."} or a list of messages per field.',
    "additionalProperties": True,
}
_ERRORS = {
    "400": "Bad input: a message per field, or a detail.",
    "401": "Not authenticated: send `Authorization: Token <token>`.",
    "403": "Authenticated, but this role may never do this.",
    "404": "Not found, or not in the caller's scope.",
    "405": "Method not allowed.",
    "429": "Too many requests; retry after the Retry-After header's seconds.",
}
_BODY_ERRORS = {
    "409": "Conflicts with the stored data (e.g. the session is done, or a replay differs).",
    "413": "The request body is too large.",
    "415": "The request body is not JSON.",
}


# web/units.py: the API speaks kilograms; a read may ask for pounds beside them.
UNITS = OpenApiParameter(
    "units",
    str,
    OpenApiParameter.QUERY,
    enum=["kg", "lb"],
    default="kg",
    description="Loads are kilograms in every `*_kg` field, whatever this says. With `lb`, "
    "each `<name>_kg` number in the answer gets a `<name>_lb` beside it: the same load in "
    "pounds (1 lb = 0.45359237 kg), to the hundredth, exact for a load typed in pounds. "
    "Writes take kilograms only (up to 10 decimals, so pounds convert exactly).",
)


class AutoSchema(SpectacularAutoSchema):
    """Every operation documents the errors the exception handler can answer, and every read
    the `units` parameter."""

    def get_override_parameters(self) -> list[Any]:
        parameters = list(super().get_override_parameters())
        if self.method == "GET":
            parameters.append(UNITS)
        return parameters

    def _get_response_bodies(self, direction: Direction = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        errors = dict(_ERRORS)
        if self.method in ("POST", "PUT", "PATCH", "DELETE"):
            errors.update(_BODY_ERRORS)
        for code, description in errors.items():
            if code not in responses:
                responses[code] = {
                    "description": description,
                    "content": {"application/json": {"schema": _ERROR_BODY}},
                }
        return responses
