"""Targets the coach chose by hand are never overwritten by scheduling (DOMAIN.md, "Scheduling
the weekly deadlift"): only the scheduler's own, recognised by their load reason, are refreshed."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import yaml
from django.urls import reverse

from plans import services
from plans.domain.prescription import (
    E1rm,
    is_prescribed_reason,
    prescribe,
    prescribed_by_scheduler,
)
from plans.domain.types import LiftSet as DomainSet
from tests.api.conftest import client_for, publish
from tests.conftest import clock_before
from tests.factories import LiftSessionFactory, LiftSetFactory, RunSessionFactory
from workouts.models import LiftSession, LiftSet, RunKind, SessionStatus

BERLIN = ZoneInfo("Europe/Berlin")
WEEK = date(2026, 11, 30)  # 2026-W49


def local(day: int, hour: int) -> datetime:
    return datetime.combine(WEEK + timedelta(days=day), time(hour), tzinfo=BERLIN)


# ---------------------------------------------------------------------------- the pure part


@pytest.mark.parametrize(
    "e1rm", [None, E1rm.from_kg(Decimal("168.2")), E1rm.from_kg(Decimal("21"))], ids=str
)
@pytest.mark.parametrize(("sets", "reps"), [(3, 3), (4, 4)])
def test_every_reason_the_scheduler_writes_is_recognised(e1rm, sets, reps):
    prescribed = prescribe(e1rm, sets=sets, reps=reps, load_increment_kg=Decimal("2.5"))
    assert all(is_prescribed_reason(s.target_load_reason) for s in prescribed)
    assert prescribed_by_scheduler(prescribed)


def test_the_empty_bar_reason_is_recognised():
    [*_, working] = prescribe(
        E1rm.from_kg(Decimal("21")), sets=3, reps=3, load_increment_kg=Decimal("2.5")
    )
    assert working.target_load_reason.startswith("the empty bar: ")
    assert is_prescribed_reason(working.target_load_reason)


@pytest.mark.parametrize(
    "reason",
    [
        "",
        "coach's choice",
        "140 kg: last block's top set",
        "89.2 % of e1RM 168.2 kg, plus 5 kg",
        "about 89.2 % of e1RM 168.2 kg",
        "Warm-up: light",
    ],
)
def test_any_other_reason_is_the_coachs_own(reason):
    assert not is_prescribed_reason(reason)


def _set(order: int, reason: str) -> DomainSet:
    return DomainSet(
        id=order,
        order=order,
        is_warmup=False,
        target_reps=3,
        target_load_kg=Decimal("140"),
        target_rir=1,
        target_load_reason=reason,
    )


def test_one_set_of_the_coachs_makes_the_prescription_the_coachs():
    assert prescribed_by_scheduler([])
    assert prescribed_by_scheduler([_set(1, "89.2 % of e1RM 168.2 kg")])
    assert not prescribed_by_scheduler([_set(1, "89.2 % of e1RM 168.2 kg"), _set(2, "")])


# ---------------------------------------------------------------------------- the service


@pytest.fixture(autouse=True)
def before_the_week():
    with clock_before(WEEK):
        yield


@pytest.fixture
def tuesday_intervals(athlete):
    return RunSessionFactory(athlete=athlete, kind=RunKind.INTERVAL, start=local(1, 7))


def logged_history(athlete, load_kg: str) -> None:
    """A done deadlift two weeks back: 3 x load at RIR 1, which is exactly load again."""
    session = LiftSessionFactory(athlete=athlete, start=local(-14, 18), status=SessionStatus.DONE)
    for order in (1, 2, 3):
        LiftSetFactory(session=session, order=order, reps=3, load_kg=Decimal(load_kg), rir=1)


def coachs_deadlift(athlete, start: datetime, reason: str = "") -> LiftSession:
    """Three working sets at 140 kg, chosen by hand (the API writes no reason at all)."""
    session = LiftSessionFactory(athlete=athlete, start=start)
    for order in (1, 2, 3):
        LiftSetFactory(
            session=session,
            order=order,
            target_reps=3,
            target_load_kg=Decimal("140"),
            target_rir=1,
            target_load_reason=reason,
        )
    return session


def sets_of(session: LiftSession) -> list[tuple]:
    return list(
        LiftSet.objects.filter(session=session)
        .order_by("order")
        .values_list(
            "pk", "order", "is_warmup", "target_reps", "target_load_kg", "target_rir",
            "target_load_reason",
        )
    )  # fmt: skip


@pytest.mark.django_db
class TestTheCoachsTargets:
    @pytest.mark.parametrize("reason", ["", "coach's choice"])
    def test_a_coachs_deadlift_that_fits_is_unchanged_sets_and_all(
        self, athlete, tuesday_intervals, reason
    ):
        # History that would prescribe 150 kg: the coach's 140 kg still stands.
        logged_history(athlete, "150")
        deadlift = coachs_deadlift(athlete, local(1, 15), reason)
        before = sets_of(deadlift)
        result = services.schedule_deadlift(athlete=athlete, week=WEEK)
        assert (result.outcome, result.start, result.session_id) == (
            "unchanged",
            local(1, 15),
            deadlift.pk,
        )
        assert sets_of(deadlift) == before

    def test_one_hand_reasoned_set_keeps_every_set(self, athlete, tuesday_intervals):
        logged_history(athlete, "150")
        deadlift = coachs_deadlift(athlete, local(1, 15), "89.2 % of e1RM 157 kg")
        LiftSet.objects.filter(session=deadlift, order=3).update(target_load_reason="")
        before = sets_of(deadlift)
        assert services.schedule_deadlift(athlete=athlete, week=WEEK).outcome == "unchanged"
        assert sets_of(deadlift) == before

    def test_the_schedulers_own_targets_are_prescribed_again_from_newer_history(
        self, athlete, tuesday_intervals
    ):
        # The same deadlift, its reasons the scheduler's: newer history refreshes the loads.
        logged_history(athlete, "150")
        deadlift = coachs_deadlift(athlete, local(1, 15), "89.2 % of e1RM 157 kg")
        result = services.schedule_deadlift(athlete=athlete, week=WEEK)
        assert (result.outcome, result.start) == ("updated", local(1, 15))
        deadlift.refresh_from_db()
        assert deadlift.start == local(1, 15)
        working = deadlift.sets.filter(is_warmup=False)
        assert {(s.target_load_kg, s.target_load_reason) for s in working} == {
            (Decimal("150"), "89.2 % of e1RM 168.2 kg")
        }
        assert deadlift.sets.filter(is_warmup=True).count() == 3
        # And again: nothing newer, nothing to refresh.
        before = sets_of(deadlift)
        assert services.schedule_deadlift(athlete=athlete, week=WEEK).outcome == "unchanged"
        assert sets_of(deadlift) == before

    def test_a_deadlift_without_sets_gets_the_schedulers(self, athlete, tuesday_intervals):
        deadlift = LiftSessionFactory(athlete=athlete, start=local(1, 15))
        assert services.schedule_deadlift(athlete=athlete, week=WEEK).outcome == "updated"
        assert deadlift.sets.filter(is_warmup=False).count() == 3

    def test_a_coachs_deadlift_that_must_move_keeps_its_targets(self, athlete, tuesday_intervals):
        # 10:00 is 2 h after the interval run ends: it moves, only the time changes.
        logged_history(athlete, "150")
        deadlift = coachs_deadlift(athlete, local(1, 10))
        before = sets_of(deadlift)
        result = services.schedule_deadlift(athlete=athlete, week=WEEK)
        assert (result.outcome, result.start) == ("moved", local(1, 20))
        deadlift.refresh_from_db()
        assert deadlift.start == local(1, 20)
        assert sets_of(deadlift) == before

    def test_the_schedulers_deadlift_that_must_move_is_prescribed_again(
        self, athlete, tuesday_intervals
    ):
        logged_history(athlete, "150")
        deadlift = coachs_deadlift(athlete, local(1, 10), "89.2 % of e1RM 157 kg")
        assert services.schedule_deadlift(athlete=athlete, week=WEEK).outcome == "moved"
        assert {s.target_load_kg for s in deadlift.sets.filter(is_warmup=False)} == {Decimal("150")}


@pytest.mark.django_db
def test_the_api_answers_unchanged_and_keeps_the_coachs_140_kg(coach, athlete, tuesday_intervals):
    deadlift = coachs_deadlift(athlete, local(1, 15))
    publish(athlete, WEEK)
    url = reverse("api:schedule-deadlift", kwargs={"pk": athlete.pk, "week": "2026-W49"})
    answer = client_for(coach.user).post(url, format="json")
    assert answer.status_code == 200
    assert answer.json()["scheduling"]["result"] == "unchanged"
    [shown] = [s for s in answer.json()["sessions"] if s.get("sets") and s["id"] == deadlift.pk]
    assert [s["target_load_kg"] for s in shown["sets"]] == [140, 140, 140]


@pytest.mark.django_db
def test_the_schema_lists_every_outcome(client):
    schema = yaml.safe_load(client.get(reverse("api-schema")).content)
    enums = [
        component["enum"]
        for component in schema["components"]["schemas"].values()
        if "enum" in component
    ]
    assert ["placed", "moved", "updated", "unchanged", "no_slot"] in enums
