"""Which plates to put on each side of the bar for a total load: a hint on the phone, so the
athlete loads 142.5 kg without mental arithmetic between sets. Pure: no database, no request."""

from dataclasses import dataclass
from decimal import Decimal

BAR_KG = Decimal("20")
# The plates of a standard gym, heaviest first.
PLATES_KG: tuple[Decimal, ...] = tuple(
    Decimal(kg) for kg in ("25", "20", "15", "10", "5", "2.5", "1.25")
)


@dataclass(frozen=True)
class PlateLoading:
    per_side: tuple[Decimal, ...]  # heaviest first
    # What the plates cannot make up, per side (a load off the 2.5 kg grid); zero normally.
    unmatched_per_side_kg: Decimal

    @property
    def label(self) -> str:
        if not self.per_side and not self.unmatched_per_side_kg:
            return "Empty bar"
        parts = " + ".join(_kg(plate) for plate in self.per_side) or "nothing"
        label = f"Per side: {parts}"
        if self.unmatched_per_side_kg:
            label += f" (and {_kg(self.unmatched_per_side_kg)} kg no plate makes)"
        return label


def _kg(value: Decimal) -> str:
    return format(value.normalize(), "f")


def plates_per_side(
    total_kg: Decimal, *, bar_kg: Decimal = BAR_KG, plates: tuple[Decimal, ...] = PLATES_KG
) -> PlateLoading | None:
    """The plates per side for `total_kg` on the bar, heaviest first, or None below the empty
    bar. Heaviest-first is how lifters load a bar, and with the standard plates it makes every
    load on the 2.5 kg grid exactly."""
    if total_kg < bar_kg:
        return None
    remaining = (total_kg - bar_kg) / 2
    chosen: list[Decimal] = []
    for plate in sorted(plates, reverse=True):
        while remaining >= plate:
            chosen.append(plate)
            remaining -= plate
    return PlateLoading(tuple(chosen), remaining)
