from decimal import Decimal
from fractions import Fraction

import pytest

from plans.domain.constants import MAX_REPS_PLUS_RIR, RTS_FRACTIONS
from plans.domain.prescription import (
    E1rm,
    PrescriptionError,
    e1rm_from_set,
    estimate_e1rm,
    fraction,
    prescribe,
    target_load_kg,
)
from plans.domain.types import LiftSet

STEP = Decimal("2.5")


def logged(
    load_kg: str,
    reps: int,
    rir: int | None,
    *,
    failed: bool = False,
    is_warmup: bool = False,
    set_id: int = 1,
) -> LiftSet:
    return LiftSet(
        id=set_id,
        order=set_id,
        is_warmup=is_warmup,
        target_reps=None,
        target_load_kg=None,
        target_rir=None,
        reps=reps,
        load_kg=Decimal(load_kg),
        rir=rir,
        failed=failed,
    )


DOMAIN_MD_FRACTIONS = "1.000 0.955 0.922 0.892 0.863 0.837 0.811 0.786 0.762 0.739 0.707 0.680"


def test_the_rts_table_is_the_rpe_10_row_of_domain_md() -> None:
    expected = {n: Decimal(v) for n, v in enumerate(DOMAIN_MD_FRACTIONS.split(), start=1)}
    assert expected == RTS_FRACTIONS
    assert fraction(4) == Decimal("0.892")


@pytest.mark.parametrize(
    "reps_plus_rir",
    [pytest.param(0, id="zero"), pytest.param(13, id="past the chart")],
)
def test_fraction_outside_the_chart(reps_plus_rir: int) -> None:
    with pytest.raises(PrescriptionError, match="1 to 12"):
        fraction(reps_plus_rir)


@pytest.mark.parametrize(
    "load_kg, reps, rir, e1rm_kg",
    [
        pytest.param("150", 3, 1, "168.2", id="150 kg x 3 @ RIR 1"),
        pytest.param("100", 1, 0, "100.0", id="a true single is its own max"),
        pytest.param("200", 5, 0, "231.7", id="200 kg x 5 to failure"),
        pytest.param("140", 3, 2, "162.2", id="140 kg x 3 @ RIR 2"),
        pytest.param("162.5", 3, 1, "182.2", id="162.5 kg x 3 @ RIR 1"),
    ],
)
def test_e1rm_from_set(load_kg: str, reps: int, rir: int, e1rm_kg: str) -> None:
    assert e1rm_from_set(Decimal(load_kg), reps, rir).kg == Decimal(e1rm_kg)


@pytest.mark.parametrize(
    "load_kg, reps, rir",
    [
        pytest.param("0", 3, 1, id="no load"),
        pytest.param("100", 0, 1, id="no reps"),
        pytest.param("100", 3, -1, id="negative RIR"),
        pytest.param("100", 10, 3, id="reps plus RIR past the chart"),
    ],
)
def test_e1rm_from_set_rejects(load_kg: str, reps: int, rir: int) -> None:
    with pytest.raises(PrescriptionError):
        e1rm_from_set(Decimal(load_kg), reps, rir)


def test_estimate_e1rm_takes_the_best_set() -> None:
    best = logged("150", 3, 1, set_id=2)
    e1rm = estimate_e1rm([logged("140", 3, 1, set_id=1), best, logged("100", 5, 2, set_id=3)])
    assert e1rm is not None
    assert e1rm.kg == Decimal("168.2")
    assert e1rm.source == best


@pytest.mark.parametrize(
    "left_out",
    [
        pytest.param(logged("200", 3, 1, failed=True), id="failed set"),
        pytest.param(logged("200", 3, 1, is_warmup=True), id="warm-up"),
        pytest.param(logged("120", 10, 3), id="reps plus RIR 13"),
        pytest.param(logged("200", 3, None), id="RIR not logged"),
        pytest.param(
            LiftSet(1, 1, False, target_reps=3, target_load_kg=Decimal("250"), target_rir=1),
            id="planned, not logged",
        ),
    ],
)
def test_estimate_e1rm_leaves_out(left_out: LiftSet) -> None:
    e1rm = estimate_e1rm([logged("150", 3, 1), left_out])
    assert e1rm is not None
    assert e1rm.kg == Decimal("168.2")
    assert estimate_e1rm([left_out]) is None


def test_estimate_e1rm_keeps_reps_plus_rir_12() -> None:
    e1rm = estimate_e1rm([logged("68", 10, 2)])
    assert e1rm is not None
    assert e1rm.exact == Fraction(100)


def test_estimate_e1rm_of_nothing_is_none() -> None:
    assert estimate_e1rm([]) is None


def test_prescribe_from_e1rm_200() -> None:
    sets = prescribe(E1rm.from_kg(200), sets=3, reps=3, rir=1, load_increment_kg=STEP)
    assert [
        (s.order, s.is_warmup, s.target_reps, s.target_load_kg, s.target_rir) for s in sets
    ] == [
        (1, True, 5, Decimal("70"), None),
        (2, True, 3, Decimal("105"), None),
        (3, True, 2, Decimal("140"), None),
        (4, False, 3, Decimal("177.5"), 1),
        (5, False, 3, Decimal("177.5"), 1),
        (6, False, 3, Decimal("177.5"), 1),
    ]
    assert [s.target_load_reason for s in sets] == [
        "warm-up: 40 % of 177.5 kg",
        "warm-up: 60 % of 177.5 kg",
        "warm-up: 80 % of 177.5 kg",
        "89.2 % of e1RM 200 kg",
        "89.2 % of e1RM 200 kg",
        "89.2 % of e1RM 200 kg",
    ]
    assert all(s.id is None and not s.is_logged for s in sets)


@pytest.mark.parametrize(
    "sets, reps, rir, increment, working_kg, reason",
    [
        pytest.param(4, 4, 1, "2.5", "172.5", "86.3 % of e1RM 200 kg", id="4 x 4 @ RIR 1"),
        pytest.param(3, 3, 2, "2.5", "172.5", "86.3 % of e1RM 200 kg", id="3 x 3 @ RIR 2"),
        pytest.param(3, 4, 2, "2.5", "165", "83.7 % of e1RM 200 kg", id="3 x 4 @ RIR 2"),
        pytest.param(3, 3, 1, "5", "175", "89.2 % of e1RM 200 kg", id="5 kg increment"),
        pytest.param(3, 3, 1, "1.25", "177.5", "89.2 % of e1RM 200 kg", id="1.25 kg increment"),
    ],
)
def test_prescribe_working_load(
    sets: int, reps: int, rir: int, increment: str, working_kg: str, reason: str
) -> None:
    prescribed = prescribe(
        E1rm.from_kg(200), sets=sets, reps=reps, rir=rir, load_increment_kg=Decimal(increment)
    )
    working = [s for s in prescribed if not s.is_warmup]
    assert len(prescribed) == 3 + sets
    assert len(working) == sets
    assert {(s.target_reps, s.target_rir, s.target_load_kg) for s in working} == {
        (reps, rir, Decimal(working_kg))
    }
    assert {s.target_load_reason for s in working} == {reason}


def test_prescribe_keeps_the_e1rm_display_to_one_decimal() -> None:
    prescribed = prescribe(
        e1rm_from_set(Decimal("162.5"), 3, 1), sets=3, reps=3, load_increment_kg=STEP
    )
    assert prescribed[-1].target_load_reason == "89.2 % of e1RM 182.2 kg"
    assert prescribed[-1].target_load_kg == Decimal("162.5")


def test_light_warm_ups_never_go_below_the_empty_bar() -> None:
    prescribed = prescribe(E1rm.from_kg(40), sets=3, reps=3, load_increment_kg=STEP)
    # Working 40 x 0.892 = 35.68 -> 35; warm-ups 14 and 21 -> the 20 kg bar; 28 -> 27.5.
    assert [s.target_load_kg for s in prescribed] == [
        Decimal("20"),
        Decimal("20"),
        Decimal("27.5"),
        Decimal("35"),
        Decimal("35"),
        Decimal("35"),
    ]


def test_a_tiny_e1rm_still_prescribes_the_empty_bar() -> None:
    prescribed = prescribe(E1rm.from_kg(15), sets=3, reps=3, load_increment_kg=STEP)
    assert {s.target_load_kg for s in prescribed} == {Decimal("20")}
    assert prescribed[-1].target_load_reason.startswith("the empty bar")


@pytest.mark.parametrize(
    "reps, rir, times",
    [
        pytest.param(3, 1, 4, id="3 reps @ RIR 1: a weight for 4"),
        pytest.param(4, 2, 6, id="4 reps @ RIR 2: a weight for 6"),
    ],
)
def test_prescribe_without_history_leaves_loads_empty_and_says_why(
    reps: int, rir: int, times: int
) -> None:
    prescribed = prescribe(None, sets=3, reps=reps, rir=rir, load_increment_kg=STEP)
    assert all(s.target_load_kg is None for s in prescribed)
    working = prescribed[3:]
    assert {s.target_load_reason for s in working} == {
        f"no logged history yet: choose a weight you could lift {times} times"
    }
    assert [s.target_reps for s in prescribed[:3]] == [5, 3, 2]
    assert all(s.target_load_reason.startswith("warm-up: ") for s in prescribed[:3])


@pytest.mark.parametrize(
    "sets, reps, rir, increment, message",
    [
        pytest.param(2, 3, 1, "2.5", "3 to 4 working sets", id="2 sets"),
        pytest.param(5, 3, 1, "2.5", "3 to 4 working sets", id="5 sets"),
        pytest.param(3, 2, 1, "2.5", "3 to 4 reps", id="2 reps"),
        pytest.param(3, 5, 1, "2.5", "3 to 4 reps", id="5 reps"),
        pytest.param(3, 3, 0, "2.5", "never go to failure", id="RIR 0"),
        pytest.param(3, 3, 3, "2.5", "RIR 1 to 2", id="RIR 3"),
        pytest.param(3, 3, 1, "0", "increment must be positive", id="no increment"),
    ],
)
def test_prescribe_rejects(sets: int, reps: int, rir: int, increment: str, message: str) -> None:
    with pytest.raises(PrescriptionError, match=message):
        prescribe(None, sets=sets, reps=reps, rir=rir, load_increment_kg=Decimal(increment))


@pytest.mark.parametrize(
    "sets, reps, rir",
    [(3, 3, 1), (4, 3, 1), (3, 4, 1), (4, 4, 2)],
    ids=["3x3@1", "4x3@1", "3x4@1", "4x4@2"],
)
def test_prescribe_accepts_the_advised_range(sets: int, reps: int, rir: int) -> None:
    prescribed = prescribe(None, sets=sets, reps=reps, rir=rir, load_increment_kg=STEP)
    assert [s.order for s in prescribed] == list(range(1, 4 + sets))


def test_decimal_division_would_lose_an_increment() -> None:
    # Why the e1RM is a Fraction: 80 / 0.786 x 0.786 in 28-digit decimals lands under 80 kg,
    # which rounds down to 77.5.
    assert Decimal("80") / Decimal("0.786") * Decimal("0.786") < Decimal("80")
    assert target_load_kg(e1rm_from_set(Decimal("80"), 5, 3), 5, 3, STEP) == Decimal("80")


LOADS = [Decimal("20") + STEP * step for step in range(113)]  # 20 .. 300 kg
COMBOS = [(reps, rir) for reps in range(1, 13) for rir in range(0, MAX_REPS_PLUS_RIR - reps + 1)]


@pytest.mark.parametrize("load_kg", LOADS, ids=[f"{load} kg" for load in LOADS])
def test_represcribing_a_sets_own_reps_and_rir_gives_back_its_load(load_kg: Decimal) -> None:
    for reps, rir in COMBOS:
        e1rm = e1rm_from_set(load_kg, reps, rir)
        assert target_load_kg(e1rm, reps, rir, STEP) == load_kg, (reps, rir)


@pytest.mark.parametrize("load_kg", LOADS[::7], ids=[f"{load} kg" for load in LOADS[::7]])
def test_prescribe_from_history_gives_back_the_best_sets_load(load_kg: Decimal) -> None:
    for reps in (3, 4):
        for rir in (1, 2):
            e1rm = estimate_e1rm([logged(str(load_kg), reps, rir)])
            prescribed = prescribe(e1rm, sets=3, reps=reps, rir=rir, load_increment_kg=STEP)
            assert prescribed[-1].target_load_kg == load_kg


# ---------------------------------------------------------------------------- edges mutants found


@pytest.mark.parametrize(
    "skipped",
    [
        logged("200", 3, 1, is_warmup=True, set_id=1),
        logged("200", 3, 1, failed=True, set_id=1),
        logged("200", 3, None, set_id=1),
        logged("200", 10, 3, set_id=1),  # past the chart
    ],
    ids=["warm-up", "failed", "no RIR", "past the chart"],
)
def test_a_set_left_out_before_a_valid_one_does_not_end_the_search(skipped) -> None:
    valid = logged("150", 3, 1, set_id=2)
    e1rm = estimate_e1rm([skipped, valid])
    assert e1rm is not None and e1rm.source == valid
    assert e1rm.exact == Fraction(150) / Fraction(RTS_FRACTIONS[4])


def test_a_single_set_and_a_set_at_rir_0() -> None:
    single = estimate_e1rm([logged("100", 1, 0)])
    assert single is not None and single.exact == 100  # one rep to failure is the 1RM
    at_zero = estimate_e1rm([logged("150", 3, 0)])
    assert at_zero is not None and at_zero.exact == Fraction(150) / Fraction(RTS_FRACTIONS[3])


def test_among_equal_estimates_the_first_set_stays_the_source() -> None:
    first, second = logged("150", 3, 1, set_id=1), logged("150", 3, 1, set_id=2)
    e1rm = estimate_e1rm([first, second])
    assert e1rm is not None and e1rm.source == first
    # A strictly better one later still wins.
    better = logged("152.5", 3, 1, set_id=3)
    e1rm = estimate_e1rm([first, second, better])
    assert e1rm is not None and e1rm.source == better


@pytest.mark.parametrize(
    ("e1rm_kg", "load", "empty_bar"),
    [
        # 3 reps at RIR 1 is 89.2 %: 22.5 kg e1RM gives 20.07 -> 20 exactly, not "the empty bar".
        ("22.5", "20", False),
        ("22.4", "20", True),  # 19.98 -> rounds to 17.5, so the empty bar instead
    ],
)
def test_a_working_load_of_exactly_the_bar(e1rm_kg, load, empty_bar) -> None:
    sets = prescribe(E1rm.from_kg(Decimal(e1rm_kg)), sets=3, reps=3, load_increment_kg=STEP)
    working = sets[-1]
    assert working.target_load_kg == Decimal(load)
    assert working.target_load_reason.startswith("the empty bar") == empty_bar


def _set(load_kg: str | None, reps: int | None, rir: int | None) -> LiftSet:
    return LiftSet(
        id=9,
        order=9,
        is_warmup=False,
        target_reps=None,
        target_load_kg=None,
        target_rir=None,
        reps=reps,
        load_kg=None if load_kg is None else Decimal(load_kg),
        rir=rir,
    )


@pytest.mark.parametrize(
    ("lift_set", "counts"),
    [
        (_set(None, 3, 1), False),  # no load
        (_set("100", None, 1), False),  # no reps
        (_set("100", 3, None), False),  # no RIR
        (_set("0", 3, 1), False),  # an empty hand is no load
        (_set("0.5", 3, 1), True),
        (_set("1", 3, 1), True),
        (_set("100", 0, 1), False),
        (_set("100", 1, 1), True),
        (_set("100", 3, -1), False),
        (_set("100", 3, 0), True),
    ],
)
def test_which_logged_sets_make_an_e1rm(lift_set, counts) -> None:
    assert (estimate_e1rm([lift_set]) is not None) == counts


@pytest.mark.parametrize(
    ("choice", "message"),
    [
        ({"sets": 5}, 'Prescribe 3 to 4 working sets, not 5: "Volume: Low. 3 to 4 sets."'),
        ({"reps": 2}, 'Prescribe 3 to 4 reps a set, not 2: "Reps: Low. 3 to 4 reps."'),
        (
            {"rir": 3},
            'Prescribe RIR 1 to 2, not 3: "Leave 1 rep in the tank, never go to failure."',
        ),
        ({"load_increment_kg": Decimal(0)}, "The load increment must be positive, not 0."),
    ],
)
def test_a_prescription_outside_the_advice_says_which_advice(choice, message) -> None:
    arguments = {"sets": 3, "reps": 3, "rir": 1, "load_increment_kg": STEP} | choice
    with pytest.raises(PrescriptionError) as error:
        prescribe(E1rm.from_kg(150), **arguments)
    assert str(error.value) == message


def test_an_increment_under_a_kilogram_is_fine() -> None:
    sets = prescribe(E1rm.from_kg(150), sets=3, reps=3, load_increment_kg=Decimal("0.5"))
    assert sets[-1].target_load_kg == Decimal("133.5")  # 150 x 0.892 = 133.8, down to 0.5
