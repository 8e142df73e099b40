from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def kg(value: Decimal | None) -> str:
    """107.5, 101.25, 100: a load as lifters write it, without trailing zeros."""
    if value is None:
        return ""
    return format(Decimal(value).normalize(), "f")
