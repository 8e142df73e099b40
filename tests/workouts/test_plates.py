"""The plate-loading hint: plates per side on a 20 kg bar, or on a 45 lb bar with pound plates."""

from decimal import Decimal

import pytest

from plans.domain.units import to_kg
from workouts.plates import plates_per_side


def d(*values: str) -> tuple[Decimal, ...]:
    return tuple(Decimal(v) for v in values)


@pytest.mark.parametrize(
    ("total", "per_side", "unmatched"),
    [
        pytest.param("20", (), "0", id="empty bar"),
        pytest.param("22.5", d("1.25"), "0", id="smallest step"),
        pytest.param("60", d("20"), "0", id="one plate each side"),
        pytest.param("100", d("25", "15"), "0", id="heaviest first"),
        pytest.param("142.5", d("25", "25", "10", "1.25"), "0", id="repeats the 25s"),
        pytest.param("227.5", d("25", "25", "25", "25", "2.5", "1.25"), "0", id="heavy pull"),
        pytest.param("21", (), "0.5", id="off the grid: what no plate makes"),
    ],
)
def test_plates_per_side(total, per_side, unmatched):
    loading = plates_per_side(Decimal(total))
    assert loading is not None
    assert loading.per_side == per_side
    assert loading.unmatched_per_side_kg == Decimal(unmatched)
    assert Decimal("20") + 2 * (sum(per_side) + Decimal(unmatched)) == Decimal(total)


def test_below_the_empty_bar_there_is_no_loading():
    assert plates_per_side(Decimal("19.99")) is None


@pytest.mark.parametrize(
    ("total", "label"),
    [
        ("20", "Empty bar"),
        ("100", "Per side: 25 + 15"),
        ("122.5", "Per side: 25 + 25 + 1.25"),
        ("21", "Per side: nothing (and 0.5 kg no plate makes)"),
    ],
)
def test_label(total, label):
    loading = plates_per_side(Decimal(total))
    assert loading is not None
    assert loading.label == label


def test_another_bar_and_plate_set():
    loading = plates_per_side(Decimal("35"), bar=Decimal("15"), plates=d("10", "5"))
    assert loading is not None
    assert loading.per_side == d("10")


def lb(pounds: str) -> Decimal:
    return to_kg(Decimal(pounds), "lb")


@pytest.mark.parametrize(
    ("pounds", "per_side", "unmatched", "label"),
    [
        pytest.param("45", (), "0", "Empty bar", id="the 45 lb bar"),
        pytest.param("50", d("2.5"), "0", "Per side: 2.5", id="smallest step"),
        pytest.param("135", d("45"), "0", "Per side: 45", id="a plate a side"),
        pytest.param("225", d("45", "45"), "0", "Per side: 45 + 45", id="two plates"),
        pytest.param("315", d("45", "45", "45"), "0", "Per side: 45 + 45 + 45", id="three"),
        pytest.param("325", d("45", "45", "45", "5"), "0", "Per side: 45 + 45 + 45 + 5", id="325"),
        pytest.param(
            "190", d("45", "25", "2.5"), "0", "Per side: 45 + 25 + 2.5", id="no 20s in pounds"
        ),
        pytest.param("125", d("35", "5"), "0", "Per side: 35 + 5", id="the 35 lb plate"),
        pytest.param(
            "47",
            (),
            "1",
            "Per side: nothing (and 1 lb no plate makes)",
            id="off the grid, in pounds",
        ),
    ],
)
def test_plates_in_pounds(pounds, per_side, unmatched, label):
    loading = plates_per_side(lb(pounds), "lb")
    assert loading is not None
    assert loading.per_side == per_side
    assert loading.unmatched_per_side == Decimal(unmatched)
    assert loading.label == label
    assert Decimal(45) + 2 * (sum(per_side) + Decimal(unmatched)) == Decimal(pounds)


def test_below_the_45_lb_bar_there_is_no_loading():
    assert plates_per_side(lb("44.99"), "lb") is None
    assert plates_per_side(lb("45"), "lb") is not None
    # 20 kg is 44.09 lb: enough for a kilogram bar, not for a pound one.
    assert plates_per_side(Decimal("20"), "lb") is None
