"""Kilograms and pounds (plans.domain.units): exact both ways for what a lifter types, one
formatter, and the prescription on the athlete's own plates."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plans.domain.prescription import E1rm, is_prescribed_reason, prescribe, target_load_kg
from plans.domain.units import (
    LB_IN_KG,
    STORED_PLACES,
    Unit,
    bar_kg,
    bounds_in,
    default_increment_kg,
    format_load,
    from_kg,
    increment_for_new_unit,
    same_shown,
    stored_kg,
    to_kg,
)

# Every load a lifter types: 0 to 600 kg, or 0 to 1322.77 lb, in hundredths.
POUNDS = st.integers(0, 132277).map(lambda hundredths: Decimal(hundredths).scaleb(-2))
KILOGRAMS = st.integers(0, 60000).map(lambda hundredths: Decimal(hundredths).scaleb(-2))


@given(POUNDS)
def test_a_pound_load_with_two_decimals_comes_back_exactly(pounds):
    kg = to_kg(pounds, Unit.LB)
    assert kg == pounds * LB_IN_KG  # no rounding at all
    assert kg == kg.quantize(Decimal(1).scaleb(-STORED_PLACES))  # fits the columns
    assert from_kg(kg, Unit.LB) == pounds


@given(KILOGRAMS)
def test_a_kilogram_load_with_two_decimals_comes_back_exactly(kilograms):
    assert to_kg(kilograms, Unit.KG) == kilograms
    assert from_kg(kilograms, Unit.KG) == kilograms


@given(POUNDS)
def test_what_a_pound_load_shows_is_what_was_typed(pounds):
    assert format_load(to_kg(pounds, "lb"), "lb") == f"{pounds.normalize():f} lb"


@pytest.mark.parametrize(
    ("kg", "unit", "text"),
    [
        ("147.5", "kg", "147.5 kg"),
        ("180", "kg", "180 kg"),
        ("101.25", "kg", "101.25 kg"),
        ("0", "kg", "0 kg"),
        ("147.41752025", "lb", "325 lb"),
        ("147.41752025", "kg", "147.42 kg"),
        ("20.41165665", "lb", "45 lb"),
        ("147.5", "lb", "325.18 lb"),
        ("100.005", "kg", "100.01 kg"),  # half up, as shown
        ("100.00499", "kg", "100 kg"),
    ],
)
def test_format_load(kg, unit, text):
    assert format_load(Decimal(kg), unit) == text


def test_an_estimate_shows_to_the_tenth():
    assert format_load(Decimal("168.2356"), "kg", places=1) == "168.2 kg"
    assert format_load(Decimal("168.2356"), "lb", places=1) == "370.9 lb"


def test_an_unknown_unit_is_refused():
    with pytest.raises(ValueError, match="kg or lb"):
        to_kg(Decimal(1), "stone")


@pytest.mark.parametrize(
    ("value", "unit", "stored"),
    [
        ("325.25", "lb", "147.5309183425"),
        ("0.01", "lb", "0.0045359237"),
        ("147.4175202500", "kg", "147.41752025"),
        ("1.0000000001", "kg", "1.0000000001"),
    ],
)
def test_stored_kg_keeps_every_decimal_the_columns_hold(value, unit, stored):
    assert stored_kg(Decimal(value), unit) == Decimal(stored)


@pytest.mark.parametrize(("value", "unit"), [("325.255", "lb"), ("1.00000000001", "kg")])
def test_stored_kg_refuses_what_the_columns_cannot_hold(value, unit):
    with pytest.raises(ValueError, match="decimals"):
        stored_kg(Decimal(value), unit)


def test_the_bar_and_the_default_increment_of_each_unit():
    assert bar_kg("kg") == Decimal(20)
    assert bar_kg("lb") == Decimal("20.41165665")
    assert default_increment_kg("kg") == Decimal("2.5")
    assert default_increment_kg("lb") == Decimal("2.26796185")


@pytest.mark.parametrize(
    ("increment", "old", "new", "after"),
    [
        ("2.5", "kg", "lb", "2.26796185"),  # the kilogram default becomes the pound default
        ("2.26796185", "lb", "kg", "2.5"),
        ("1.25", "kg", "lb", "1.25"),  # a chosen increment stays
        ("2.5", "lb", "kg", "2.5"),  # 2.5 kg is no pound default: chosen, it stays
        ("2.5", "kg", "kg", "2.5"),
    ],
)
def test_changing_unit_moves_only_a_default_increment(increment, old, new, after):
    assert increment_for_new_unit(Decimal(increment), old, new) == Decimal(after)


def test_bounds_in_a_unit_lie_inside_the_kilogram_range():
    assert bounds_in("kg", Decimal("0.25"), Decimal("25")) == (Decimal("0.25"), Decimal("25"))
    low, high = bounds_in("lb", Decimal("0.25"), Decimal("25"))
    assert (low, high) == (Decimal("0.56"), Decimal("55.11"))
    assert to_kg(low, "lb") >= Decimal("0.25") > to_kg(low - Decimal("0.01"), "lb")
    assert to_kg(high, "lb") <= Decimal("25") < to_kg(high + Decimal("0.01"), "lb")
    assert bounds_in("lb", Decimal(0), Decimal(600))[1] == Decimal("1322.77")


def test_same_shown_keeps_the_stored_value_only_for_what_was_shown():
    stored = to_kg(Decimal(325), "lb")
    assert same_shown(Decimal("147.42"), stored, "kg")
    assert not same_shown(Decimal("147.41"), stored, "kg")
    assert not same_shown(Decimal("147.42"), None, "kg")


# ---------------------------------------------------------------------------- the prescription

FIVE_LB = default_increment_kg("lb")


def e1rm_lb(pounds: str) -> E1rm:
    return E1rm.from_kg(to_kg(Decimal(pounds), "lb"))


@pytest.mark.parametrize(
    ("e1rm", "shown"),
    [
        # 89.2 % of the e1RM, rounded down to 5 lb: both sides of 325.
        ("364.349775784753363", "320 lb"),  # 324.999...: just short of 325
        ("364.35", "325 lb"),  # 325.0002
        ("369.95", "325 lb"),  # 329.995...: just short of 330
        ("369.96", "330 lb"),  # 330.004
    ],
)
def test_the_working_load_rounds_down_to_5_lb(e1rm, shown):
    load = target_load_kg(e1rm_lb(e1rm), 3, 1, FIVE_LB)
    assert format_load(load, "lb") == shown
    # A whole number of 5 lb steps, stored exactly.
    assert (from_kg(load, "lb") % 5) == 0
    assert load == to_kg(from_kg(load, "lb"), "lb")


def test_a_set_in_pounds_prescribes_its_own_load_back():
    logged = to_kg(Decimal(325), "lb")
    from plans.domain.prescription import e1rm_from_set

    assert target_load_kg(e1rm_from_set(logged, 3, 1), 3, 1, FIVE_LB) == logged


def test_the_prescription_in_pounds_warms_up_on_a_45_lb_bar():
    sets = prescribe(e1rm_lb("364.35"), sets=3, reps=3, load_increment_kg=FIVE_LB, unit="lb")
    shown = [format_load(s.target_load_kg, "lb") for s in sets if s.target_load_kg is not None]
    # 40 / 60 / 80 % of 325 lb, rounded down to 5 lb: 130, 195, 260.
    assert shown == ["130 lb", "195 lb", "260 lb", "325 lb", "325 lb", "325 lb"]
    assert sets[0].target_load_reason == "warm-up: 40 % of 325 lb"
    assert sets[3].target_load_reason == "89.2 % of e1RM 364.4 lb"
    assert all(is_prescribed_reason(s.target_load_reason) for s in sets)


def test_a_light_prescription_in_pounds_stops_at_the_45_lb_bar():
    sets = prescribe(e1rm_lb("100"), sets=3, reps=3, load_increment_kg=FIVE_LB, unit="lb")
    # 89.2 lb works out to 85 lb; 40 % of 85 lb is 34 lb, under the bar.
    assert [s.target_load_kg for s in (sets[0], sets[3])] == [bar_kg("lb"), to_kg(85, "lb")]
    tiny = prescribe(e1rm_lb("40"), sets=3, reps=3, load_increment_kg=FIVE_LB, unit="lb")
    assert tiny[3].target_load_kg == bar_kg("lb")
    assert tiny[3].target_load_reason == "the empty bar: 89.2 % of e1RM 40 lb is below 45 lb"
    assert is_prescribed_reason(tiny[3].target_load_reason)


def test_in_kilograms_the_prescription_is_as_before():
    sets = prescribe(E1rm.from_kg(150), sets=3, reps=3, load_increment_kg=Decimal("2.5"))
    assert [s.target_load_kg for s in sets] == [
        Decimal("52.5"),
        Decimal("77.5"),
        Decimal("105.0"),
        Decimal("132.5"),
        Decimal("132.5"),
        Decimal("132.5"),
    ]
    assert sets[3].target_load_reason == "89.2 % of e1RM 150 kg"
