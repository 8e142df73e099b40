"""What the coach pages show of a week, computed from the services' reports: no rule is decided
here, only arranged for a template (rows, day columns, badges)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TypedDict

from plans.domain import types as domain
from plans.domain.compliance import Mark, Share, mark
from plans.domain.rules import RULES
from plans.selectors import LoadedWeek, RecentCompliance
from plans.verdicts import AthleteVerdict, Verdict
from workouts.models import Exercise, RunKind, SessionStatus


class Badge(TypedDict):
    """One severity's flags of a week, as the badge shows them."""

    severity: str  # "error" or "warning"
    codes: tuple[str, ...]
    css: str
    label: str  # "2 warnings"
    tooltip: str  # the rules' titles


BADGE_CSS: dict[str, str] = {
    domain.Severity.ERROR: "text-bg-danger",
    domain.Severity.WARNING: "text-bg-warning",
}


def badges(flags: Iterable[tuple[str, str] | list[str]]) -> list[Badge]:
    """A badge per severity, errors first, from the violations' (code, severity) pairs."""
    by_severity: dict[str, list[str]] = {domain.Severity.ERROR: [], domain.Severity.WARNING: []}
    for code, severity in flags:
        by_severity[severity].append(code)
    result = []
    for severity, codes in by_severity.items():
        if codes:
            word = severity if len(codes) == 1 else f"{severity}s"
            result.append(
                Badge(
                    severity=str(severity),
                    codes=tuple(codes),
                    css=BADGE_CSS[severity],
                    label=f"{len(codes)} {word}",
                    tooltip="; ".join(rule_title(code) for code in codes),
                )
            )
    return result


def violation_badges(violations: list[domain.Violation]) -> list[Badge]:
    return badges((v.code, v.severity) for v in violations)


def rule_title(code: str) -> str:
    rule = RULES.get(code)
    return rule.title if rule is not None else code


class DashboardRow(TypedDict):
    """One athlete's line on the dashboard: plain values, computed once, because the template
    reads a thousand of them (a dict is the template's cheapest lookup)."""

    athlete_id: int
    name: str
    username: str
    time_zone: str
    state: str  # "errors", "warnings" or "clean"
    error_count: int
    warning_count: int
    hard_days: list[str]
    deadlifts: list[str]
    plan_status: str
    compliance: str  # "done/planned"
    missed: int
    badges: list[Badge]
    # The share of the sessions of the last 7 / 28 local days that were on plan (rounded down;
    # None: no session to judge), and in words ("4 of 5 on plan"). Only on the dashboard.
    # The week's sessions by compliance colour, at now: {"green": 3, "yellow": 1, "red": 1}.
    week_marks: dict[str, int]
    compliance_7d: int | None
    compliance_7d_label: str
    compliance_28d: int | None
    compliance_28d_label: str


def missed_count(verdict: Verdict, now: datetime) -> int:
    """The stored open sessions whose planned end is before now: counted at each visit, as
    the clock moves, from a verdict that does not."""
    return sum(1 for end in verdict["open_ends"] if datetime.fromisoformat(end) < now)


def share_label(share: Share | None) -> str:
    if share is None or not share.judged:
        return "no past sessions"
    return f"{share.green} of {share.judged} on plan"


def dashboard_row(
    judged: AthleteVerdict, *, now: datetime, recent: RecentCompliance | None = None
) -> DashboardRow:
    verdict = judged.verdict
    short, long = (recent.short, recent.long) if recent else (None, None)
    missed = missed_count(verdict, now)
    green, yellow, red = verdict["marks"]
    flags = verdict["flags"]
    errors = sum(1 for _, severity in flags if severity == domain.Severity.ERROR)
    warnings = len(flags) - errors
    return DashboardRow(
        athlete_id=judged.athlete_id,
        name=judged.name,
        username=judged.username,
        time_zone=judged.time_zone,
        state="errors" if errors else "warnings" if warnings else "clean",
        error_count=errors,
        warning_count=warnings,
        hard_days=verdict["hard_days"],
        deadlifts=verdict["deadlifts"],
        plan_status=judged.plan_status,
        # Every session of the week counts as planned, skipped ones included.
        compliance=f"{verdict['done']}/{verdict['planned']}",
        missed=missed,
        badges=badges(flags),
        week_marks={"green": green, "yellow": yellow, "red": red + missed},
        compliance_7d=short.percent if short else None,
        compliance_7d_label=share_label(short),
        compliance_28d=long.percent if long else None,
        compliance_28d_label=share_label(long),
    )


# The dashboard's orders: by name, by severity (most errors first), and by the 7- or 28-day
# compliance (lowest first, as severity puts the trouble first; no sessions last).
SORTS = ("name", "severity", "compliance_7d", "compliance_28d")


def _lowest_first(percent: int | None, row: DashboardRow) -> tuple[bool, int, str]:
    return (percent is None, percent or 0, row["name"].casefold())


def sort_rows(rows: list[DashboardRow], by: str) -> list[DashboardRow]:
    if by == "severity":
        return sorted(rows, key=lambda r: (-r["error_count"], -r["warning_count"], r["name"]))
    if by == "compliance_7d":
        return sorted(rows, key=lambda r: _lowest_first(r["compliance_7d"], r))
    if by == "compliance_28d":
        return sorted(rows, key=lambda r: _lowest_first(r["compliance_28d"], r))
    return sorted(rows, key=lambda r: r["name"].casefold())


@dataclass(frozen=True)
class Summary:
    clean: int
    warnings: int
    errors: int

    @property
    def total(self) -> int:
        return self.clean + self.warnings + self.errors


def summary(rows: list[DashboardRow]) -> Summary:
    states = [row["state"] for row in rows]
    return Summary(states.count("clean"), states.count("warnings"), states.count("errors"))


def shown_session(kind: str, row: dict, *, missed: bool, compliance: Mark | None = None) -> dict:
    """A session's row as the phone's lists show it: with its type, what it is in words, its
    status in words, whether it is missed and its compliance mark (None: not shown)."""
    label = (
        Exercise(row["exercise"]).label if kind == "lift" else f"{RunKind(row['kind']).label} run"
    )
    return {
        **row,
        "type": kind,
        "label": label,
        "status_label": SessionStatus(row["status"]).label,
        "missed": missed,
        "compliance": compliance,
    }


def shown_sessions(loaded: LoadedWeek, *, now: datetime) -> list[dict]:
    """The week's own sessions in start order, each missed and marked as the domain says at
    `now`."""
    runs = {run.id: run for run in loaded.week.runs}
    lifts = {lift.id: lift for lift in loaded.week.lifts}
    shown = [
        shown_session(
            "run", row, missed=runs[row["id"]].is_missed(now), compliance=mark(runs[row["id"]], now)
        )
        for row in loaded.runs
    ]
    shown += [
        shown_session(
            "lift",
            row,
            missed=lifts[row["id"]].is_missed(now),
            compliance=mark(lifts[row["id"]], now),
        )
        for row in loaded.lifts
    ]
    return sorted(shown, key=lambda session: (session["start"], session["id"]))
