"""Pounds in the API's answers. The API speaks kilograms, always: every load is a `*_kg` field,
and writes take kilograms (to 10 decimals, so a client converting pounds stores them exactly).
A read with `?units=lb` gets, beside each `<name>_kg` number, a `<name>_lb` one: the same load
in pounds to the hundredth (plans.domain.units.from_kg), exact for every load typed in pounds.
A client that ignores `units` reads exactly what it read before; `?units=kg` is the default.
The phone's own endpoints answer in the athlete's unit the same way."""

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from rest_framework import exceptions
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request

from plans.domain.units import Unit, from_kg

UNITS_PARAMETER = "units"
KG_SUFFIX = "_kg"


def with_unit_fields(data: Any, unit: Unit | str) -> Any:
    """`data` (JSON-like) with a `<name>_lb` beside every `<name>_kg` number when `unit` is lb;
    unchanged in kilograms."""
    if Unit(unit) is Unit.KG:
        return data
    if isinstance(data, list):
        return [with_unit_fields(item, unit) for item in data]
    if not isinstance(data, Mapping):
        return data
    converted: dict[str, Any] = {}
    for key, value in data.items():
        converted[key] = with_unit_fields(value, unit)
        if isinstance(key, str) and key.endswith(KG_SUFFIX) and _is_load(value):
            name = f"{key.removesuffix(KG_SUFFIX)}_{unit}"
            converted[name] = None if value is None else float(from_kg(Decimal(str(value)), unit))
    return converted


def _is_load(value: object) -> bool:
    return value is None or (
        isinstance(value, int | float | Decimal | str) and not isinstance(value, bool)
    )


def requested_unit(request: Request) -> Unit:
    raw = request.query_params.get(UNITS_PARAMETER, Unit.KG)
    try:
        return Unit(raw)
    except ValueError:
        raise exceptions.ValidationError(
            {UNITS_PARAMETER: [f"Choose kg or lb, not '{raw}'."]}
        ) from None


class UnitsNegotiation(DefaultContentNegotiation):
    """Reads `?units=` once per request, before the view runs: a bad value is a 400 (nothing
    written), a good one is kept for the renderer."""

    def select_renderer(
        self,
        request: Request,
        renderers: Iterable[BaseRenderer],
        format_suffix: str | None = None,
    ) -> tuple[BaseRenderer, str]:
        request.load_unit = requested_unit(request)  # type: ignore[attr-defined]
        return super().select_renderer(request, renderers, format_suffix)


class UnitsJSONRenderer(JSONRenderer):
    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        request = (renderer_context or {}).get("request")
        unit = getattr(request, "load_unit", Unit.KG)
        return super().render(with_unit_fields(data, unit), accepted_media_type, renderer_context)
