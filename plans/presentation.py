"""What the coach pages show of a week, computed from the services' reports: no rule is decided
here, only arranged for a template (rows, day columns, badges)."""

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from plans.domain import types as domain
from plans.domain.format import local_time_label, weekday_name, weekday_short
from plans.domain.rules import RULES
from plans.services import WeekReport
from workouts.models import LiftSession, RunSession, SessionStatus


@dataclass(frozen=True)
class Badge:
    severity: str  # "error" or "warning"
    codes: tuple[str, ...]
    titles: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.codes)

    @property
    def label(self) -> str:
        word = self.severity if self.count == 1 else f"{self.severity}s"
        return f"{self.count} {word}"

    @property
    def tooltip(self) -> str:
        return "; ".join(self.titles)

    @property
    def css(self) -> str:
        return "text-bg-danger" if self.severity == "error" else "text-bg-warning"


def badges(violations: list[domain.Violation]) -> list[Badge]:
    result = []
    for severity in (domain.Severity.ERROR, domain.Severity.WARNING):
        chosen = [v for v in violations if v.severity == severity]
        if chosen:
            result.append(
                Badge(
                    severity=str(severity),
                    codes=tuple(v.code for v in chosen),
                    titles=tuple(rule_title(v.code) for v in chosen),
                )
            )
    return result


def rule_title(code: str) -> str:
    rule = RULES.get(code)
    return rule.title if rule is not None else code


def own_sessions(report: WeekReport) -> tuple[list[RunSession], list[LiftSession]]:
    loaded = report.loaded
    return loaded.own(loaded.runs), loaded.own(loaded.lifts)


@dataclass(frozen=True)
class Compliance:
    done: int
    planned: int

    @property
    def label(self) -> str:
        return f"{self.done}/{self.planned}"


def compliance(sessions) -> Compliance:
    # Every session of the week counts as planned, skipped ones included: they were planned
    # and not done.
    sessions = list(sessions)
    return Compliance(
        done=sum(1 for s in sessions if s.status == SessionStatus.DONE), planned=len(sessions)
    )


@dataclass(frozen=True)
class DashboardRow:
    report: WeekReport
    hard_days: list[str]
    deadlifts: list[str]
    plan_status: str
    compliance: Compliance
    badges: list[Badge]

    @property
    def athlete(self):
        return self.report.athlete

    @property
    def error_count(self) -> int:
        return len(self.report.errors)

    @property
    def warning_count(self) -> int:
        return len(self.report.warnings)

    @property
    def state(self) -> str:
        if self.error_count:
            return "errors"
        return "warnings" if self.warning_count else "clean"


def dashboard_row(report: WeekReport) -> DashboardRow:
    loaded = report.loaded
    week = loaded.week
    tz = week.time_zone
    # The domain's sessions: evaluate_roster loads no model rows (see LoadedWeek).
    runs, lifts = loaded.own(week.runs), loaded.own(week.lifts)
    plan = loaded.plan
    return DashboardRow(
        report=report,
        hard_days=[weekday_short(day) for day in sorted(week.hard_days)],
        deadlifts=[local_time_label(lift.effective_start, tz) for lift in week.deadlifts],
        plan_status=plan.get_status_display() if plan is not None else "No plan",
        compliance=compliance([*runs, *lifts]),
        badges=badges(report.violations),
    )


def sort_rows(rows: list[DashboardRow], by: str) -> list[DashboardRow]:
    if by == "severity":
        return sorted(rows, key=lambda r: (-r.error_count, -r.warning_count, r.athlete.name))
    return sorted(rows, key=lambda r: r.athlete.name.casefold())


@dataclass(frozen=True)
class Summary:
    clean: int
    warnings: int
    errors: int

    @property
    def total(self) -> int:
        return self.clean + self.warnings + self.errors


def summary(rows: list[DashboardRow]) -> Summary:
    states = [row.state for row in rows]
    return Summary(states.count("clean"), states.count("warnings"), states.count("errors"))


@dataclass
class Card:
    session: RunSession | LiftSession
    kind: str
    start: datetime
    time_label: str
    is_deadlift: bool
    flagged: bool
    is_lift: bool = False
    sets: list = field(default_factory=list)


@dataclass
class DayColumn:
    day: date
    name: str
    is_hard_day: bool
    cards: list[Card]


def day_columns(report: WeekReport) -> list[DayColumn]:
    week = report.loaded.week
    tz: ZoneInfo = week.time_zone
    flagged = {sid for v in report.violations for sid in v.session_ids}
    runs, lifts = own_sessions(report)
    cards: list[Card] = [
        Card(
            run,
            f"{run.get_kind_display()} run",
            run.start,
            _clock(run.start, tz),
            False,
            run.pk in flagged,
        )
        for run in runs
    ]
    cards += [
        Card(
            lift,
            lift.get_exercise_display(),
            lift.start,
            _clock(lift.start, tz),
            lift.is_deadlift,
            lift.pk in flagged,
            is_lift=True,
            sets=list(lift.sets.all()),
        )
        for lift in lifts
    ]
    cards.sort(key=lambda card: card.start)
    return [
        DayColumn(
            day=day,
            name=weekday_name(day),
            is_hard_day=day in week.hard_days,
            cards=[card for card in cards if card.start.astimezone(tz).date() == day],
        )
        for day in week.days
    ]


def _clock(moment: datetime, tz: ZoneInfo) -> str:
    return f"{moment.astimezone(tz):%H:%M}"
