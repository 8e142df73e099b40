"""Plan templates over the API: the templates (one nested document each), copy, preview, apply
(a background batch: 202 and the batch's address to poll), the batches, the applications and
their undo. Coaches only (an athlete is 403); another coach's template, batch or application is
404 (athletes.access). Every write goes through plan_templates.services (one way to write a
template) or plan_templates.tasks (one way to start a batch); nothing here judges a week."""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import django_filters
from django import forms
from django.db.models import Count, Prefetch, QuerySet
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from athletes.access import (
    applications_for,
    athletes_for,
    batches_for,
    coach_for,
    get_application_for,
    get_batch_for,
    get_template_for,
    templates_for,
)
from plan_templates import services, tasks
from plan_templates.models import (
    DEADLIFT_REPS_RANGE,
    DEADLIFT_SETS_RANGE,
    MAX_PUBLISH_DAYS_BEFORE,
    MAX_RUN_MINUTES,
    MAX_TEMPLATE_WEEKS,
    ApplyBatch,
    PlanTemplate,
    TemplateApplication,
    TemplateRun,
    TemplateWeek,
)
from plans.converters import ApiWeekField
from plans.domain import types as domain
from plans.domain.templates import REASONS, PlannedRun, ReportedRun
from plans.domain.weeks import Week
from plans.services import OUTCOMES
from workouts.models import RunKind

# How many athletes one preview or apply may name: a big roster at once, within the body limit.
MAX_TARGETS = 500

# ---------------------------------------------------------------------------- fields


@extend_schema_field({"type": "string", "pattern": r"^\d{2}:\d{2}(:\d{2})?$", "example": "07:00"})
class LocalTimeField(serializers.TimeField):
    """ "HH:MM" out, "HH:MM" or "HH:MM:SS" in: a local clock time, in each athlete's zone."""


@extend_schema_field(
    {"type": "string", "format": "date-time", "example": "2026-12-08T07:00:00+01:00"}
)
class LocalDateTimeField(serializers.Field):
    """An instant in the athlete's own zone, with its offset (DRF's DateTimeField would show it
    in the current time zone)."""

    def to_representation(self, value: datetime) -> str:
        return value.isoformat(timespec="seconds")


# ---------------------------------------------------------------------------- the template


class TemplateRunSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(
        min_value=0, max_value=6, help_text="0 = Monday … 6 = Sunday."
    )
    start_time = LocalTimeField(help_text="Local start time, in each athlete's own zone.")
    kind = serializers.ChoiceField(choices=RunKind.choices)
    duration_minutes = serializers.IntegerField(min_value=1, max_value=MAX_RUN_MINUTES)
    distance_km = serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        min_value=0,
        allow_null=True,
        required=False,
        coerce_to_string=False,
    )


class TemplateWeekSerializer(serializers.Serializer):
    number = serializers.IntegerField(
        min_value=1, max_value=MAX_TEMPLATE_WEEKS, help_text="1 = the block's first week."
    )
    has_deadlift = serializers.BooleanField(
        help_text="Whether the scheduler places a deadlift in this week."
    )
    # "the coach may choose 3–4 sets of 3–4 reps"
    deadlift_sets = serializers.IntegerField(
        min_value=DEADLIFT_SETS_RANGE[0], max_value=DEADLIFT_SETS_RANGE[1], default=3
    )
    deadlift_reps = serializers.IntegerField(
        min_value=DEADLIFT_REPS_RANGE[0], max_value=DEADLIFT_REPS_RANGE[1], default=3
    )
    runs = serializers.ListField(
        child=TemplateRunSerializer(), max_length=services.MAX_RUNS_PER_WEEK
    )


class TemplateSerializer(serializers.Serializer):
    """A template as one document: written whole (POST, PUT) through services.replace_template,
    which validates it and names the field at fault."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=100)
    description = serializers.CharField(
        allow_blank=True, required=False, default="", max_length=5000
    )
    weeks = serializers.IntegerField(
        min_value=1, max_value=MAX_TEMPLATE_WEEKS, help_text="How many weeks the block has."
    )
    week_list = serializers.ListField(
        child=TemplateWeekSerializer(),
        max_length=MAX_TEMPLATE_WEEKS,
        help_text="Each week's runs and deadlift; a week left out is empty.",
    )
    applications = serializers.IntegerField(
        read_only=True, help_text="How many times it is applied."
    )
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


class CopySerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)


def _run_data(run: TemplateRun) -> dict[str, Any]:
    return {
        "weekday": run.weekday,
        "start_time": run.start_time,
        "kind": run.kind,
        "duration_minutes": run.duration_minutes,
        "distance_km": run.distance_km,
    }


def _week_data(week: TemplateWeek) -> dict[str, Any]:
    return {
        "number": week.number,
        "has_deadlift": week.has_deadlift,
        "deadlift_sets": week.deadlift_sets,
        "deadlift_reps": week.deadlift_reps,
        "runs": [_run_data(run) for run in week.runs.all()],
    }


def template_data(template: PlanTemplate) -> dict[str, Any]:
    """The document of a template read with templates_with_weeks (no further query): the
    weeks that have a row (a week left out is empty)."""
    return {
        "id": template.pk,
        "name": template.name,
        "description": template.description,
        "weeks": template.weeks,
        "week_list": [_week_data(week) for week in template.template_weeks.all()],
        "applications": getattr(template, "applications_count", 0),
        "created_at": template.created_at,
        "updated_at": template.updated_at,
    }


def templates_with_weeks(templates: QuerySet[PlanTemplate]) -> QuerySet[PlanTemplate]:
    return templates.annotate(applications_count=Count("applications")).prefetch_related(
        Prefetch(
            "template_weeks",
            queryset=TemplateWeek.objects.order_by("number").prefetch_related(
                Prefetch(
                    "runs", queryset=TemplateRun.objects.order_by("weekday", "start_time", "pk")
                )
            ),
        )
    )


# ---------------------------------------------------------------------------- targets


class TargetSerializer(serializers.Serializer):
    athlete = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    start_week = ApiWeekField(help_text="The athlete's week 1 of the block, e.g. 2026-W50.")


class TargetsSerializer(serializers.Serializer):
    targets = serializers.ListField(child=TargetSerializer(), min_length=1, max_length=MAX_TARGETS)

    def validate_targets(self, targets: list[dict[str, Any]]) -> list[services.Target]:
        """Each athlete an active one on the caller's roster, named once (one start week per
        athlete and apply)."""
        roster = athletes_for(self.context["request"].user).in_bulk([t["athlete"] for t in targets])
        errors: list[dict[str, Any]] = []
        seen: set[int] = set()
        for target in targets:
            if target["athlete"] not in roster:
                errors.append({"athlete": ["No such athlete on your roster."]})
            elif target["athlete"] in seen:
                errors.append({"athlete": ["This athlete is named twice; name each once."]})
            else:
                errors.append({})
            seen.add(target["athlete"])
        if any(errors):
            raise serializers.ValidationError(errors)
        return [
            services.Target(athlete=roster[t["athlete"]], start_week=t["start_week"].monday)
            for t in targets
        ]


class ApplyRequestSerializer(TargetsSerializer):
    publish_days_before = serializers.IntegerField(
        min_value=0,
        max_value=MAX_PUBLISH_DAYS_BEFORE,
        allow_null=True,
        required=False,
        default=None,
        help_text=(
            "The rollout: each week's plan publishes itself this many days before the week "
            "starts (null: the weeks stay drafts)."
        ),
    )


# ---------------------------------------------------------------------------- batches


class BatchSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    result = serializers.JSONField(
        read_only=True, help_text="Per athlete, once done: what was created and reported."
    )

    class Meta:
        model = ApplyBatch
        fields = [
            "id",
            "url",
            "template",
            "status",
            "athletes_total",
            "athletes_done",
            "publish_days_before",
            "targets",
            "result",
            "error",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_url(self, batch: ApplyBatch) -> str:
        path = reverse("api:template-batch-detail", kwargs={"pk": batch.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


# ---------------------------------------------------------------------------- applications


class ApplicationSerializer(serializers.ModelSerializer):
    start_week = serializers.SerializerMethodField()
    runs = serializers.IntegerField(source="runs_count", read_only=True)
    lifts = serializers.IntegerField(source="lifts_count", read_only=True)

    class Meta:
        model = TemplateApplication
        fields = [
            "id",
            "template",
            "athlete",
            "start_week",
            "publish_days_before",
            "batch",
            "runs",
            "lifts",
            "created_at",
        ]
        read_only_fields = fields

    def get_start_week(self, application: TemplateApplication) -> str:
        return Week(application.start_week).name


# ---------------------------------------------------------------------------- preview


class PreviewRunSerializer(serializers.Serializer):
    # A field named "label" shadows Field.label, as DRF allows.
    label = serializers.CharField(  # type: ignore[assignment]
        help_text='The template run, e.g. "Tue 07:00 interval run".'
    )
    kind = serializers.ChoiceField(choices=RunKind.choices)
    duration_minutes = serializers.IntegerField()
    distance_km = serializers.FloatField(allow_null=True)
    day = serializers.DateField(help_text="The athlete's local day.")
    start = serializers.DateTimeField(allow_null=True)
    local_start = LocalDateTimeField(allow_null=True, help_text="In the athlete's zone.")


class ReportedRunSerializer(PreviewRunSerializer):
    reason = serializers.ChoiceField(choices=list(REASONS))
    message = serializers.CharField()


class PreviewDeadliftSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=list(OUTCOMES))
    start = serializers.DateTimeField(allow_null=True)
    local_start = LocalDateTimeField(allow_null=True, help_text="In the athlete's zone.")
    reason = serializers.CharField(allow_blank=True)
    sets = serializers.IntegerField()
    reps = serializers.IntegerField()


class PreviewViolationSerializer(serializers.Serializer):
    code = serializers.CharField()
    severity = serializers.ChoiceField(choices=[s.value for s in domain.Severity])
    message = serializers.CharField()


class PreviewWeekSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    week = serializers.CharField(help_text="The athlete's ISO week, e.g. 2026-W50.")
    created = PreviewRunSerializer(many=True)
    reported = ReportedRunSerializer(many=True)
    deadlift = PreviewDeadliftSerializer(allow_null=True)
    violations = PreviewViolationSerializer(many=True)


class AthletePreviewSerializer(serializers.Serializer):
    athlete = serializers.IntegerField()
    athlete_name = serializers.CharField()
    time_zone = serializers.CharField()
    start_week = serializers.CharField()
    already_applied = serializers.BooleanField()
    error = serializers.CharField(
        allow_blank=True, help_text="Why nothing can be applied for this athlete, or empty."
    )
    weeks = PreviewWeekSerializer(many=True)


class PreviewSerializer(serializers.Serializer):
    template = serializers.IntegerField()
    athletes = AthletePreviewSerializer(many=True)


def _run_preview(run: PlannedRun | ReportedRun, zone: ZoneInfo) -> dict[str, Any]:
    spec = run.spec
    return {
        "label": spec.label,
        "kind": spec.kind,
        "duration_minutes": spec.duration_minutes,
        "distance_km": spec.distance_km,
        "day": run.day,
        "start": run.start,
        "local_start": None if run.start is None else run.start.astimezone(zone),
    }


def _week_preview(week: services.WeekPreview) -> dict[str, Any]:
    zone = week.time_zone
    deadlift = week.deadlift
    return {
        "number": week.number,
        "week": week.name,
        "created": [_run_preview(run, zone) for run in week.created],
        "reported": [
            {**_run_preview(run, zone), "reason": run.reason, "message": run.message}
            for run in week.reported
        ],
        "deadlift": None
        if deadlift is None
        else {
            "outcome": deadlift.outcome,
            "start": deadlift.start,
            "local_start": deadlift.local_start,
            "reason": deadlift.reason,
            "sets": deadlift.sets,
            "reps": deadlift.reps,
        },
        "violations": [
            {"code": v.code, "severity": str(v.severity), "message": v.message}
            for v in week.violations
        ],
    }


def preview_data(template: PlanTemplate, previews: list[services.AthletePreview]) -> dict:
    """The preview in PreviewSerializer's shape; times in each athlete's own zone."""
    return PreviewSerializer(
        {
            "template": template.pk,
            "athletes": [
                {
                    "athlete": item.athlete.pk,
                    "athlete_name": str(item.athlete),
                    "time_zone": item.athlete.time_zone,
                    "start_week": Week(item.start_week).name,
                    "already_applied": item.already_applied,
                    "error": item.error,
                    "weeks": [_week_preview(week) for week in item.weeks],
                }
                for item in previews
            ],
        }
    ).data


# ---------------------------------------------------------------------------- views


class TemplateViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The coach's plan templates. PUT replaces the whole document (no PATCH: a template is
    written whole, as the pages' form writes it)."""

    serializer_class = TemplateSerializer
    lookup_value_regex = r"[0-9]+"
    queryset = PlanTemplate.objects.none()  # for the schema; get_queryset scopes by the caller

    def get_queryset(self) -> QuerySet[PlanTemplate]:
        return templates_with_weeks(templates_for(self.request.user)).order_by("name", "pk")

    def get_object(self) -> PlanTemplate:
        found = get_template_for(self.request.user, self.kwargs["pk"])
        return self.get_queryset().get(pk=found.pk)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None  # the API pages every list (DEFAULT_PAGINATION_CLASS)
        data = TemplateSerializer([template_data(t) for t in page], many=True).data
        return self.get_paginated_response(data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(TemplateSerializer(template_data(self.get_object())).data)

    def _write(self, request: Request, template: PlanTemplate | None) -> PlanTemplate:
        coach = coach_for(request.user)  # the role first: an athlete is 403 whatever the body
        sent = TemplateSerializer(data=request.data)
        sent.is_valid(raise_exception=True)
        try:
            written = services.replace_template(
                template, coach=coach, data=dict(sent.validated_data)
            )
        except services.TemplateInvalid as error:
            # By the document's field path, e.g. "week_list.0.runs.2.start_time".
            raise serializers.ValidationError(error.errors) from None
        return self.get_queryset().get(pk=written.pk)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        template = self._write(request, None)
        return Response(
            TemplateSerializer(template_data(template)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=TemplateSerializer, responses={200: TemplateSerializer})
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        template = self._write(request, get_template_for(request.user, self.kwargs["pk"]))
        return Response(TemplateSerializer(template_data(template)).data)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Delete the template. What its applications created stays in the athletes' weeks."""
        get_template_for(request.user, self.kwargs["pk"]).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=CopySerializer, responses={201: TemplateSerializer})
    @action(detail=True, methods=["post"])
    def copy(self, request: Request, pk: str | None = None) -> Response:
        """A copy of the template under a new name."""
        template = get_template_for(request.user, self.kwargs["pk"])
        sent = CopySerializer(data=request.data)
        sent.is_valid(raise_exception=True)
        try:
            copied = services.copy_template(template, name=sent.validated_data["name"])
        except services.TemplateInvalid as error:
            raise serializers.ValidationError(error.errors) from None
        data = template_data(self.get_queryset().get(pk=copied.pk))
        return Response(TemplateSerializer(data).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TargetsSerializer, responses={200: PreviewSerializer})
    @action(detail=True, methods=["post"])
    def preview(self, request: Request, pk: str | None = None) -> Response:
        """What applying the template would do, per athlete and week; writes nothing."""
        template = get_template_for(request.user, self.kwargs["pk"])
        sent = TargetsSerializer(data=request.data, context={"request": request})
        sent.is_valid(raise_exception=True)
        previews = services.preview(template, sent.validated_data["targets"])
        return Response(preview_data(template, previews))

    @extend_schema(
        request=ApplyRequestSerializer,
        responses={
            202: OpenApiResponse(
                BatchSerializer, description="Queued: poll the batch at `url` (also `Location`)."
            )
        },
    )
    @action(detail=True, methods=["post"])
    def apply(self, request: Request, pk: str | None = None) -> Response:
        """Apply the template in the background: 202 with the batch to poll."""
        template = get_template_for(request.user, self.kwargs["pk"])
        sent = ApplyRequestSerializer(data=request.data, context={"request": request})
        sent.is_valid(raise_exception=True)
        batch = tasks.start_batch(
            coach=coach_for(request.user),
            template=template,
            targets=sent.validated_data["targets"],
            publish_days_before=sent.validated_data["publish_days_before"],
        )
        data = BatchSerializer(batch, context={"request": request}).data
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["url"]})


class BatchViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The coach's apply batches, newest first: status, progress, result, or why it failed."""

    serializer_class = BatchSerializer
    lookup_value_regex = r"[0-9]+"
    queryset = ApplyBatch.objects.none()  # for the schema; get_queryset scopes by the caller

    def get_queryset(self) -> QuerySet[ApplyBatch]:
        return batches_for(self.request.user).order_by("-created_at", "-pk")

    def get_object(self) -> ApplyBatch:
        return get_batch_for(self.request.user, self.kwargs["pk"])


class ApplicationFilter(django_filters.FilterSet):
    template = django_filters.NumberFilter(field_name="template_id")
    athlete = django_filters.NumberFilter(field_name="athlete_id")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Whole ids only, within what a database key can hold.
        for name in ("template", "athlete"):
            self.filters[name].field_class = forms.IntegerField
            self.filters[name].extra.update(min_value=1, max_value=2**31 - 1)


class ApplicationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The coach's template applications, newest first (`template`, `athlete` filter them).
    DELETE undoes one: what it created goes, unless something of it is logged (409, why)."""

    serializer_class = ApplicationSerializer
    lookup_value_regex = r"[0-9]+"
    queryset = TemplateApplication.objects.none()  # for the schema; scoped in get_queryset
    filterset_class = ApplicationFilter

    def get_queryset(self) -> QuerySet[TemplateApplication]:
        return (
            applications_for(self.request.user)
            .annotate(
                runs_count=Count("applied_runs", distinct=True),
                lifts_count=Count("applied_lifts", distinct=True),
            )
            .order_by("-created_at", "-pk")
        )

    def get_object(self) -> TemplateApplication:
        found = get_application_for(self.request.user, self.kwargs["pk"])
        return self.get_queryset().get(pk=found.pk)

    @extend_schema(
        responses={
            204: None,
            409: OpenApiResponse(description="Something it created is logged: nothing changed."),
        }
    )
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # Refused with services' Conflict (409, why) when something it created is logged.
        services.undo(get_application_for(request.user, self.kwargs["pk"]))
        return Response(status=status.HTTP_204_NO_CONTENT)
