"""Chart axes count in 1/2/5 × 10^k steps (plans.domain.ticks): pure, no database."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plans.domain.format import set_names
from plans.domain.ticks import MAX_TICKS, MIN_TICKS, nice_ticks, tick_label

D = Decimal


def labels(low, high) -> list[str]:
    return [tick_label(t) for t in nice_ticks(D(low), D(high))]


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        # The e1RM axis: 107 / 114 / 120 / 127 / 134 before.
        ("107", "134", ["105", "110", "115", "120", "125", "130", "135"]),
        ("100", "130", ["100", "105", "110", "115", "120", "125", "130"]),
        ("105", "118", ["105", "110", "115", "120"]),
        ("0", "100", ["0", "20", "40", "60", "80", "100"]),  # the compliance chart
        ("142.5", "147.5", ["142", "143", "144", "145", "146", "147", "148"]),
        ("0.1", "0.37", ["0.1", "0.15", "0.2", "0.25", "0.3", "0.35", "0.4"]),
        ("0", "600", ["0", "100", "200", "300", "400", "500", "600"]),
    ],
)
def test_nice_ticks(low, high, expected):
    assert labels(low, high) == expected


def test_one_value_sits_mid_axis():
    ticks = nice_ticks(D(100), D(100))
    assert ticks[0] < 100 < ticks[-1]
    assert D(100) in ticks


def test_reversed_bounds_are_the_same_axis():
    assert nice_ticks(D(134), D(107)) == nice_ticks(D(107), D(134))


def test_labels_have_no_exponent_nor_trailing_zeros():
    assert [tick_label(D(x)) for x in ("1E+2", "2.50", "0.00", "-0")] == ["100", "2.5", "0", "0"]


values = st.decimals(min_value=D(0), max_value=D(100_000), places=2, allow_nan=False)


@given(values, values)
def test_ticks_cover_the_data_in_nice_equal_steps(a, b):
    low, high = min(a, b), max(a, b)
    ticks = nice_ticks(low, high)
    assert ticks[0] <= low and ticks[-1] >= high
    assert MIN_TICKS <= len(ticks) <= MAX_TICKS
    steps = {later - earlier for earlier, later in zip(ticks, ticks[1:], strict=False)}
    assert len(steps) == 1
    [step] = steps
    digits = step.normalize().as_tuple().digits
    assert digits in ((1,), (2,), (5,)), step
    # Every tick is a whole number of steps: 105, not 107.
    assert all((tick / step) == (tick / step).to_integral_value() for tick in ticks)


@pytest.mark.parametrize(
    ("warmups", "names"),
    [
        (
            [True, True, True, False, False, False],
            ["Warm-up 1", "Warm-up 2", "Warm-up 3", "Set 1", "Set 2", "Set 3"],
        ),
        ([False, False, False, False], ["Set 1", "Set 2", "Set 3", "Set 4"]),
        ([True, False, True, False], ["Warm-up 1", "Set 1", "Warm-up 2", "Set 2"]),
        ([], []),
    ],
)
def test_set_names_count_working_sets_from_one(warmups, names):
    assert set_names(warmups) == names
