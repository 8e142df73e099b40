"""Writes on sessions and sets that involve no rule of the plans engine: copying runs, logging
sets, marking sessions done."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from athletes.models import Athlete
from athletes.transactions import atomic_with_retry
from plans.domain.autoregulation import retarget
from plans.domain.errors import Conflict, ServiceError
from plans.domain.prescription import is_prescribed_reason
from plans.domain.weeks import week_bounds
from workouts.models import (
    LOAD_KG_RANGE,
    REPS_RANGE,
    RIR_RANGE,
    Exercise,
    LiftSession,
    LiftSet,
    RunSession,
    SessionStatus,
)


def _same_local_time_a_week_later(moment: datetime, athlete: Athlete) -> datetime:
    # Same weekday and wall-clock time in the athlete's zone, so a DST change in between
    # keeps the 07:00 run at 07:00.
    local = moment.astimezone(athlete.tz)
    return (local.replace(tzinfo=None) + timedelta(days=7)).replace(tzinfo=athlete.tz)


@atomic_with_retry
def copy_runs_from_previous_week(*, athlete: Athlete, week: date) -> int:
    """Copy last week's runs into `week` as planned runs; returns how many were created.

    Runs already present (same kind at the same start) are not copied again, so a second
    click changes nothing."""
    previous_start, previous_end = week_bounds(week - timedelta(days=7), athlete.tz)
    start, end = week_bounds(week, athlete.tz)
    existing = set(
        RunSession.objects.filter(athlete=athlete, start__gte=start, start__lt=end).values_list(
            "kind", "start"
        )
    )
    created = 0
    for run in RunSession.objects.filter(
        athlete=athlete, start__gte=previous_start, start__lt=previous_end
    ).order_by("start"):
        new_start = _same_local_time_a_week_later(run.start, athlete)
        if (run.kind, new_start) in existing:
            continue
        RunSession(
            athlete=athlete,
            kind=run.kind,
            start=new_start,
            duration_minutes=run.duration_minutes,
            distance_km=run.distance_km,
            notes=run.notes,
            status=SessionStatus.PLANNED,
        ).save()
        existing.add((run.kind, new_start))
        created += 1
    return created


# ---------------------------------------------------------------------------- logging sets
#
# The phone queues sets offline and sends each with a client-generated UUID; so does any API
# client. A retry, a double tap or two tabs carry the same client_id, and the unique constraint
# on it turns them into "already stored" rather than a second row.
#
# Lock order on PostgreSQL, so that no two writers wait on each other in a circle: the
# session's row (select_for_update), its sets, the athlete's revision row (the triggers of
# plans/migrations/0003 update it after each write), and last, when a transaction revises
# twice, a foreign-key share lock on the athlete's row. Nothing that holds the athlete's row
# in its key lock (the calendar secret is unique, so changing it takes that lock) may then
# wait for the revision: rotating the secret no longer revises (plans/migrations/0004), and a
# reactivation writes its new secret after the change that revises (Athlete._set_active).


@dataclass(frozen=True)
class Logged:
    lift_set: LiftSet
    created: bool  # False: this client_id was stored before; the stored set is the answer
    # The session's sets whose targets autoregulation changed with this write (none on a replay)
    retargeted: tuple[LiftSet, ...] = ()


@dataclass(frozen=True)
class DoneValues:
    reps: int
    load_kg: Decimal | None = None
    rir: int | None = None
    failed: bool = False

    def check(self) -> None:
        problems = {}
        if not isinstance(self.reps, int) or not REPS_RANGE[0] <= self.reps <= REPS_RANGE[1]:
            problems["reps"] = f"Reps must be {REPS_RANGE[0]} to {REPS_RANGE[1]}."
        if self.load_kg is not None and not LOAD_KG_RANGE[0] <= self.load_kg <= LOAD_KG_RANGE[1]:
            problems["load_kg"] = f"Load must be {LOAD_KG_RANGE[0]} to {LOAD_KG_RANGE[1]} kg."
        if self.rir is not None and not RIR_RANGE[0] <= self.rir <= RIR_RANGE[1]:
            problems["rir"] = f"RIR must be {RIR_RANGE[0]} to {RIR_RANGE[1]}."
        if problems:
            raise ValidationError(problems)

    @classmethod
    def of(cls, lift_set: LiftSet) -> "DoneValues":
        # A set with a client_id is logged (a database constraint): it has its reps.
        assert lift_set.reps is not None
        return cls(
            reps=lift_set.reps, load_kg=lift_set.load_kg, rir=lift_set.rir, failed=lift_set.failed
        )


def _replayed(stored: LiftSet, session: LiftSession, values: DoneValues) -> Logged:
    """The answer to a client_id seen before: the stored set if it is this one again, else a
    conflict. "Again" means the same session and the same done values, compared as values
    (100, 100.0 and 100.00 kg are one load); where the client asked to put it (set_id, order,
    is_warmup) is not compared, since the first send may have been placed elsewhere."""
    if stored.session_id != session.pk:
        # Never someone else's set, nor even that it exists.
        raise Conflict("This client_id was used for another set; send a new one.")
    if DoneValues.of(stored) != values:
        raise Conflict("This client_id was logged before with other values.")
    return Logged(stored, created=False)


def _locked_session(session_id: int) -> LiftSession:
    # Row lock on PostgreSQL (SQLite's IMMEDIATE transactions serialise writers anyway): two
    # submissions for one session never pick the same free set.
    session = LiftSession.objects.select_for_update().get(pk=session_id)
    if session.status == SessionStatus.DONE:
        raise Conflict("This session is marked done; its sets are locked.")
    return session


def log_set(
    *,
    session: LiftSession,
    client_id: uuid.UUID,
    values: DoneValues,
    set_id: int | None = None,
    order: int | None = None,
    is_warmup: bool = False,
) -> Logged:
    """Record a set as done: into the prescribed set `set_id` or `order` (without either, the
    first one not yet logged), else as an extra set after the last (a warm-up if `is_warmup`).

    The one replay contract, for the phone and the API alike: a client_id stored before with
    the same values in this session answers the stored set (created=False) and writes
    nothing, even once the session is done; with other values, or from another session, it
    raises Conflict. Bad values raise ValidationError, a set_id of another session
    ServiceError, a new set in a done session Conflict; nothing is written then."""
    values.check()
    # A replay is answered by a plain read, outside the write transaction: on SQLite that
    # transaction waits for the database's one write lock, which a replay has no need of.
    stored = LiftSet.objects.filter(client_id=client_id).first()
    if stored is not None:
        return _replayed(stored, session, values)
    try:
        return _store_set(session, client_id, values, set_id, order, is_warmup)
    except IntegrityError:
        # Another submission of the same client_id committed between our check and our write.
        stored = LiftSet.objects.filter(client_id=client_id).first()
        if stored is None:
            raise
        return _replayed(stored, session, values)


@atomic_with_retry
def _store_set(
    session: LiftSession,
    client_id: uuid.UUID,
    values: DoneValues,
    set_id: int | None,
    order: int | None,
    is_warmup: bool,
) -> Logged:
    locked = _locked_session(session.pk)
    sets = list(locked.sets.order_by("order"))
    # Re-check under the lock: a twin submission to this session may have just committed. (A
    # twin to another session meets the unique constraint instead, answered by log_set.)
    stored = next((s for s in sets if s.client_id == client_id), None)
    if stored is not None:
        return _replayed(stored, session, values)
    lift_set = _free_set(locked, sets, set_id, order, is_warmup)
    _write_done(lift_set, values, client_id=client_id)
    if lift_set not in sets:
        sets.append(lift_set)
    return Logged(lift_set, created=True, retargeted=_autoregulate(locked, sets))


def _free_set(
    session: LiftSession,
    sets: list[LiftSet],
    set_id: int | None,
    order: int | None,
    is_warmup: bool,
) -> LiftSet:
    if order is not None:
        # The client names the set by its place: that one if it is still free, else a new one.
        chosen = next((s for s in sets if s.order == order), None)
        if chosen is not None and not chosen.is_logged:
            return chosen
    elif set_id is not None:
        chosen = next((s for s in sets if s.pk == set_id), None)
        if chosen is None:
            raise ServiceError("That set is not part of this session.")
        if not chosen.is_logged:
            return chosen
        # Already logged under another client_id: keep both rather than lose one.
    else:
        chosen = next((s for s in sets if not s.is_logged), None)
        if chosen is not None:
            return chosen
    return LiftSet(
        session=session, order=max((s.order for s in sets), default=0) + 1, is_warmup=is_warmup
    )


def _write_done(lift_set: LiftSet, values: DoneValues, *, client_id: uuid.UUID | None) -> None:
    lift_set.reps = values.reps
    lift_set.load_kg = values.load_kg
    lift_set.rir = values.rir
    lift_set.failed = values.failed
    if client_id is not None:
        lift_set.client_id = client_id
    lift_set.logged_at = lift_set.logged_at or timezone.now()
    lift_set.save()


def update_logged_set(*, lift_set: LiftSet, values: DoneValues) -> Logged:
    """Change what was logged; the session's other sets are re-targeted from what is logged
    now (Logged.retargeted)."""
    values.check()
    return _update_logged_set(lift_set, values)


@atomic_with_retry
def _update_logged_set(lift_set: LiftSet, values: DoneValues) -> Logged:
    session = _locked_session(lift_set.session_id)
    lift_set.refresh_from_db()
    _write_done(lift_set, values, client_id=None)
    return Logged(lift_set, created=False, retargeted=_autoregulate(session, _sets_of(session)))


@atomic_with_retry
def delete_logged_set(*, lift_set: LiftSet) -> tuple[LiftSet, ...]:
    """An extra set goes; a prescribed set keeps its targets and loses only what was logged.
    Answers the sets re-targeted from what remains logged."""
    session = _locked_session(lift_set.session_id)
    lift_set.refresh_from_db()
    if lift_set.target_reps is None and lift_set.target_load_kg is None:
        lift_set.delete()
    else:
        lift_set.reps = lift_set.load_kg = lift_set.rir = lift_set.client_id = None
        lift_set.failed = False
        lift_set.logged_at = None
        lift_set.save()
    return _autoregulate(session, _sets_of(session))


def _sets_of(session: LiftSession) -> list[LiftSet]:
    return list(LiftSet.objects.filter(session_id=session.pk).order_by("order"))


# ---------------------------------------------------------------------------- autoregulation


@dataclass(frozen=True)
class _PlannedSet:
    """A set as plans.domain.autoregulation reads it: the original target is the one before
    any adjustment (the set's own target when it was never adjusted)."""

    order: int
    is_warmup: bool
    target_reps: int | None
    target_rir: int | None
    target_load_kg: Decimal | None
    original_target_load_kg: Decimal | None
    reps: int | None
    rir: int | None
    failed: bool
    load_kg: Decimal | None

    @classmethod
    def of(cls, lift_set: LiftSet) -> "_PlannedSet":
        return cls(
            order=lift_set.order,
            is_warmup=lift_set.is_warmup,
            target_reps=lift_set.target_reps,
            target_rir=lift_set.target_rir,
            target_load_kg=lift_set.target_load_kg,
            original_target_load_kg=lift_set.target_before_adjustment,
            reps=lift_set.reps,
            rir=lift_set.rir,
            failed=lift_set.failed,
            load_kg=lift_set.load_kg,
        )


def adjusts_targets(sets: Sequence[LiftSet], *, coach_targets_too: bool) -> bool:
    """DOMAIN.md: "default on for the scheduler's own targets, off for the coach's". A set
    whose load reason is not one the scheduler writes was prescribed by the coach, and one such
    set makes the whole prescription the coach's (as plans.domain.prescription says)."""
    if coach_targets_too:
        return True
    prescribed = [s for s in sets if s.target_reps is not None or s.target_load_kg is not None]
    return all(is_prescribed_reason(s.target_load_reason) for s in prescribed)


def _autoregulate(session: LiftSession, sets: Sequence[LiftSet]) -> tuple[LiftSet, ...]:
    """Re-target the deadlift's working sets not yet logged from what is logged (plans.domain.
    autoregulation), in the caller's transaction, with the session locked and not done; the
    sets whose target, original or reason changed, in order."""
    if session.exercise != Exercise.DEADLIFT:
        return ()
    increment_kg, coach_targets_too = Athlete.objects.values_list(
        "load_increment_kg", "autoregulate_coach_targets"
    ).get(pk=session.athlete_id)
    wanted = retarget(
        [_PlannedSet.of(s) for s in sets],
        increment_kg=increment_kg,
        adjust_targets=adjusts_targets(sets, coach_targets_too=coach_targets_too),
    )
    by_order = {s.order: s for s in sets}
    changed = []
    for change in wanted:
        lift_set = by_order[change.order]
        adjustment = None if change.adjustment is None else change.adjustment.to_json()
        original = None if adjustment is None else change.original_target_load_kg
        now = (change.target_load_kg, original, adjustment)
        if now == (lift_set.target_load_kg, lift_set.original_target_load_kg, lift_set.adjustment):
            continue
        lift_set.target_load_kg, lift_set.original_target_load_kg, lift_set.adjustment = now
        changed.append(lift_set)
    LiftSet.objects.bulk_update(
        changed, ["target_load_kg", "original_target_load_kg", "adjustment"]
    )
    return tuple(changed)


@atomic_with_retry
def mark_done(
    *,
    session: RunSession | LiftSession,
    actual_start: datetime | None = None,
    actual_duration_minutes: int | None = None,
) -> None:
    """Done, with the actual start and duration (the planned ones when not given)."""
    session.status = SessionStatus.DONE
    session.actual_start = actual_start or session.actual_start or session.start
    session.actual_duration_minutes = (
        actual_duration_minutes or session.actual_duration_minutes or session.duration_minutes
    )
    session.save()
