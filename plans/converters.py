"""A week at the HTTP edge: the `isoweek` path converter (`<isoweek:week>` in a URL pattern hands
the view a `Week`) and the API's field for a week in a query or a body.

A path naming no week in the years Ironstride plans for (`2026-W54`, `2100-W01`, `abc`) does
not match, so the page or API address does not exist: Django answers 404, and under /api/ the
API's JSON 404. Views parse nothing. Registered once, in PlansConfig.ready()."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from plans.domain.weeks import InvalidWeek, Week


class IsoWeekConverter:
    # The name's shape only; Week.parse decides the rest (week 53, the years).
    regex = r"[0-9]{4}-W[0-9]{2}"

    def to_python(self, value: str) -> Week:
        return Week.parse(value)  # InvalidWeek is a ValueError: no match

    def to_url(self, value: Week | str) -> str:
        # A Week, or its name as the templates hold it (`week_name`).
        return str(value)


@extend_schema_field({"type": "string", "example": "2026-W49"})
class ApiWeekField(serializers.Field):
    """A week in a query or a body: a `Week`, or the parser's words as the field's error (400)."""

    def to_internal_value(self, data: Any) -> Week:
        try:
            return Week.parse(data)
        except InvalidWeek as error:
            raise serializers.ValidationError(str(error)) from None

    def to_representation(self, value: Week) -> str:
        return str(value)
