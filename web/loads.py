"""A load typed on a form in the viewer's unit and stored in exact kilograms
(plans.domain.units): the coach's set targets and the athlete's load increment."""

from decimal import Decimal
from typing import Any

from django import forms

from plans.domain.units import Unit, bounds_in, from_kg, same_shown, stored_kg


def load_field(
    unit: Unit | str,
    *,
    label: str,
    low_kg: Decimal,
    high_kg: Decimal,
    required: bool = False,
    **kwargs: Any,
) -> forms.DecimalField:
    """A form field in `unit` (hundredths, as shown), its bounds the kilogram range in it."""
    low, high = bounds_in(unit, low_kg, high_kg)
    return forms.DecimalField(
        label=f"{label} ({Unit(unit)})",
        required=required,
        min_value=low,
        max_value=high,
        max_digits=7,
        decimal_places=2,
        **kwargs,
    )


def shown(value_kg: Decimal | None, unit: Unit | str) -> Decimal | None:
    """A stored load as a form shows it in `unit`: "325", not "325.00"."""
    return None if value_kg is None else from_kg(value_kg, unit).normalize() + 0


def to_stored(typed: Decimal | None, stored: Decimal | None, unit: Unit | str) -> Decimal | None:
    """The kilograms to store for what was typed in `unit`: the stored value itself when the
    form sent back what it showed (no rounding creeps in on a save of other fields), else
    the exact conversion."""
    if typed is None:
        return None
    if stored is not None and same_shown(typed, stored, unit):
        return stored
    return stored_kg(typed, unit)
