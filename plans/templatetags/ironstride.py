from decimal import Decimal

from django import template

from plans.domain.format import decimal_label

register = template.Library()


@register.filter
def number(value: Decimal | None) -> str:
    """A load or distance as the domain writes it: 92.5, 100, 92.25 (no trailing zeros)."""
    return "" if value is None else decimal_label(Decimal(value))
