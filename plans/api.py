"""Weeks over the API: the week as the engine judges it, scheduling, publishing, fixes, and the
coach's roster-wide violations. Every rule is the engine's (plans.services and the pure
plans.domain); nothing here judges a week."""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.http import Http404
from django.utils import timezone
from django.utils.http import parse_etags
from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from athletes.access import (
    athlete_scope,
    coach_for,
    get_visible_athlete,
    may_plan_for,
    may_see_week,
)
from athletes.models import Athlete
from plans import selectors, services
from plans.converters import ApiWeekField
from plans.domain import types as domain
from plans.domain.compliance import mark
from plans.domain.horizon import holds_until
from plans.domain.rules import evaluate_week as evaluate_athlete_week
from plans.domain.weeks import FIRST_MONDAY, LAST_MONDAY, Week
from plans.models import PlanStatus, WeeklyPlan
from plans.selectors import Detail
from plans.verdicts import RULES_VERSION
from web.api import Pagination, forbid
from workouts.serializers import (
    LiftSessionSerializer,
    RunSessionSerializer,
    compliance_data,
    set_row_data,
)

# ---------------------------------------------------------------------------- shapes


class PlanSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=PlanStatus.choices)
    note = serializers.CharField(allow_blank=True)


class FixSerializer(serializers.Serializer):
    action = serializers.CharField(help_text="What applying it does, e.g. move_deadlift.")
    # A field named "label" shadows Field.label, as DRF allows.
    label = serializers.CharField(help_text="The fix in words, for a button.")  # type: ignore[assignment]


class ViolationSerializer(serializers.Serializer):
    code = serializers.CharField()
    severity = serializers.ChoiceField(choices=[s.value for s in domain.Severity])
    message = serializers.CharField()
    session_ids = serializers.ListField(child=serializers.IntegerField())
    fix = FixSerializer(allow_null=True)


class RosterViolationSerializer(ViolationSerializer):
    athlete = serializers.IntegerField()
    week = serializers.CharField()


class RunInWeekSerializer(RunSessionSerializer):
    type = serializers.ChoiceField(choices=["run"], read_only=True)

    class Meta(RunSessionSerializer.Meta):
        fields = ["type", *RunSessionSerializer.Meta.fields]


class LiftInWeekSerializer(LiftSessionSerializer):
    type = serializers.ChoiceField(choices=["lift"], read_only=True)

    class Meta(LiftSessionSerializer.Meta):
        fields = ["type", *LiftSessionSerializer.Meta.fields]


@extend_schema_field(
    PolymorphicProxySerializer(
        component_name="WeekSession",
        serializers={"run": RunInWeekSerializer, "lift": LiftInWeekSerializer},
        resource_type_field_name="type",
        many=True,
    )
)
class WeekSessionsField(serializers.ListField):
    """Already serialized by the session serializers (with their `type`): passed through."""

    def to_representation(self, data: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return data


class WeekSerializer(serializers.Serializer):
    athlete = serializers.IntegerField()
    week = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    time_zone = serializers.CharField()
    plan = PlanSerializer()
    e1rm_kg = serializers.DecimalField(
        max_digits=7, decimal_places=1, coerce_to_string=False, allow_null=True
    )
    sessions = WeekSessionsField()
    violations = ViolationSerializer(many=True)


class ScheduleResultSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=list(services.OUTCOMES))
    reason = serializers.CharField(allow_blank=True)


class ScheduledWeekSerializer(WeekSerializer):
    scheduling = ScheduleResultSerializer()


class ScheduleRequestSerializer(serializers.Serializer):
    # "the coach may choose 3–4 sets of 3–4 reps"
    sets = serializers.IntegerField(min_value=3, max_value=4, required=False)
    reps = serializers.IntegerField(min_value=3, max_value=4, required=False)


class FixRequestSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=100)


class RosterResultSerializer(ScheduleResultSerializer):
    athlete = serializers.IntegerField()
    session_id = serializers.IntegerField(allow_null=True)
    start = serializers.DateTimeField(allow_null=True)


class RosterScheduleSerializer(serializers.Serializer):
    week = serializers.CharField()
    results = RosterResultSerializer(many=True)


def _fix(fix: domain.Fix | None) -> dict | None:
    return None if fix is None else {"action": fix.action, "label": fix.label}


def _violation(violation: domain.Violation) -> dict:
    return {
        "code": violation.code,
        "severity": str(violation.severity),
        "message": violation.message,
        "session_ids": list(violation.session_ids),
        "fix": _fix(violation.fix),
    }


# Datetimes written exactly as the serializers' DateTimeField writes them (DATETIME_FORMAT, in
# the current time zone). Decimals and UUIDs are left to the JSON renderer, which writes them as
# the serializers' fields would: numbers (to the database's decimal places) and strings.
_DATETIME = serializers.DateTimeField()


def _timestamp(value: datetime | None) -> str | None:
    return None if value is None else _DATETIME.to_representation(value)


def _session(
    kind: str, row: dict, session: domain.RunSession | domain.LiftSession, now: datetime
) -> dict:
    if "sets" in row:
        row = {**row, "sets": [set_row_data(lift_set) for lift_set in row["sets"]]}
    return {
        "type": kind,
        **row,
        "start": _timestamp(row["start"]),
        "actual_start": _timestamp(row["actual_start"]),
        "missed": session.is_missed(now),
        "compliance": compliance_data(mark(session, now)),
    }


def week_data(
    shown: selectors.LoadedWeek, violations: list[domain.Violation], *, now: datetime
) -> dict:
    """The week in WeekSerializer's shape, built from plain values: a serializer per session
    (its fields built anew each time) cost more than reading and judging the week. Missed is
    the domain's own is_missed, and compliance its mark, on the sessions the week was judged
    with."""
    starts_at, ends_at = shown.bounds
    runs = {run.id: run for run in shown.week.runs}
    lifts = {lift.id: lift for lift in shown.week.lifts}
    sessions = [
        (run["start"], 0, run["id"], _session("run", run, runs[run["id"]], now))
        for run in shown.runs
    ] + [
        (lift["start"], 1, lift["id"], _session("lift", lift, lifts[lift["id"]], now))
        for lift in shown.lifts
    ]
    plan = shown.plan
    return {
        "athlete": shown.athlete.pk,
        "week": Week(shown.monday).name,
        "starts_at": _timestamp(starts_at),
        "ends_at": _timestamp(ends_at),
        "time_zone": shown.athlete.time_zone,
        "plan": {
            "status": plan.status if plan else PlanStatus.DRAFT.value,
            "note": plan.coach_note if plan else "",
        },
        "e1rm_kg": shown.e1rm.kg if shown.e1rm else None,
        "sessions": [item[3] for item in sorted(sessions, key=lambda item: item[:3])],
        "violations": [_violation(v) for v in violations],
    }


# The answer is cached keyed on all it depends on but the clock (the athlete's revision, which
# the week's plan moves too, and the code that makes it); the clock is handled by holding an
# answer only until the first instant it may change (plans.domain.horizon), which the ETag
# names too.
ANSWER_VERSION = hashlib.sha256((RULES_VERSION + Path(__file__).read_text()).encode()).hexdigest()[
    :16
]
ANSWER_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class WeekAnswer:
    data: dict
    etag: str


def _answer_key(head: selectors.WeekHead, monday: date) -> str:
    parts = (
        ANSWER_VERSION,
        head.athlete.pk,
        monday,
        head.revision,
        timezone.get_current_timezone_name(),
    )
    return f"week-answer:{hashlib.sha256(repr(parts).encode()).hexdigest()}"


def _etag(key: str, until: datetime, now: datetime) -> str:
    # An answer computed at the very instant it may change holds at that instant only.
    at = now.isoformat() if until == now else ""
    return '"' + hashlib.sha256(f"{key}|{until.isoformat()}|{at}".encode()).hexdigest()[:32] + '"'


def show_week(request: Request, pk: int, monday: date) -> WeekAnswer:
    """The week of an athlete in the caller's scope as the engine judges it now, or 404: from
    the cache while the athlete's revision and the clock's horizon allow (the athlete with
    their revision: one query, none more), else read (Detail.FULL) and judged. The cached
    answer keeps the status of the week's plan beside it (as of the same revision: the plan
    moves it) for the access check; plain values, no pickled model."""
    head = selectors.read_head(athlete_scope(request.user), pk)
    if head is None:
        raise Http404("No such athlete.")
    now = services.clock()
    key = _answer_key(head, monday)
    cached = cache.get(key)
    if cached is not None:
        data, status, since, until = cached
        if since <= now < until:
            plan = None
            if status is not None:
                plan = WeeklyPlan(athlete=head.athlete, week_start=monday, status=status)
            _check_may_see(request, plan)
            return WeekAnswer(data, _etag(key, until, now))
    loaded = selectors.read_week(head.athlete, monday, detail=Detail.FULL)
    _check_may_see(request, loaded.plan)
    data = week_data(loaded, evaluate_athlete_week(loaded.week, now=now), now=now)
    until = holds_until(loaded.week, now)
    # Without a revision (never expected: a trigger counts every new athlete) nothing says
    # when the sessions change: not cached.
    if head.revision is not None and until > now:
        status = loaded.plan.status if loaded.plan is not None else None
        cache.set(key, (data, status, now, until), ANSWER_SECONDS)
    return WeekAnswer(data, _etag(key, until, now))


def _check_may_see(request: Request, plan: WeeklyPlan | None) -> None:
    if not may_see_week(request.user, plan):
        raise Http404("This week is not published yet.")


def _not_modified(request: Request, etag: str) -> bool:
    sent = parse_etags(request.headers.get("If-None-Match", ""))
    return "*" in sent or any(tag.removeprefix("W/") == etag for tag in sent)


# ---------------------------------------------------------------------------- views

WEEK_HELP = f"ISO week from {Week(FIRST_MONDAY)} to {Week(LAST_MONDAY)}, e.g. 2026-W49"
# A week in the path is the `isoweek` converter's (plans/converters.py): an address naming no
# week in the range does not exist, 404 like any other unknown address under /api/.
WEEK_PARAMETERS = [OpenApiParameter("week", str, OpenApiParameter.PATH, description=WEEK_HELP)]


class AthleteWeekView(APIView):
    def athlete(self, request: Request, pk: int) -> Athlete:
        return get_visible_athlete(request.user, pk)

    def planned_by_caller(self, request: Request, pk: int) -> Athlete:
        # Scope first (404 for someone else's athlete), then the role (403 for the athlete).
        athlete = self.athlete(request, pk)
        if not may_plan_for(request.user, athlete):
            forbid("Only the athlete's coach changes the plan.")
        return athlete


class WeekView(AthleteWeekView):
    @extend_schema(parameters=WEEK_PARAMETERS, responses={200: WeekSerializer}, tags=["weeks"])
    def get(self, request: Request, pk: int, week: Week) -> Response:
        """The week as the engine judges it: plan, sessions in start order, violations. An
        athlete sees published weeks only."""
        answer = show_week(request, pk, week.monday)
        headers = {"ETag": answer.etag}
        if _not_modified(request, answer.etag):
            return Response(status=304, headers=headers)
        return Response(answer.data, headers=headers)


class ScheduleDeadliftView(AthleteWeekView):
    @extend_schema(
        parameters=WEEK_PARAMETERS,
        request=ScheduleRequestSerializer,
        responses={200: ScheduledWeekSerializer},
        tags=["weeks"],
    )
    def post(self, request: Request, pk: int, week: Week) -> Response:
        """Place the week's one deadlift and prescribe its sets; twice changes nothing."""
        athlete = self.planned_by_caller(request, pk)
        choice = ScheduleRequestSerializer(data=request.data)
        choice.is_valid(raise_exception=True)
        result = services.schedule_deadlift(
            athlete=athlete, week=week.monday, **choice.validated_data
        )
        data = {**show_week(request, athlete.pk, week.monday).data}
        data["scheduling"] = {"result": result.outcome, "reason": result.reason}
        return Response(data)


class PublishWeekView(AthleteWeekView):
    @extend_schema(
        parameters=WEEK_PARAMETERS, request=None, responses={200: WeekSerializer}, tags=["weeks"]
    )
    def post(self, request: Request, pk: int, week: Week) -> Response:
        """Publish the week's plan: the athlete sees it from now on."""
        athlete = self.planned_by_caller(request, pk)
        services.publish_week(athletes=[athlete], week=week.monday)
        return Response(show_week(request, athlete.pk, week.monday).data)


class ApplyFixView(AthleteWeekView):
    @extend_schema(
        parameters=WEEK_PARAMETERS,
        request=FixRequestSerializer,
        responses={200: WeekSerializer},
        tags=["weeks"],
    )
    def post(self, request: Request, pk: int, week: Week) -> Response:
        """Apply the fix the engine suggests now for the violation `code`."""
        athlete = self.planned_by_caller(request, pk)
        body = FixRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.apply_fix(athlete=athlete, week=week.monday, code=body.validated_data["code"])
        return Response(show_week(request, athlete.pk, week.monday).data)


class ScheduleRosterView(APIView):
    @extend_schema(
        parameters=WEEK_PARAMETERS,
        request=ScheduleRequestSerializer,
        responses={200: RosterScheduleSerializer},
        tags=["weeks"],
    )
    def post(self, request: Request, week: Week) -> Response:
        """Schedule the deadlift for every active athlete of the coach; twice changes nothing."""
        coach = coach_for(request.user)
        choice = ScheduleRequestSerializer(data=request.data)
        choice.is_valid(raise_exception=True)
        results = services.schedule_roster(coach=coach, week=week.monday, **choice.validated_data)
        data = {
            "week": week.name,
            "results": [
                {
                    "athlete": r.athlete.pk,
                    "result": r.outcome,
                    "reason": r.reason,
                    "session_id": r.session_id,
                    "start": r.start,
                }
                for r in results
            ],
        }
        return Response(RosterScheduleSerializer(data).data)


class ViolationQuerySerializer(serializers.Serializer):
    week = ApiWeekField(required=False, help_text=WEEK_HELP)
    severity = serializers.ChoiceField(choices=[s.value for s in domain.Severity], required=False)


class ViolationsView(APIView):
    pagination_class = Pagination

    @extend_schema(
        parameters=[ViolationQuerySerializer],
        responses={200: RosterViolationSerializer(many=True)},
        tags=["weeks"],
    )
    def get(self, request: Request) -> Response:
        """Every rule the coach's active athletes break in a week (default: this week in the
        coach's time zone), errors and warnings alike unless `severity` says."""
        coach = coach_for(request.user)
        query = ViolationQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        week = query.validated_data.get("week") or Week.of(services.clock(), coach.tz)
        severity = query.validated_data.get("severity")
        rows = [
            {"athlete": report.athlete.pk, "week": week.name, **_violation(v)}
            for report in services.evaluate_roster(coach=coach, week=week.monday)
            for v in report.violations
            if severity is None or v.severity == severity
        ]
        paginator = Pagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(RosterViolationSerializer(page, many=True).data)
