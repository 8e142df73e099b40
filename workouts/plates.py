"""Which plates to put on each side of the bar for a total load: a hint on the phone, so the
athlete loads 142.5 kg (or 315 lb) without mental arithmetic between sets. In the athlete's
unit, on that unit's gym (plans.domain.units.EQUIPMENT): a 20 kg bar and 25/20/15/10/5/2.5/
1.25 kg plates, or a 45 lb bar and 45/35/25/10/5/2.5 lb plates. Pure: no database, no request."""

from dataclasses import dataclass
from decimal import Decimal

from plans.domain.units import EQUIPMENT, Unit, format_load, from_kg, load_number, to_kg

BAR_KG = EQUIPMENT[Unit.KG].bar
PLATES_KG: tuple[Decimal, ...] = EQUIPMENT[Unit.KG].plates


@dataclass(frozen=True)
class PlateLoading:
    per_side: tuple[Decimal, ...]  # heaviest first, in `unit`
    # What the plates cannot make up, per side, in `unit` (a load off the plates' grid); zero
    # normally.
    unmatched_per_side: Decimal
    unit: Unit = Unit.KG

    @property
    def label(self) -> str:
        if not self.per_side and not self.unmatched_per_side:
            return "Empty bar"
        parts = " + ".join(self._number(plate) for plate in self.per_side) or "nothing"
        label = f"Per side: {parts}"
        if self.unmatched_per_side:
            unmatched = format_load(to_kg(self.unmatched_per_side, self.unit), self.unit)
            label += f" (and {unmatched} no plate makes)"
        return label

    def _number(self, value: Decimal) -> str:
        # Through the one formatter, so a plate reads as the load it adds.
        return load_number(to_kg(value, self.unit), self.unit)

    @property
    def unmatched_per_side_kg(self) -> Decimal:
        return to_kg(self.unmatched_per_side, self.unit)


def plates_per_side(
    total_kg: Decimal,
    unit: Unit | str = Unit.KG,
    *,
    bar: Decimal | None = None,
    plates: tuple[Decimal, ...] | None = None,
) -> PlateLoading | None:
    """The plates per side for `total_kg` on the bar of the athlete's `unit`, heaviest first, or
    None below the empty bar. Heaviest-first is how lifters load a bar, and with the standard
    plates it makes every load on the 2.5 kg (or 5 lb) grid exactly. `bar` and `plates` are in
    `unit` (its gym's by default)."""
    unit = Unit(unit)
    equipment = EQUIPMENT[unit]
    bar = equipment.bar if bar is None else bar
    total = from_kg(total_kg, unit)
    if total < bar:
        return None
    remaining = (total - bar) / 2
    chosen: list[Decimal] = []
    for plate in sorted(equipment.plates if plates is None else plates, reverse=True):
        while remaining >= plate:
            chosen.append(plate)
            remaining -= plate
    return PlateLoading(tuple(chosen), remaining, unit)
