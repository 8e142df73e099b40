"""Autoregulation through the one logging service (workouts.services): a logged working set
re-targets the deadlift's remaining working sets in the same transaction; edits and deletes
re-target from what is logged; a done session and a replay change nothing; the coach's own
targets move only when the coach turned it on."""

import uuid
from decimal import Decimal

import pytest

from plans.domain.errors import Conflict
from tests.workouts import phone_data
from workouts.models import Exercise, LiftSession, LiftSet
from workouts.services import (
    DoneValues,
    delete_logged_set,
    log_set,
    mark_done,
    update_logged_set,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def lift(athlete) -> LiftSession:
    # Warm-ups 1-3, then sets 4-6 of 3 reps at 100 kg, RIR 1, the scheduler's own targets.
    return phone_data.deadlift(athlete)


def targets(session: LiftSession) -> list[tuple[int, Decimal | None, Decimal | None]]:
    return [
        (s.order, s.target_load_kg, s.original_target_load_kg)
        for s in session.sets.order_by("order")
    ]


def log(session: LiftSession, order: int, load: str, reps: int, rir: int | None, **kwargs):
    values = DoneValues(reps=reps, load_kg=Decimal(load), rir=rir, **kwargs)
    return log_set(session=session, client_id=uuid.uuid4(), values=values, order=order)


def adjustment_of(session: LiftSession, order: int) -> dict:
    adjustment = LiftSet.objects.get(session=session, order=order).adjustment
    assert isinstance(adjustment, dict)
    return adjustment


UNTOUCHED = [
    (1, Decimal("40"), None),
    (2, Decimal("60"), None),
    (3, Decimal("80"), None),
]


def test_a_set_at_rir_3_puts_the_rest_up_with_the_original_beside(lift):
    logged = log(lift, 4, "100", 3, 3)
    # 100 / 0.837 x 0.892 = 106.57: 105 kg on the 2.5 kg steps.
    assert [(s.order, s.target_load_kg) for s in logged.retargeted] == [
        (5, Decimal("105")),
        (6, Decimal("105")),
    ]
    assert targets(lift) == [
        *UNTOUCHED,
        (4, Decimal("100"), None),
        (5, Decimal("105"), Decimal("100")),
        (6, Decimal("105"), Decimal("100")),
    ]
    adjustment = LiftSet.objects.get(session=lift, order=5).adjustment
    assert adjustment == {
        "kind": "e1rm",
        "after_set": 1,
        "reps": 3,
        "rir": 3,
        "failed": False,
        "load_kg": "100",
        "e1rm_kg": "119.5",
        "capped": False,
    }


def test_a_set_logged_as_prescribed_moves_nothing(lift):
    assert log(lift, 4, "100", 3, 1).retargeted == ()
    assert targets(lift)[3:] == [(n, Decimal("100"), None) for n in (4, 5, 6)]


@pytest.mark.parametrize(
    ("rir", "failed"),
    [pytest.param(0, False, id="RIR 0"), pytest.param(None, True, id="failed")],
)
def test_after_failure_or_rir_0_the_rest_drop_to_90_percent(lift, rir, failed):
    logged = log(lift, 4, "100", 2, rir, failed=failed)
    assert [(s.order, s.target_load_kg) for s in logged.retargeted] == [
        (5, Decimal("90")),
        (6, Decimal("90")),
    ]
    assert adjustment_of(lift, 6)["kind"] == "drop"


def test_the_latest_logged_set_wins(lift):
    log(lift, 4, "100", 3, 3)
    # Set 2 at the adjusted 105 kg, RIR 1: e1RM 117.7, set 3 at 105 again (unchanged).
    second = log(lift, 5, "105", 3, 1)
    assert [(s.order, s.target_load_kg) for s in second.retargeted] == [(6, Decimal("105"))]
    assert adjustment_of(lift, 6)["after_set"] == 2
    # Set 2 failed instead: set 3 drops to 90 % of 105 = 94.5, rounded down to 92.5 (within
    # 10 % of the original 100 kg).
    third = update_logged_set(
        lift_set=LiftSet.objects.get(session=lift, order=5),
        values=DoneValues(reps=2, load_kg=Decimal("105"), failed=True),
    )
    assert [(s.order, s.target_load_kg) for s in third.retargeted] == [(6, Decimal("92.5"))]


def test_an_edit_re_targets_from_what_is_logged_and_a_delete_puts_the_targets_back(lift):
    first = log(lift, 4, "100", 3, 3).lift_set
    edited = update_logged_set(
        lift_set=first, values=DoneValues(reps=3, load_kg=Decimal("100"), rir=1)
    )
    # Edited to exactly as prescribed: the sets go back to 100 kg, no adjustment.
    assert [(s.order, s.target_load_kg, s.adjustment) for s in edited.retargeted] == [
        (5, Decimal("100"), None),
        (6, Decimal("100"), None),
    ]
    update_logged_set(lift_set=first, values=DoneValues(reps=3, load_kg=Decimal("100"), rir=4))
    # 100 / 0.811 x 0.892 = 109.99: 107.5 kg.
    assert [t[1] for t in targets(lift)[4:]] == [Decimal("107.5"), Decimal("107.5")]
    back = delete_logged_set(lift_set=first)
    assert [(s.order, s.target_load_kg) for s in back] == [
        (5, Decimal("100")),
        (6, Decimal("100")),
    ]
    assert targets(lift)[3:] == [(n, Decimal("100"), None) for n in (4, 5, 6)]
    assert not LiftSet.objects.filter(session=lift, adjustment__isnull=False).exists()


def test_a_replay_changes_nothing_and_answers_nothing_retargeted(lift):
    client_id = uuid.uuid4()
    values = DoneValues(reps=3, load_kg=Decimal("100"), rir=3)
    first = log_set(session=lift, client_id=client_id, values=values, order=4)
    assert len(first.retargeted) == 2
    # The coach changes set 3's target meanwhile; the replay must not put it back.
    LiftSet.objects.filter(session=lift, order=6).update(target_load_kg=Decimal("102.5"))
    again = log_set(session=lift, client_id=client_id, values=values, order=4)
    assert (again.created, again.retargeted) == (False, ())
    assert LiftSet.objects.get(session=lift, order=6).target_load_kg == Decimal("102.5")


def test_a_done_session_is_never_re_targeted(lift):
    first = log(lift, 4, "100", 3, 3).lift_set
    mark_done(session=lift)
    before = targets(lift)
    with pytest.raises(Conflict):
        update_logged_set(lift_set=first, values=DoneValues(reps=3, load_kg=Decimal("100"), rir=0))
    with pytest.raises(Conflict):
        delete_logged_set(lift_set=first)
    with pytest.raises(Conflict):
        log(lift, 5, "100", 3, 0)
    assert targets(lift) == before


@pytest.mark.parametrize(
    ("coach_targets_too", "moved"),
    [pytest.param(False, False, id="setting off"), pytest.param(True, True, id="setting on")],
)
def test_the_coachs_own_targets_move_only_when_the_coach_says_so(
    lift, athlete, coach_targets_too, moved
):
    athlete.autoregulate_coach_targets = coach_targets_too
    athlete.save()
    # One set the coach reasoned by hand makes the prescription the coach's.
    LiftSet.objects.filter(session=lift, order=6).update(target_load_reason="coach's choice")
    logged = log(lift, 4, "100", 3, 3)
    assert bool(logged.retargeted) == moved
    assert [t[1] for t in targets(lift)[4:]] == (
        [Decimal("105")] * 2 if moved else [Decimal("100")] * 2
    )


def test_the_schedulers_targets_move_whatever_the_setting(lift, athlete):
    assert athlete.autoregulate_coach_targets is False
    assert log(lift, 4, "100", 3, 3).retargeted


def test_an_extra_logged_set_counts_as_a_measurement(lift):
    # No prescribed set free at order 10: an extra working set, then set 5 and 6 follow it.
    logged = log(lift, 10, "100", 3, 3)
    assert logged.lift_set.order == 7
    assert [s.order for s in logged.retargeted] == [4, 5, 6]


def test_a_warm_up_measures_nothing(lift):
    assert log(lift, 1, "40", 5, 3).retargeted == ()


def test_only_the_deadlift_is_autoregulated(lift):
    LiftSession.objects.filter(pk=lift.pk).update(exercise=Exercise.SQUAT)
    lift.refresh_from_db()
    assert log(lift, 4, "100", 3, 3).retargeted == ()


def test_a_session_without_target_loads_gets_them_from_the_first_set(athlete):
    lift = phone_data.deadlift(athlete)
    LiftSet.objects.filter(session=lift).update(
        target_load_kg=None, target_load_reason="no logged history yet: choose a weight"
    )
    log(lift, 4, "100", 3, 3)
    # Uncapped: 106.57 rounds down to 105; the original (none) stays none.
    assert targets(lift)[4:] == [(5, Decimal("105"), None), (6, Decimal("105"), None)]
    assert LiftSet.objects.get(session=lift, order=5).target_before_adjustment is None
