"""The coach's week board for one athlete: seven day columns of compact session cards, each
violation in plain words on the card of the session it concerns, with its fix beside it.

Arranged from the services' report, as plans.presentation arranges the dashboard: no rule is
decided here. Both the week page (plans.views) and the move endpoint (workouts.views), which
answers with the week judged again, build their context here."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.urls import reverse

from athletes.models import Athlete
from plans import presentation, services
from plans.domain import types as domain
from plans.domain.autoregulation import Adjustment, describe
from plans.domain.compliance import Mark, mark
from plans.domain.constants import MIN_GAP_FROM_INTERVALS, PLANNED
from plans.domain.format import clock, decimal_label, plural, set_names, weekday_name
from plans.domain.rules import DEADLIFT_TOO_CLOSE_TO_INTERVALS
from plans.domain.units import Unit, format_load, load_number
from plans.domain.weeks import Week
from plans.forms import CoachNoteForm
from plans.services import WeekReport
from workouts.models import Exercise, RunKind, SessionStatus
from workouts.moves import Undo


@dataclass
class Flag:
    """A violation as the board shows it: its rule's title, the finding, the advice, the fix."""

    violation: domain.Violation
    title: str

    @property
    def anchor(self) -> str:
        return "flag-" + self.violation.code.replace(".", "-")


@dataclass
class Card:
    key: str  # "run-12" or "lift-5": runs and lifts number their ids apart
    model: str  # "run" or "lift"
    session_id: int
    start: datetime
    title: str  # "Deadlift", "Interval run"
    time_label: str  # "17:00", in the athlete's zone
    line: str  # what follows the title: "3 × 3 @ 147.5 kg RIR 1 · 2/6 logged"
    status: str
    status_label: str
    missed: bool
    movable: bool
    day: date
    edit_url: str
    move_url: str
    # (short, long, set, adjusted), as numbered_sets() names them; adjusted when autoregulation
    # moved the set's target (Adjusted), else None.
    sets: tuple[tuple[str, str, domain.LiftSet, "Adjusted | None"], ...] = ()
    compliance: Mark | None = None  # how well it matched its plan, once past
    unplanned: bool = False  # a run made from a run file no planned run matched
    flags: list[Flag] = field(default_factory=list)  # shown here in full, with the fix
    mentions: list[Flag] = field(default_factory=list)  # shown on another card; linked

    @property
    def severity(self) -> str:
        """The gravest flag touching this card, for its border: "error", "warning" or ""."""
        severities = {flag.violation.severity for flag in [*self.flags, *self.mentions]}
        if domain.Severity.ERROR in severities:
            return "error"
        return "warning" if severities else ""

    @property
    def accessible_name(self) -> str:
        """Like "Deadlift Tuesday 17:00": the card's name for the controls that act on it."""
        return f"{self.title} {weekday_name(self.day)} {self.time_label}"


@dataclass(frozen=True)
class Adjusted:
    """A target autoregulation moved: the original beside it, and why."""

    original_kg: Decimal | None
    reason: str
    unit: Unit = Unit.KG

    @property
    def original_label(self) -> str:
        return "no target" if self.original_kg is None else format_load(self.original_kg, self.unit)


def adjusted_sets(rows: list[dict], unit: Unit = Unit.KG) -> dict[int | None, Adjusted]:
    """The sets of a lift, read as rows (plans.selectors.LIFT_SET_COLUMNS), whose target
    autoregulation moved away from the original, by id: only where the two differ; loads in
    the viewer's `unit`."""
    adjusted: dict[int | None, Adjusted] = {}
    for row in rows:
        adjustment = row["adjustment"]
        if adjustment and row["original_target_load_kg"] != row["target_load_kg"]:
            reason = describe(
                Adjustment.from_json(adjustment), label=lambda kg: format_load(kg, unit)
            )
            adjusted[row["id"]] = Adjusted(row["original_target_load_kg"], reason, unit)
    return adjusted


@dataclass
class Column:
    day: date
    name: str
    is_hard_day: bool
    is_today: bool
    cards: list[Card]


def working_sets_label(sets: tuple[domain.LiftSet, ...], unit: Unit = Unit.KG) -> str:
    """Like "3 × 3 @ 147.5 kg RIR 1": the working sets as the rules judge them (done values
    once logged, else targets), with ranges where they differ."""
    working = [s for s in sets if not s.is_warmup]
    if not working:
        return "no working sets"
    reps = _span([s.judged_reps for s in working], str)
    text = f"{len(working)} × {reps or '?'}"
    if load := _span([s.judged_load_kg for s in working], lambda kg: load_number(kg, unit)):
        text += f" @ {load} {unit}"
    if rir := _span([s.judged_rir for s in working], str):
        text += f" RIR {rir}"
    return text


def _span[T: (int, Decimal)](values: list[T | None], show: Any) -> str:
    known = sorted({v for v in values if v is not None})
    if not known:
        return ""
    if len(known) == 1:
        return show(known[0])
    return f"{show(known[0])}–{show(known[-1])}"


def _lift_line(lift: domain.LiftSession, unit: Unit) -> str:
    if not lift.sets:
        return f"{lift.duration_minutes} min"
    logged = sum(1 for s in lift.sets if s.is_logged)
    return f"{working_sets_label(lift.sets, unit)} · {logged}/{len(lift.sets)} logged"


def _run_line(row: dict) -> str:
    line = f"{row['duration_minutes']} min"
    if row["distance_km"] is not None:
        line += f" · {decimal_label(Decimal(row['distance_km']))} km"
    return line


def _movable(session: domain.RunSession | domain.LiftSession, now: datetime) -> bool:
    # As workouts.moves refuses: only a planned session not under way, and no lift with a
    # logged set. The page only leaves the controls out; the endpoint decides.
    if session.status != PLANNED:
        return False
    if isinstance(session, domain.LiftSession) and session.is_logged:
        return False
    return not session.start <= now < session.planned_end


def numbered_sets(lift: domain.LiftSession) -> tuple[tuple[str, str, domain.LiftSet], ...]:
    """(short, long, set) in order, named as the phone and the flags name them
    (format.set_names): "W1" / "Warm-up 1", then "1" / "Set 1"."""
    ordered = sorted(lift.sets, key=lambda s: s.order)
    names = set_names(s.is_warmup for s in ordered)
    return tuple(
        (("W" if s.is_warmup else "") + name.rsplit(" ", 1)[1], name, s)
        for s, name in zip(ordered, names, strict=True)
    )


def cards(report: WeekReport, *, now: datetime, unit: Unit = Unit.KG) -> list[Card]:
    week = report.loaded.week
    athlete_id = report.loaded.athlete.pk
    tz = week.time_zone
    runs = {run.id: run for run in week.runs}
    lifts = {lift.id: lift for lift in week.lifts}
    result = []
    for row in report.loaded.runs:
        run = runs[row["id"]]
        result.append(
            Card(
                key=f"run-{run.id}",
                model="run",
                session_id=run.id,
                start=run.start,
                title=f"{RunKind(row['kind']).label} run",
                time_label=clock(run.start, tz),
                line=_run_line(row),
                status=run.status,
                status_label=SessionStatus(run.status).label,
                missed=run.is_missed(now),
                movable=_movable(run, now),
                day=week.local_day(run.start),
                edit_url=reverse("workouts:run_edit", args=[athlete_id, run.id]),
                move_url=reverse("workouts:run_move", args=[athlete_id, run.id]),
                compliance=mark(run, now),
                unplanned=run.unplanned,
            )
        )
    for row in report.loaded.lifts:
        lift = lifts[row["id"]]
        adjusted = adjusted_sets(row["sets"], unit)
        result.append(
            Card(
                key=f"lift-{lift.id}",
                model="lift",
                session_id=lift.id,
                start=lift.start,
                title=Exercise(row["exercise"]).label,
                time_label=clock(lift.start, tz),
                line=_lift_line(lift, unit),
                status=lift.status,
                status_label=SessionStatus(lift.status).label,
                missed=lift.is_missed(now),
                movable=_movable(lift, now),
                day=week.local_day(lift.start),
                edit_url=reverse("workouts:deadlift_edit", args=[athlete_id, lift.id]),
                move_url=reverse("workouts:lift_move", args=[athlete_id, lift.id]),
                sets=tuple(
                    (short, long, s, adjusted.get(s.id)) for short, long, s in numbered_sets(lift)
                ),
                compliance=mark(lift, now),
            )
        )
    result.sort(key=lambda card: (card.start, card.key))
    return result


def _concerned(violation: domain.Violation, report: WeekReport, by_key: dict[str, Card]) -> list:
    """The board's cards a violation concerns, lifts first. Its session ids do not say whether
    an id is a run's or a lift's (the two are numbered apart), so a run counts only for the
    one rule that names runs, and only an interval run within reach of a concerned deadlift."""
    week = report.loaded.week
    ids = set(violation.session_ids)
    lifts = [lift for lift in week.deadlifts if lift.id in ids]
    concerned = [by_key[f"lift-{lift.id}"] for lift in lifts if f"lift-{lift.id}" in by_key]
    if violation.code == DEADLIFT_TOO_CLOSE_TO_INTERVALS:
        for run in week.own_interval_runs:
            near = any(
                run.effective_start - lift.effective_end < MIN_GAP_FROM_INTERVALS
                and lift.effective_start - run.effective_end < MIN_GAP_FROM_INTERVALS
                for lift in lifts
            )
            if run.id in ids and near and f"run-{run.id}" in by_key:
                concerned.append(by_key[f"run-{run.id}"])
    return concerned


def place_flags(report: WeekReport, board_cards: list[Card]) -> list[Flag]:
    """Each violation goes in full on the first card it concerns and as a link on the others;
    the ones that concern no card (no deadlift this week) are the week's, returned."""
    by_key = {card.key: card for card in board_cards}
    week_flags = []
    for violation in report.violations:
        flag = Flag(violation, presentation.rule_title(violation.code))
        concerned = _concerned(violation, report, by_key)
        if not concerned:
            week_flags.append(flag)
            continue
        concerned[0].flags.append(flag)
        for card in concerned[1:]:
            card.mentions.append(flag)
    return week_flags


def columns(report: WeekReport, board_cards: list[Card], *, now: datetime) -> list[Column]:
    week = report.loaded.week
    today = week.local_day(now)
    return [
        Column(
            day=day,
            name=weekday_name(day),
            is_hard_day=day in week.hard_days,
            is_today=day == today,
            cards=[card for card in board_cards if card.day == day],
        )
        for day in week.days
    ]


def flags_left(count: int) -> str:
    return "no flags left" if not count else f"{plural(count, 'flag')} left"


def week_board(
    athlete: Athlete,
    monday: date,
    *,
    now: datetime,
    undo: Undo | None = None,
    unit: Unit = Unit.KG,
) -> dict[str, Any]:
    """The template context of the week body (plans/_week_body.html). With `undo`, the body
    offers it while the session is still where the move put it."""
    report = services.evaluate_week(athlete=athlete, week=monday, now=now)
    board_cards = cards(report, now=now, unit=unit)
    week_flags = place_flags(report, board_cards)
    plan = report.loaded.plan
    week = Week(monday)
    return {
        "athlete": athlete,
        "monday": monday,
        "sunday": week.sunday,
        "week_name": week.name,
        "report": report,
        "plan": plan,
        "columns": columns(report, board_cards, now=now),
        "week_flags": week_flags,
        "card_flags": [flag for card in board_cards for flag in card.flags],
        "flag_count": len(report.violations),
        "badges": presentation.violation_badges(report.violations),
        "e1rm": report.loaded.e1rm,
        "days": week.days,
        "undo": _offered(undo, board_cards),
    }


def _offered(undo: Undo | None, board_cards: list[Card]) -> dict[str, str] | None:
    card = next((card for card in board_cards if undo and card.key == undo.key), None)
    if undo is None or card is None or card.start != undo.moved_to or not card.movable:
        return None
    return {
        "url": card.move_url,
        "token": undo.token,
        "what": f"the move of the {card.title.lower()}",
    }


def week_page(
    athlete: Athlete,
    week: Week,
    *,
    now: datetime,
    undo: Undo | None = None,
    unit: Unit = Unit.KG,
) -> dict:
    """The whole week page's context: the body, the weeks around it, the coach's note; loads in
    the viewer's `unit`."""
    context = week_board(athlete, week.monday, now=now, undo=undo, unit=unit)
    plan = context["plan"]
    context.update(
        nav="dashboard",
        prev_url=reverse("plans:athlete_week", args=[athlete.pk, week.previous]),
        next_url=reverse("plans:athlete_week", args=[athlete.pk, week.next]),
        dashboard_url=f"{reverse('plans:dashboard')}?week={week.name}",
        note_form=CoachNoteForm(initial={"coach_note": plan.coach_note if plan else ""}),
    )
    return context
