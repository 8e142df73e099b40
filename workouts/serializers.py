"""A set, in and out, for every caller: the API (workouts/api.py), the phone's logging endpoints
(workouts/phone_views.py) and the week (plans/api.py). One shape out (LiftSetSerializer), one
input for logging (LogSetSerializer) and one for changing what was logged (SetValuesSerializer,
partial), so a value one caller refuses every caller refuses, and a set reads the same
everywhere."""

from rest_framework import serializers

from workouts.models import LOAD_KG_RANGE, REPS_RANGE, RIR_RANGE, LiftSet
from workouts.services import DoneValues

# What a database key can hold (BigAutoField): a larger id is "no such set", not an overflow.
MAX_ID = 2**63 - 1
MAX_SET_ORDER = 100
NOT_LOGGED_YET = "This set is not logged yet; give reps."


def kg_field(**kwargs):
    # The column's own digits (5, 2 places): "1e-999999999" is refused here, not by the database.
    return serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=LOAD_KG_RANGE[0],
        max_value=LOAD_KG_RANGE[1],
        coerce_to_string=False,
        allow_null=True,
        required=False,
        **kwargs,
    )


def reps_field(**kwargs):
    return serializers.IntegerField(min_value=REPS_RANGE[0], max_value=REPS_RANGE[1], **kwargs)


def rir_field(**kwargs):
    return serializers.IntegerField(
        min_value=RIR_RANGE[0], max_value=RIR_RANGE[1], allow_null=True, required=False, **kwargs
    )


class ClientIdField(serializers.UUIDField):
    """A UUID string only. DRF's UUIDField also takes an integer as the UUID's number, so
    `false`, `0` or `5` became 00000000-…, the same id for every client that sent it."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid", value=data)
        return super().to_internal_value(data)


class LiftSetSerializer(serializers.ModelSerializer):
    """A set: the one shape of the API, the phone and the week (plans.selectors reads the same
    columns for the week, LIFT_SET_COLUMNS). Loads are JSON numbers, client_id a string."""

    order = serializers.IntegerField(min_value=1, max_value=MAX_SET_ORDER)
    target_reps = reps_field(allow_null=True, required=False)
    target_load_kg = kg_field()
    target_rir = rir_field()
    reps = reps_field(allow_null=True, required=False)
    load_kg = kg_field()
    rir = rir_field()
    client_id = ClientIdField(required=False, allow_null=True)

    class Meta:
        model = LiftSet
        fields = [
            "id",
            "order",
            "is_warmup",
            "target_reps",
            "target_load_kg",
            "target_rir",
            "target_load_reason",
            "reps",
            "load_kg",
            "rir",
            "failed",
            "client_id",
        ]
        read_only_fields = ["target_load_reason"]
        # Uniqueness of client_id is checked with the whole list, in LiftSessionSerializer.
        extra_kwargs = {"client_id": {"validators": []}}

    def validate(self, attrs):
        # A load, an RIR or a client_id make a logged set (the database's constraints say so).
        logged = ("load_kg", "rir", "client_id")
        if attrs.get("reps") is None and any(attrs.get(name) is not None for name in logged):
            raise serializers.ValidationError({"reps": "A logged set needs its reps."})
        return attrs


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

    def placement(self) -> dict:
        """Where the set goes, as workouts.services.log_set takes it."""
        data = self.validated_data
        return {
            "set_id": data.get("set_id"),
            "order": data.get("order"),
            "is_warmup": data["is_warmup"],
        }
