"""Kilograms and pounds: the one place a load changes unit or becomes text.

Loads are stored in kilograms, exactly. A pound is 0.45359237 kg by definition, so a load typed
in pounds with up to 2 decimals is a kilogram value with at most 10 decimals (STORED_PLACES),
which the load columns hold exactly; read back and divided by the same constant it gives the
same pounds. Shown, a load is rounded to the hundredth of the viewer's unit (SHOWN_PLACES):
exact for everything typed in that unit.
"""

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Context, Decimal, localcontext
from enum import StrEnum


class Unit(StrEnum):
    KG = "kg"
    LB = "lb"


LB_IN_KG = Decimal("0.45359237")  # exactly, by the international yard and pound agreement
STORED_PLACES = 10  # decimal places of a stored kilogram load: 2 (pounds) + 8 (the constant)
SHOWN_PLACES = 2
# Wide enough for any load in either unit without rounding an intermediate product.
_EXACT = Context(prec=60)


@dataclass(frozen=True)
class Equipment:
    """The empty bar and the plates of a gym in one unit, heaviest plate first, in that unit."""

    bar: Decimal
    plates: tuple[Decimal, ...]
    default_increment: Decimal


EQUIPMENT: dict[Unit, Equipment] = {
    Unit.KG: Equipment(
        bar=Decimal("20"),
        plates=tuple(Decimal(p) for p in ("25", "20", "15", "10", "5", "2.5", "1.25")),
        default_increment=Decimal("2.5"),
    ),
    # A US gym: the 45 lb bar and 45/35/25/10/5/2.5 lb plates.
    Unit.LB: Equipment(
        bar=Decimal("45"),
        plates=tuple(Decimal(p) for p in ("45", "35", "25", "10", "5", "2.5")),
        default_increment=Decimal("5"),
    ),
}


def unit_of(value: str) -> Unit:
    """A unit from its name ("kg" or "lb"), or ValueError naming the two."""
    try:
        return Unit(value)
    except ValueError:
        raise ValueError(f"Choose the unit kg or lb, not {value!r}.") from None


def to_kg(value: Decimal | int, unit: Unit | str) -> Decimal:
    """`value` in `unit` as kilograms, exactly (no rounding: a pound value with n decimals
    becomes a kilogram value with at most n + 8)."""
    value = Decimal(value)
    if unit_of(unit) is Unit.KG:
        return value
    with localcontext(_EXACT):
        return value * LB_IN_KG


def from_kg(load_kg: Decimal | int, unit: Unit | str, *, places: int = SHOWN_PLACES) -> Decimal:
    """Kilograms in `unit`, to the hundredth (half up): exactly what was typed for any load typed
    in `unit` with up to 2 decimals."""
    load_kg = Decimal(load_kg)
    if unit_of(unit) is Unit.LB:
        with localcontext(_EXACT):
            load_kg = load_kg / LB_IN_KG
    return load_kg.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def load_number(load_kg: Decimal | int, unit: Unit | str, *, places: int = SHOWN_PLACES) -> str:
    """The number alone, as lifters write it: "147.5", "325", "101.25"."""
    # normalize() alone would print 180 as "1.8E+2".
    return format(from_kg(load_kg, unit, places=places).normalize(), "f")


def format_load(
    load_kg: Decimal | int, unit: Unit | str = Unit.KG, *, places: int = SHOWN_PLACES
) -> str:
    """ "147.5 kg", "325 lb": the one way a load becomes text, on every page and in the feed.
    An estimate (the e1RM) asks for places=1."""
    return f"{load_number(load_kg, unit, places=places)} {unit_of(unit)}"


def stored_kg(value: Decimal | int, unit: Unit | str) -> Decimal:
    """What a load typed in `unit` is stored as: to_kg, or ValueError when it has more decimals
    than the columns hold (a pound value with more than 2 decimals, a kilogram one with more
    than 10)."""
    load_kg = to_kg(value, unit)
    if not load_kg.is_finite():
        raise ValueError("Give the load as a number.")
    if load_kg != load_kg.quantize(Decimal(1).scaleb(-STORED_PLACES), context=_EXACT):
        places = SHOWN_PLACES if unit_of(unit) is Unit.LB else STORED_PLACES
        raise ValueError(f"Give the load with at most {places} decimals.")
    return load_kg


def bar_kg(unit: Unit | str) -> Decimal:
    """The empty bar in kilograms: 20 kg, or a 45 lb bar (20.41165665 kg)."""
    return to_kg(EQUIPMENT[unit_of(unit)].bar, unit)


def default_increment_kg(unit: Unit | str) -> Decimal:
    """The default load increment in kilograms: 2.5 kg, or 5 lb (2.26796185 kg)."""
    return to_kg(EQUIPMENT[unit_of(unit)].default_increment, unit)


def increment_for_new_unit(increment_kg: Decimal, old: Unit | str, new: Unit | str) -> Decimal:
    """An athlete who changes unit keeps a chosen increment, but the old unit's default becomes
    the new unit's (2.5 kg <-> 5 lb), so the prescription lands on their plates."""
    if unit_of(old) is not unit_of(new) and increment_kg == default_increment_kg(old):
        return default_increment_kg(new)
    return increment_kg


def same_shown(typed: Decimal, stored_kg_value: Decimal | None, unit: Unit | str) -> bool:
    """Whether `typed` (in `unit`) is what a form showed for the stored load: then the stored,
    exact value stays (a coach in kilograms saving an athlete's 325 lb set unchanged must not
    turn 147.41752025 kg into 147.42)."""
    return stored_kg_value is not None and from_kg(stored_kg_value, unit) == typed


def bounds_in(unit: Unit | str, low_kg: Decimal, high_kg: Decimal) -> tuple[Decimal, Decimal]:
    """A kilogram range in `unit` to the hundredth, inward (the low end up, the high end down),
    so every value a form accepts in the unit lies inside the range in kilograms."""
    quantum = Decimal(1).scaleb(-SHOWN_PLACES)
    with localcontext(_EXACT):
        low, high = Decimal(low_kg), Decimal(high_kg)
        if unit_of(unit) is Unit.LB:
            low, high = low / LB_IN_KG, high / LB_IN_KG
    return (
        low.quantize(quantum, rounding=ROUND_CEILING),
        high.quantize(quantum, rounding=ROUND_FLOOR),
    )
