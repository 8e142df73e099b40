from decimal import Decimal

from django import template

from plans.domain import units
from plans.domain.format import decimal_label

register = template.Library()


@register.filter
def number(value: Decimal | None) -> str:
    """A distance as the domain writes it: 92.5, 100, 92.25 (no trailing zeros). Loads go
    through `load` / `load_number`, in the viewer's unit."""
    return "" if value is None else decimal_label(Decimal(value))


@register.filter
def load(value_kg: Decimal | None, unit: str = units.Unit.KG) -> str:
    """A stored load (kilograms) in the viewer's unit: `{{ s.load_kg|load:load_unit }}` ->
    "325 lb" (units.format_load, the one formatter)."""
    return "" if value_kg is None else units.format_load(Decimal(value_kg), unit or units.Unit.KG)


@register.filter
def load_number(value_kg: Decimal | None, unit: str = units.Unit.KG) -> str:
    """The number alone, for a place whose heading names the unit: "325"."""
    return "" if value_kg is None else units.load_number(Decimal(value_kg), unit or units.Unit.KG)


@register.filter
def estimate(value_kg: Decimal | None, unit: str = units.Unit.KG) -> str:
    """An estimate (the e1RM) in the viewer's unit, to the tenth: "168.2 kg", "370.8 lb"."""
    if value_kg is None:
        return ""
    return units.format_load(Decimal(value_kg), unit or units.Unit.KG, places=1)
