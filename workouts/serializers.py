"""The one definition of a logged set's values, for the API (workouts/api.py) and the phone's
logging endpoint (workouts/phone_views.py) alike: the same fields, digit limits and ranges, so
a value one of them refuses the other refuses too."""

from rest_framework import serializers

from workouts.models import LOAD_KG_RANGE, REPS_RANGE, RIR_RANGE
from workouts.services import DoneValues

# What a database key can hold (BigAutoField): a larger id is "no such set", not an overflow.
MAX_ID = 2**63 - 1


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


class SetValuesSerializer(serializers.Serializer):
    """What the athlete did in one set."""

    reps = reps_field()
    load_kg = kg_field()
    rir = rir_field()
    failed = serializers.BooleanField(default=False)

    def done_values(self) -> DoneValues:
        data = self.validated_data
        return DoneValues(
            reps=data["reps"],
            load_kg=data.get("load_kg"),
            rir=data.get("rir"),
            failed=data["failed"],
        )
