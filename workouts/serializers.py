"""A set, in and out, for every caller: the API (workouts/api.py), the phone's logging endpoints
(workouts/phone_views.py) and the week (plans/api.py). One shape out (LiftSetSerializer), one
input for logging (LogSetSerializer) and one for changing what was logged (SetValuesSerializer,
partial), so a value one caller refuses every caller refuses, and a set reads the same
everywhere. The sessions' shapes too (runs and lifts with their sets), for the API's session
endpoints and its week: here, below both, since endpoints borrow nothing from each other."""

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from athletes.access import visible_athletes
from athletes.models import Athlete
from plans.domain.autoregulation import ADJUSTMENT_KINDS, Adjustment, describe
from plans.domain.compliance import Colour, Mark, Why
from plans.domain.units import STORED_PLACES
from plans.domain.weeks import FIRST_YEAR, LAST_YEAR
from plans.selectors import LIFT_SET_COLUMNS
from plans.services import clock
from workouts.models import (
    LOAD_KG_MAX_DIGITS,
    LOAD_KG_RANGE,
    MAX_DURATION_MINUTES,
    REPS_RANGE,
    RIR_RANGE,
    LiftSession,
    LiftSet,
    RunSession,
)
from workouts.services import DoneValues, Logged, log_set

# What a database key can hold (BigAutoField): a larger id is "no such set", not an overflow.
MAX_ID = 2**63 - 1
MAX_SET_ORDER = 100
NOT_LOGGED_YET = "This set is not logged yet; give reps."


def kg_field(**kwargs: Any) -> serializers.DecimalField:
    # The column's own digits (13, 10 places: a load typed in pounds, in exact kilograms):
    # "1e-999999999" is refused here, not by the database.
    return serializers.DecimalField(
        max_digits=LOAD_KG_MAX_DIGITS,
        decimal_places=STORED_PLACES,
        min_value=LOAD_KG_RANGE[0],
        max_value=LOAD_KG_RANGE[1],
        coerce_to_string=False,
        allow_null=True,
        required=False,
        **kwargs,
    )


def reps_field(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=REPS_RANGE[0], max_value=REPS_RANGE[1], **kwargs)


def rir_field(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=RIR_RANGE[0], max_value=RIR_RANGE[1], allow_null=True, required=False, **kwargs
    )


class ClientIdField(serializers.UUIDField):
    """A UUID string only. DRF's UUIDField also takes an integer as the UUID's number, so
    `false`, `0` or `5` became 00000000-…, the same id for every client that sent it."""

    def to_internal_value(self, data: object) -> uuid.UUID:
        if not isinstance(data, str):
            self.fail("invalid", value=data)
        return super().to_internal_value(data)


class AdjustmentSerializer(serializers.Serializer):
    """Why autoregulation moved a target (plans.domain.autoregulation.Adjustment): after which
    working set (1-based, warm-ups not counted), what was logged there, the e1RM it gave (kind
    "e1rm") or the 90 % drop after a failed set or RIR 0 (kind "drop"), and whether the 10 %
    cap held it. Loads as decimal strings, exactly as stored."""

    kind = serializers.ChoiceField(choices=list(ADJUSTMENT_KINDS))
    after_set = serializers.IntegerField()
    reps = serializers.IntegerField(allow_null=True)
    rir = serializers.IntegerField(allow_null=True)
    failed = serializers.BooleanField()
    load_kg = serializers.CharField()
    e1rm_kg = serializers.CharField(allow_null=True)
    capped = serializers.BooleanField()


class LiftSetSerializer(serializers.ModelSerializer):
    """A set: the one shape of the API, the phone and the week (plans.selectors reads the same
    columns for the week, LIFT_SET_COLUMNS). Loads are JSON numbers, client_id a string.

    Autoregulation: `original_target_load_kg` is the target before any adjustment (the target
    itself on a set never adjusted; null when there was none), `adjustment` why it moved (null
    when it did not) and `adjustment_reason` the same in words ("" when it did not)."""

    order = serializers.IntegerField(min_value=1, max_value=MAX_SET_ORDER)
    target_reps = reps_field(allow_null=True, required=False)
    target_load_kg = kg_field()
    target_rir = rir_field()
    original_target_load_kg = kg_field(read_only=True)
    adjustment = AdjustmentSerializer(read_only=True, allow_null=True)
    adjustment_reason = serializers.SerializerMethodField()
    reps = reps_field(allow_null=True, required=False)
    load_kg = kg_field()
    rir = rir_field()
    client_id = ClientIdField(required=False, allow_null=True)

    class Meta:
        model = LiftSet
        # The week's read model reads exactly these columns: one list for the set's one shape.
        fields = [*LIFT_SET_COLUMNS, "adjustment_reason"]
        read_only_fields = ["target_load_reason"]
        # Uniqueness of client_id is checked with the whole list, in LiftSessionSerializer.
        extra_kwargs: dict[str, dict[str, Any]] = {"client_id": {"validators": []}}

    def get_adjustment_reason(self, lift_set: LiftSet | dict[str, Any]) -> str:
        adjustment = (
            lift_set.get("adjustment") if isinstance(lift_set, dict) else lift_set.adjustment
        )
        return adjustment_reason(adjustment)

    def to_representation(self, instance: LiftSet | dict[str, Any]) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not data["adjustment"]:
            # Never adjusted: the target is its own original.
            data["original_target_load_kg"] = data["target_load_kg"]
        return data

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # A load, an RIR or a client_id make a logged set (the database's constraints say so).
        logged = ("load_kg", "rir", "client_id")
        if attrs.get("reps") is None and any(attrs.get(name) is not None for name in logged):
            raise serializers.ValidationError({"reps": "A logged set needs its reps."})
        return attrs


def adjustment_reason(adjustment: dict[str, Any] | None) -> str:
    return describe(Adjustment.from_json(adjustment)) if adjustment else ""


def set_row_data(row: dict[str, Any]) -> dict[str, Any]:
    """A set read as plain values (LIFT_SET_COLUMNS) in LiftSetSerializer's shape, for the
    week built without a serializer per session (plans.api.week_data)."""
    adjustment = row["adjustment"]
    return {
        **row,
        "original_target_load_kg": (
            row["original_target_load_kg"] if adjustment else row["target_load_kg"]
        ),
        "adjustment_reason": adjustment_reason(adjustment),
    }


class SetValuesSerializer(serializers.Serializer):
    """What the athlete did in one set. Partial (an edit): the stored values stay where the
    body is silent."""

    reps = reps_field()
    load_kg = kg_field()
    rir = rir_field()
    failed = serializers.BooleanField(default=False)

    def done_values(self, stored: LiftSet | None = None) -> DoneValues:
        data = self.validated_data
        reps = data.get("reps", stored.reps if stored else None)
        if reps is None:
            raise serializers.ValidationError({"reps": [NOT_LOGGED_YET]})
        return DoneValues(
            reps=reps,
            load_kg=data.get("load_kg", stored.load_kg if stored else None),
            rir=data.get("rir", stored.rir if stored else None),
            failed=data.get("failed", stored.failed if stored else False),
        )


class LogSetSerializer(SetValuesSerializer):
    """One set logged, by the phone or any API client. `client_id` (made by the client) makes
    sending it again harmless; `set_id` or `order` name the prescribed set it fills (else the
    first one free), `is_warmup` marks an extra set as a warm-up."""

    client_id = ClientIdField(error_messages={"required": "Send the set's client_id, a UUID."})
    set_id = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, allow_null=True
    )
    order = serializers.IntegerField(min_value=1, max_value=MAX_SET_ORDER, required=False)
    is_warmup = serializers.BooleanField(default=False)

    def log(self, session: LiftSession) -> Logged:
        """What was sent, checked (a 400 naming the field, nothing written), logged into
        `session` by workouts.services.log_set: the phone's endpoint and the API's both end here."""
        self.is_valid(raise_exception=True)
        data = self.validated_data
        return log_set(
            session=session,
            client_id=data["client_id"],
            values=self.done_values(),
            set_id=data.get("set_id"),
            order=data.get("order"),
            is_warmup=data["is_warmup"],
        )


def retargeted_data(sets: Iterable[LiftSet]) -> list[dict[str, Any]]:
    return list(LiftSetSerializer(list(sets), many=True).data)


class LoggedSetSerializer(LiftSetSerializer):
    """The answer to logging or changing a set: the set, and the session's other sets whose
    targets autoregulation changed with it (`retargeted`, maybe empty; empty on a replay)."""

    retargeted = serializers.SerializerMethodField()

    class Meta(LiftSetSerializer.Meta):
        fields = [*LiftSetSerializer.Meta.fields, "retargeted"]

    @extend_schema_field(LiftSetSerializer(many=True))
    def get_retargeted(self, lift_set: LiftSet) -> list[dict[str, Any]]:
        return retargeted_data(self.context.get("retargeted", ()))


class DeletedSetSerializer(serializers.Serializer):
    """The answer to deleting what was logged: the set's id, and the sets re-targeted from what
    remains logged."""

    deleted = serializers.IntegerField()
    retargeted = LiftSetSerializer(many=True)


# ---------------------------------------------------------------------------- sessions

# A session starts in the years the weeks are named in (plans.domain.weeks says why those).
EARLIEST = datetime(FIRST_YEAR, 1, 1, tzinfo=UTC)
LATEST = datetime(LAST_YEAR + 1, 1, 1, tzinfo=UTC)


def _in_range(value: datetime | None) -> datetime | None:
    if value is not None and not EARLIEST <= value < LATEST:
        raise serializers.ValidationError(
            f"Give a time between the years {FIRST_YEAR} and {LAST_YEAR}."
        )
    # Stored in UTC: PostgreSQL refuses offsets Python accepts (e.g. -19:31).
    return None if value is None else value.astimezone(UTC)


def _duration(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_DURATION_MINUTES, **kwargs)


class MissedField(serializers.BooleanField):
    """Planned, and its planned end is before now (a lift: also nothing logged), as of the
    `now` in the serializer's context, else the clock's."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(read_only=True, source="*", **kwargs)

    # source="*": the value is the session itself, where BooleanField's stub expects a bool.
    def to_representation(self, value: Any) -> bool:
        return value.is_missed_at(self.context.get("now") or clock())


def compliance_data(mark: Mark | None) -> dict[str, Any] | None:
    """A compliance mark as the API shows it: the pages' colour, why, and the percent."""
    if mark is None:
        return None
    return {"colour": mark.colour.value, "reason": mark.why.value, "percent": mark.percent}


class ComplianceSerializer(serializers.Serializer):
    colour = serializers.ChoiceField(choices=[c.value for c in Colour])
    reason = serializers.ChoiceField(
        choices=[w.value for w in Why],
        help_text="on_plan (80-120 % of the planned duration), short (50-79 %), long "
        "(121-150 %), far_short (under 50 %), far_long (over 150 %), missed or skipped.",
    )
    percent = serializers.IntegerField(
        allow_null=True,
        help_text="The done duration as a percent of the planned one, rounded away from 100 "
        "(so it lies in its colour's band); null when missed or skipped.",
    )


class ComplianceField(ComplianceSerializer):
    """How well a past session matched its plan (plans/domain/compliance.py), as of the `now`
    in the serializer's context, else the clock's; null while it has no colour (planned and
    not yet over)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(read_only=True, source="*", allow_null=True, **kwargs)

    def to_representation(self, instance: Any) -> dict[str, Any] | None:  # type: ignore[override]
        return compliance_data(instance.compliance_at(self.context.get("now") or clock()))


class SessionSerializer(serializers.ModelSerializer):
    athlete = serializers.PrimaryKeyRelatedField(queryset=Athlete.objects.none())
    missed = MissedField(
        help_text="Planned, and its planned end is before now; for a lift, also no set logged."
    )
    compliance = ComplianceField(
        help_text="Green, yellow or red once past: done for 80-120 % of the planned duration "
        "is green, 50-79 % or 121-150 % yellow, beyond that, missed or skipped red; null "
        "while still to come."
    )
    duration_minutes = _duration(required=False)
    actual_duration_minutes = _duration(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)

    shared_fields = [
        "start",
        "duration_minutes",
        "status",
        "actual_start",
        "actual_duration_minutes",
        "notes",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # Only the caller's athletes can be named; another coach's is "does not exist".
            # The model's foreign key: a PrimaryKeyRelatedField, typed as any field.
            self.fields["athlete"].queryset = visible_athletes(request.user)  # type: ignore[attr-defined]

    def validate_start(self, value: datetime) -> datetime | None:
        return _in_range(value)

    def validate_actual_start(self, value: datetime | None) -> datetime | None:
        return _in_range(value)


class RunSessionSerializer(SessionSerializer):
    distance_km = serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        min_value=0,
        coerce_to_string=False,
        allow_null=True,
        required=False,
    )

    class Meta:
        model = RunSession
        fields = [
            "id",
            "athlete",
            "kind",
            *SessionSerializer.shared_fields,
            "distance_km",
            "unplanned",
            "missed",
            "compliance",
        ]
        # Set by a run file that matched no planned run; a client does not plan one.
        read_only_fields = ["unplanned"]


class LiftSessionSerializer(SessionSerializer):
    sets = LiftSetSerializer(many=True, required=False)

    class Meta:
        model = LiftSession
        fields = [
            "id",
            "athlete",
            "exercise",
            *SessionSerializer.shared_fields,
            "sets",
            "missed",
            "compliance",
        ]

    def validate_sets(self, sets: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if self.instance is not None:
            raise serializers.ValidationError(
                "Sets are created with the session; log or change them through its sets/."
            )
        orders = [s["order"] for s in sets]
        if len(set(orders)) != len(orders):
            raise serializers.ValidationError("Each set needs its own order.")
        client_ids = [s["client_id"] for s in sets if s.get("client_id")]
        if len(set(client_ids)) != len(client_ids) or (
            LiftSet.objects.filter(client_id__in=client_ids).exists()
        ):
            raise serializers.ValidationError("A client_id is already in use.")
        return sets

    def create(self, validated_data: dict[str, Any]) -> LiftSession:
        sets = validated_data.pop("sets", [])
        with transaction.atomic():
            session = LiftSession(**validated_data)
            session.save()
            now = timezone.now()
            LiftSet.objects.bulk_create(
                [
                    LiftSet(
                        session=session,
                        logged_at=now if values.get("reps") is not None else None,
                        **values,
                    )
                    for values in sets
                ]
            )
        return session


# ---------------------------------------------------------------------------- run files


class RunFileResultSerializer(serializers.Serializer):
    """One uploaded file's fate: imported (with the run it made done or created), ignored (a
    duplicate) or rejected (a bad file), and why in words."""

    filename = serializers.CharField()
    status = serializers.ChoiceField(choices=["imported", "ignored", "rejected"])
    message = serializers.CharField()
    unplanned = serializers.BooleanField()
    run = RunSessionSerializer(allow_null=True)


class RunFileUploadSerializer(serializers.Serializer):
    """The upload, for the schema: multipart/form-data with one or more `files`."""

    files = serializers.ListField(child=serializers.FileField())


class RunFileUploadResultSerializer(serializers.Serializer):
    imported = serializers.IntegerField()
    ignored = serializers.IntegerField()
    rejected = serializers.IntegerField()
    results = RunFileResultSerializer(many=True)
