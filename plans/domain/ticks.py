"""Axis ticks a reader can count in: steps of 1, 2 or 5 × 10^k (100 / 110 / 120, or 0 / 20 /
40 … 100), never 107 / 114 / 120. Exact decimals, so a label never reads 0.30000000000000004."""

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

MIN_TICKS = 3
MAX_TICKS = 7
NICE_MULTIPLES = (1, 2, 5)


def _count(low: Decimal, high: Decimal, step: Decimal) -> int:
    first = (low / step).to_integral_value(rounding=ROUND_FLOOR)
    last = (high / step).to_integral_value(rounding=ROUND_CEILING)
    return int(last - first) + 1


def nice_step(low: Decimal, high: Decimal) -> Decimal:
    """The smallest 1/2/5 × 10^k step that covers low..high in at most MAX_TICKS ticks. The
    search starts a decade below the span, where even a step of 10^k needs more than MAX_TICKS,
    so the step chosen is at most 2.5 times a step that needed too many: at least MIN_TICKS."""
    span = high - low
    exponent = span.adjusted() - 1
    while True:
        for multiple in NICE_MULTIPLES:
            step = Decimal(multiple).scaleb(exponent)
            if _count(low, high, step) <= MAX_TICKS:
                return step
        exponent += 1


def nice_ticks(low: Decimal, high: Decimal) -> list[Decimal]:
    """Ticks from a multiple of the step at or below low to one at or above high."""
    if high < low:
        low, high = high, low
    if high == low:
        # One value: a band around it, so it sits mid-axis with ticks either side.
        pad = abs(low) / 20 if low else Decimal(1)
        low, high = low - pad, high + pad
    step = nice_step(low, high)
    first = (low / step).to_integral_value(rounding=ROUND_FLOOR)
    last = (high / step).to_integral_value(rounding=ROUND_CEILING)
    return [(first + i) * step for i in range(int(last - first) + 1)]


def tick_label(value: Decimal) -> str:
    """Like "105", "2.5", "0": no exponent, no trailing zeros."""
    text = f"{value.normalize():f}"
    return "0" if text in ("-0", "0") else text
