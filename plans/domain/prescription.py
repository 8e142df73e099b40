"""The e1RM arithmetic and the deadlift's sets.

The e1RM is kept as an exact fraction: load / 0.892 is not a finite decimal, and a decimal
approximation of it times 0.892 lands a hair under the load (149.999...), which rounds down a
whole increment. With fractions, prescribing the reps and RIR of the set that set the e1RM gives
back exactly that set's load, as DOMAIN.md demands.
"""

import functools
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from plans.domain.constants import (
    DEFAULT_TARGET_RIR,
    FAILURE_RIR,
    MAX_REPS_PLUS_RIR,
    RTS_FRACTIONS,
    TOO_EASY_RIR,
    WARMUPS,
    WORKING_REPS_MAX,
    WORKING_REPS_MIN,
    WORKING_SETS_MAX,
    WORKING_SETS_MIN,
)
from plans.domain.format import percent_label
from plans.domain.types import LiftSet
from plans.domain.units import Unit, bar_kg, format_load

__all__ = [
    "RTS_FRACTIONS",
    "E1rm",
    "PrescriptionError",
    "e1rm_from_set",
    "estimate_e1rm",
    "fraction",
    "is_prescribed_reason",
    "prescribe",
    "prescribed_by_scheduler",
    "round_down_to_increment",
    "target_load_kg",
]


class PrescriptionError(ValueError):
    pass


@dataclass(frozen=True)
class E1rm:
    exact: Fraction
    # The logged set it was estimated from, when it was.
    source: LiftSet | None = None

    @classmethod
    def from_kg(cls, e1rm_kg: Decimal | int) -> "E1rm":
        return cls(Fraction(e1rm_kg))

    @property
    def kg(self) -> Decimal:
        """For display only, to 0.1 kg; arithmetic uses `exact`."""
        return self.decimal.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def decimal(self) -> Decimal:
        """To 28 significant digits, for showing in a unit (units.format_load(…, places=1))."""
        return Decimal(self.exact.numerator) / Decimal(self.exact.denominator)

    def label(self, unit: Unit | str = Unit.KG) -> str:
        """ "168.2 kg", "370.8 lb": to the tenth of the unit, as the pages show an e1RM."""
        return format_load(self.decimal, unit, places=1)


def fraction(reps_plus_rir: int) -> Decimal:
    """The fraction of 1RM that can be lifted for `reps_plus_rir` reps to failure."""
    try:
        return RTS_FRACTIONS[reps_plus_rir]
    except KeyError:
        raise PrescriptionError(
            f"The RTS chart covers 1 to {MAX_REPS_PLUS_RIR} reps plus RIR, not {reps_plus_rir}."
        ) from None


# Pure, and a roster's history repeats the same few (load, reps, RIR): cached, the dashboard
# builds a few hundred Fractions instead of one per logged set.
@functools.lru_cache(maxsize=4096)
def e1rm_from_set(load_kg: Decimal, reps: int, rir: int) -> E1rm:
    if load_kg <= 0:
        raise PrescriptionError(f"A set's load must be positive, not {load_kg} kg.")
    if reps < 1 or rir < 0:
        raise PrescriptionError(f"{reps} reps at RIR {rir} does not estimate a one-rep max.")
    return E1rm(Fraction(load_kg) / Fraction(fraction(reps + rir)))


def estimate_e1rm(sets: Iterable[LiftSet]) -> E1rm | None:
    """The best e1RM among logged working sets, or None without any.

    The caller picks the sets: deadlift sets logged in the 42 local days before the week's
    local Monday (weeks.e1rm_lookback_start). Here, warm-ups, failed sets, sets past the chart
    (reps + RIR above 12) and sets logged without a load or an RIR are left out.
    """
    best: E1rm | None = None
    for lift_set in sets:
        load_kg, reps, rir = lift_set.load_kg, lift_set.reps, lift_set.rir
        if lift_set.is_warmup or lift_set.failed:
            continue
        if load_kg is None or reps is None or rir is None:
            continue
        if load_kg <= 0 or reps < 1 or rir < 0 or reps + rir > MAX_REPS_PLUS_RIR:
            continue
        estimate = e1rm_from_set(load_kg, reps, rir)
        # Strictly better only: among equal estimates the first set given stays the source.
        if best is None or estimate.exact > best.exact:
            best = E1rm(estimate.exact, source=lift_set)
    return best


def round_down_to_increment(load_kg: Fraction | Decimal, load_increment_kg: Decimal) -> Decimal:
    # Multiples of the increment counted from zero; with the usual 1.25, 2.5 or 5 kg steps these
    # include the 20 kg bar.
    steps = math.floor(Fraction(load_kg) / Fraction(load_increment_kg))
    return steps * load_increment_kg


def target_load_kg(e1rm: E1rm, reps: int, rir: int, load_increment_kg: Decimal) -> Decimal:
    """e1RM x fraction(reps + rir), rounded down to the increment (no empty-bar floor here)."""
    _check_increment(load_increment_kg)
    return round_down_to_increment(e1rm.exact * Fraction(fraction(reps + rir)), load_increment_kg)


def _check_increment(load_increment_kg: Decimal) -> None:
    if load_increment_kg <= 0:
        raise PrescriptionError(f"The load increment must be positive, not {load_increment_kg}.")


def prescribe(
    e1rm: E1rm | None,
    *,
    sets: int,
    reps: int,
    rir: int = DEFAULT_TARGET_RIR,
    load_increment_kg: Decimal,
    unit: Unit | str = Unit.KG,
) -> tuple[LiftSet, ...]:
    """Three warm-ups, then the working sets, ordered from 1 and not yet saved (id None).

    `unit` is the athlete's: the empty bar is theirs (20 kg, or 45 lb) and the reasons name loads
    in it; the loads themselves stay kilograms, multiples of the increment (5 lb is stored as
    2.26796185 kg, so its multiples are whole 5 lb steps)."""
    if not WORKING_SETS_MIN <= sets <= WORKING_SETS_MAX:
        raise PrescriptionError(
            f"Prescribe {WORKING_SETS_MIN} to {WORKING_SETS_MAX} working sets, not {sets}: "
            '"Volume: Low. 3 to 4 sets."'
        )
    if not WORKING_REPS_MIN <= reps <= WORKING_REPS_MAX:
        raise PrescriptionError(
            f"Prescribe {WORKING_REPS_MIN} to {WORKING_REPS_MAX} reps a set, not {reps}: "
            '"Reps: Low. 3 to 4 reps."'
        )
    # The rules flag RIR 0 and RIR 3+, so the prescription never targets them.
    if not FAILURE_RIR < rir < TOO_EASY_RIR:
        raise PrescriptionError(
            f"Prescribe RIR {FAILURE_RIR + 1} to {TOO_EASY_RIR - 1}, not {rir}: "
            '"Leave 1 rep in the tank, never go to failure."'
        )
    _check_increment(load_increment_kg)

    empty_bar_kg = bar_kg(unit)
    working_load_kg, working_reason = _working_load(e1rm, reps, rir, load_increment_kg, unit)
    prescribed: list[LiftSet] = []
    for warmup_reps, share in WARMUPS:
        if working_load_kg is None:
            load_kg = None
            reason = f"{WARMUP_REASON}{percent_label(share)} of the working weight"
        else:
            load_kg = max(
                round_down_to_increment(working_load_kg * share, load_increment_kg), empty_bar_kg
            )
            reason = (
                f"{WARMUP_REASON}{percent_label(share)} of {format_load(working_load_kg, unit)}"
            )
        prescribed.append(
            LiftSet(
                id=None,
                order=len(prescribed) + 1,
                is_warmup=True,
                target_reps=warmup_reps,
                target_load_kg=load_kg,
                target_rir=None,
                target_load_reason=reason,
            )
        )
    for _ in range(sets):
        prescribed.append(
            LiftSet(
                id=None,
                order=len(prescribed) + 1,
                is_warmup=False,
                target_reps=reps,
                target_load_kg=working_load_kg,
                target_rir=rir,
                target_load_reason=working_reason,
            )
        )
    return tuple(prescribed)


def _working_load(
    e1rm: E1rm | None, reps: int, rir: int, load_increment_kg: Decimal, unit: Unit | str
) -> tuple[Decimal | None, str]:
    if e1rm is None:
        return None, f"{NO_HISTORY_REASON}choose a weight you could lift {reps + rir} times"
    share = fraction(reps + rir)
    load_kg = target_load_kg(e1rm, reps, rir, load_increment_kg)
    reason = f"{percent_label(share)}{OF_E1RM_REASON}{e1rm.label(unit)}"
    empty_bar_kg = bar_kg(unit)
    if load_kg < empty_bar_kg:
        return (
            empty_bar_kg,
            f"{EMPTY_BAR_REASON}{reason} is below {format_load(empty_bar_kg, unit)}",
        )
    return load_kg, reason


# The load reasons prescribe() writes, and the one test of whether a reason is one of them:
# "only targets the scheduler itself prescribed are refreshed". Any other reason, none included,
# is the coach's own, and scheduling never overwrites it. Reword a reason here and both follow.
WARMUP_REASON = "warm-up: "
NO_HISTORY_REASON = "no logged history yet: "
EMPTY_BAR_REASON = "the empty bar: "
OF_E1RM_REASON = " of e1RM "
_PRESCRIBED_REASON = re.compile(
    "|".join(
        [
            re.escape(WARMUP_REASON),
            re.escape(NO_HISTORY_REASON),
            re.escape(EMPTY_BAR_REASON),
            # "89.2 % of e1RM 168.2 kg" (or "… 370.8 lb"), as percent_label and format_load
            # write them
            rf"\d+(\.\d)? %{re.escape(OF_E1RM_REASON)}\d+(\.\d+)? (kg|lb)$",
        ]
    ),
    re.ASCII,
)


def is_prescribed_reason(reason: str) -> bool:
    return _PRESCRIBED_REASON.match(reason) is not None


def prescribed_by_scheduler(sets: Iterable[LiftSet]) -> bool:
    """Whether every set's targets are the scheduler's own (a deadlift without sets has none of
    the coach's): one set the coach reasoned by hand makes the whole prescription the coach's."""
    return all(is_prescribed_reason(lift_set.target_load_reason) for lift_set in sets)
