"""Autoregulation: the next set follows the last one (DOMAIN.md, "Autoregulation").

After each logged working set, every working set of the session not yet logged is re-targeted
from the latest measurement of the day:

- the driving set is the logged working set with the highest order that is either a
  measurement (a load, reps >= 1 and an RIR >= 1, reps + RIR <= 12, not failed) or a drop (logged
  failed, or at RIR 0, with a load); logged sets that are neither (no RIR, past the chart, no
  load) are passed over;
- after a measurement: load = e1RM x fraction(target reps + target RIR) of the set re-targeted;
  a set without target reps or RIR, or past the chart, keeps its original target;
- after a drop: load = 90 % of the driving set's load, "whatever the e1RM says";
- the load is rounded down to the increment (the set's original target counts as one of the
  steps, so a set logged exactly as prescribed leaves every target where it was, even a target
  the coach typed off the increment), raised to the empty bar rounded up to a step (or to the
  original target, if that was lighter), and kept within 10 % of the
  original target: the upper bound is 110 % rounded down, the lower 90 % rounded up (to a step
  or to the original), so no adjusted target ever moves more than 10 %. A set that had no
  original target (no history yet) gets one uncapped.

Each set's "original target" is the target before any adjustment: `original_target_load_kg`
of the input (equal to `target_load_kg` on a set never adjusted; None when there was none).
A set is adjusted exactly when its new target differs from its original. `retarget` returns the
sets whose state it sets: every set it adjusts, and every set adjusted before that goes back to
its original (adjustment None). Warm-ups and logged sets are never returned. Exact arithmetic:
Fractions throughout, Decimals out.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final, Literal, Protocol

from plans.domain.constants import EMPTY_BAR_KG, FAILURE_RIR, MAX_REPS_PLUS_RIR
from plans.domain.format import decimal_label, kg_label
from plans.domain.prescription import PrescriptionError, e1rm_from_set, fraction

__all__ = [
    "ADJUSTMENT_KINDS",
    "CAP",
    "DROP_SHARE",
    "Adjustment",
    "Retarget",
    "RetargetSet",
    "describe",
    "retarget",
]

# "a bad day or a typo never swings the bar more" than 10 % from the original target.
CAP = Fraction(1, 10)
# "After a set logged failed or at RIR 0, the next sets drop to 90 % of that set's load."
DROP_SHARE = Fraction(9, 10)

E1RM: Final = "e1rm"
DROP: Final = "drop"
Kind = Literal["e1rm", "drop"]
ADJUSTMENT_KINDS: tuple[Kind, ...] = (E1RM, DROP)


class RetargetSet(Protocol):
    """What retarget reads of a set: plans.domain.types.LiftSet plus the original target."""

    @property
    def order(self) -> int: ...
    @property
    def is_warmup(self) -> bool: ...
    @property
    def target_reps(self) -> int | None: ...
    @property
    def target_rir(self) -> int | None: ...
    @property
    def target_load_kg(self) -> Decimal | None: ...
    @property
    def original_target_load_kg(self) -> Decimal | None: ...
    @property
    def reps(self) -> int | None: ...
    @property
    def rir(self) -> int | None: ...
    @property
    def failed(self) -> bool: ...
    @property
    def load_kg(self) -> Decimal | None: ...


@dataclass(frozen=True)
class Adjustment:
    """Why a target moved: after which working set (1-based among the working sets), what was
    logged there, and whether the 10 % cap held the new load back."""

    kind: Kind
    after_set: int
    reps: int | None
    rir: int | None
    failed: bool
    load_kg: Decimal
    e1rm_kg: Decimal | None  # to 0.1 kg, for the words; the arithmetic used the exact fraction
    capped: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "after_set": self.after_set,
            "reps": self.reps,
            "rir": self.rir,
            "failed": self.failed,
            "load_kg": decimal_label(self.load_kg),
            "e1rm_kg": None if self.e1rm_kg is None else decimal_label(self.e1rm_kg),
            "capped": self.capped,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Adjustment":
        e1rm_kg = data.get("e1rm_kg")
        kind: Kind = DROP if data["kind"] == DROP else E1RM
        return cls(
            kind=kind,
            after_set=int(data["after_set"]),
            reps=data.get("reps"),
            rir=data.get("rir"),
            failed=bool(data.get("failed", False)),
            load_kg=Decimal(str(data["load_kg"])),
            e1rm_kg=None if e1rm_kg is None else Decimal(str(e1rm_kg)),
            capped=bool(data.get("capped", False)),
        )


@dataclass(frozen=True)
class Retarget:
    order: int
    target_load_kg: Decimal | None
    original_target_load_kg: Decimal | None
    adjustment: Adjustment | None  # None: back to the original target


@dataclass(frozen=True)
class _Driver:
    kind: Kind
    after_set: int
    lift_set: RetargetSet
    load_kg: Decimal
    e1rm: Fraction | None
    e1rm_kg: Decimal | None


def retarget(
    sets: Sequence[RetargetSet], *, increment_kg: Decimal, adjust_targets: bool
) -> list[Retarget]:
    """The new targets of the session's working sets not yet logged, in order (see the module's
    docstring). `adjust_targets` False (the coach's own targets, autoregulation of them off):
    nothing is adjusted, and a set adjusted before goes back to its original."""
    if increment_kg <= 0:
        raise PrescriptionError(f"The load increment must be positive, not {increment_kg}.")
    working = sorted((s for s in sets if not s.is_warmup), key=lambda s: s.order)
    driver = _driver(working) if adjust_targets else None
    changes: list[Retarget] = []
    for lift_set in working:
        if lift_set.reps is not None:
            continue
        original = lift_set.original_target_load_kg
        new = _new_target(lift_set, driver, original, increment_kg)
        if new is not None and driver is not None and new[0] != original:
            load_kg, capped = new
            adjustment = Adjustment(
                kind=driver.kind,
                after_set=driver.after_set,
                reps=driver.lift_set.reps,
                rir=driver.lift_set.rir,
                failed=driver.lift_set.failed,
                load_kg=driver.load_kg,
                e1rm_kg=driver.e1rm_kg,
                capped=capped,
            )
            changes.append(Retarget(lift_set.order, load_kg, original, adjustment))
        elif lift_set.target_load_kg != original:
            changes.append(Retarget(lift_set.order, original, original, None))
    return changes


def _driver(working: Sequence[RetargetSet]) -> _Driver | None:
    driver: _Driver | None = None
    for number, lift_set in enumerate(working, start=1):
        load_kg, reps, rir = lift_set.load_kg, lift_set.reps, lift_set.rir
        if reps is None or load_kg is None or load_kg <= 0:
            continue
        if lift_set.failed or rir == FAILURE_RIR:
            driver = _Driver(DROP, number, lift_set, load_kg, None, None)
        elif rir is not None and reps >= 1 and rir > 0 and reps + rir <= MAX_REPS_PLUS_RIR:
            e1rm = e1rm_from_set(load_kg, reps, rir)
            driver = _Driver(E1RM, number, lift_set, load_kg, e1rm.exact, e1rm.kg)
    return driver


def _new_target(
    lift_set: RetargetSet,
    driver: _Driver | None,
    original: Decimal | None,
    increment_kg: Decimal,
) -> tuple[Decimal, bool] | None:
    """The adjusted load and whether the cap applied, or None when it cannot be worked out."""
    if driver is None:
        return None
    if driver.kind == DROP:
        exact = Fraction(driver.load_kg) * DROP_SHARE
    else:
        reps, rir = lift_set.target_reps, lift_set.target_rir
        if driver.e1rm is None or reps is None or rir is None:
            return None
        if not 1 <= reps + rir <= MAX_REPS_PLUS_RIR or reps < 1 or rir < 0:
            return None
        exact = driver.e1rm * Fraction(fraction(reps + rir))
    load_kg = max(_round_down(exact, increment_kg, original), _floor(increment_kg, original))
    if original is None:
        return load_kg, False
    highest = _round_down(Fraction(original) * (1 + CAP), increment_kg, original)
    lowest = _round_up(Fraction(original) * (1 - CAP), increment_kg, original)
    if load_kg > highest:
        return highest, True
    if load_kg < lowest:
        return lowest, True
    return load_kg, False


def _floor(increment_kg: Decimal, original: Decimal | None) -> Decimal:
    """The lightest target a set can be given: the empty bar, rounded up to a step (with a 5 lb
    increment that is the 45 lb bar, 9 steps, not 20 kg, which no lb plate makes), or the
    original target when the coach chose one lighter than the bar."""
    if original is not None and original < EMPTY_BAR_KG:
        return original
    return _round_up(Fraction(EMPTY_BAR_KG), increment_kg, original)


def _round_down(value: Fraction, increment_kg: Decimal, original: Decimal | None) -> Decimal:
    """The highest step at or below value: a multiple of the increment, or the original."""
    step = math.floor(value / Fraction(increment_kg)) * increment_kg
    if original is not None and step < original <= value:
        return original
    return step


def _round_up(value: Fraction, increment_kg: Decimal, original: Decimal | None) -> Decimal:
    """The lowest step at or above value: a multiple of the increment, or the original."""
    step = math.ceil(value / Fraction(increment_kg)) * increment_kg
    if original is not None and value <= original < step:
        return original
    return step


def describe(adjustment: Adjustment, label: Callable[[Decimal], str] = kg_label) -> str:
    """The reason beside an adjusted target, e.g.
    "adjusted after set 1: 3 reps at RIR 3 → e1RM 168.5 kg"."""
    if adjustment.kind == DROP:
        how = "failed" if adjustment.failed else f"at RIR {FAILURE_RIR}"
        reason = (
            f"dropped to 90 % after set {adjustment.after_set}: "
            f"{adjustment.reps} reps at {label(adjustment.load_kg)} {how}"
        )
    else:
        e1rm = "" if adjustment.e1rm_kg is None else f" → e1RM {label(adjustment.e1rm_kg)}"
        reason = (
            f"adjusted after set {adjustment.after_set}: "
            f"{adjustment.reps} reps at RIR {adjustment.rir}{e1rm}"
        )
    if adjustment.capped:
        reason += " (held to 10 % of the original target)"
    return reason
