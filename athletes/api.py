"""The API's people: logging in for a token, who am I, the coach's athletes, the feed address."""

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.contrib.auth import authenticate, get_user_model, password_validation, user_logged_in
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Field, QuerySet
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from knox.models import AuthToken
from knox.settings import knox_settings
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from athletes.access import (
    coach_for,
    may_add_athletes,
    may_plan_for,
    may_see_calendar_feed,
    role_of,
    viewer_units,
    visible_athletes,
)
from athletes.authentication import delete_expired_tokens
from athletes.models import Athlete, Units, validate_time_zone
from athletes.transactions import atomic_with_retry
from plans.domain.units import STORED_PLACES, default_increment_kg
from plans.selectors import current_e1rms, recent_compliance
from plans.services import change_time_zone
from web.api import AnonThrottle, forbid, lockout_response

User = get_user_model()

# ---------------------------------------------------------------------------- tokens


class CredentialsSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    expiry = serializers.DateTimeField(allow_null=True)


class TokenView(APIView):
    """Username and password in, a token out. Authenticates through django.contrib.auth with
    the request, so django-axes counts failures and locks out as on the web login."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [AnonThrottle]

    @extend_schema(
        request=CredentialsSerializer, responses={200: TokenSerializer}, auth=[], tags=["auth"]
    )
    def post(self, request: Request) -> HttpResponse:
        credentials = CredentialsSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        django_request = request._request
        user = authenticate(
            request=django_request,
            username=credentials.validated_data["username"],
            password=credentials.validated_data["password"],
        )
        if getattr(django_request, "axes_locked_out", False):
            return lockout_response(django_request)
        if user is None:
            raise serializers.ValidationError({"detail": "Wrong username or password."})
        delete_expired_tokens(user)  # here, so that no authenticated request pays for it
        instance, token = AuthToken.objects.create(user, knox_settings.TOKEN_TTL)
        user_logged_in.send(sender=user.__class__, request=django_request, user=user)
        return Response(TokenSerializer({"token": token, "expiry": instance.expiry}).data)


class LogoutView(APIView):
    @extend_schema(request=None, responses={204: None}, tags=["auth"])
    def post(self, request: Request) -> Response:
        """Revokes the token this request was made with."""
        if isinstance(request.auth, AuthToken):
            request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    role = serializers.ChoiceField(choices=["coach", "athlete"])
    athlete_id = serializers.IntegerField(allow_null=True)
    units = serializers.ChoiceField(
        choices=Units.choices,
        help_text="The unit the user chose to read loads in; pass it as `?units=` to get "
        "loads in it beside the kilograms.",
    )


class PingSerializer(serializers.Serializer):
    ok = serializers.BooleanField()


class PingView(APIView):
    """A constant answer behind the usual authentication, permissions and throttles: a client
    checks its token with it, and bench/api_bench.py measures what the API costs before any
    work of ours."""

    @extend_schema(responses={200: PingSerializer}, tags=["auth"])
    def get(self, request: Request) -> Response:
        return Response({"ok": True})


class MeView(APIView):
    @extend_schema(responses={200: MeSerializer})
    def get(self, request: Request) -> Response:
        user = request.user
        assert not isinstance(user, AnonymousUser)  # HasRole let only coaches and athletes in
        role = role_of(user)
        athlete_id = user.athlete.pk if role == "athlete" else None
        data = {
            "id": user.pk,
            "username": user.get_username(),
            "role": role,
            "units": viewer_units(user),
        }
        return Response(MeSerializer({**data, "athlete_id": athlete_id}).data)


# ---------------------------------------------------------------------------- athletes


@extend_schema_field({"type": "string", "pattern": r"^\d{2}:\d{2}(:\d{2})?$", "example": "06:00"})
class LocalTimeField(serializers.TimeField):
    """ "HH:MM" out, "HH:MM" or "HH:MM:SS" in: not RFC 3339's `time`, which wants an offset."""


class AthleteSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", max_length=150)
    first_name = serializers.CharField(
        source="user.first_name", max_length=150, required=False, allow_blank=True
    )
    last_name = serializers.CharField(
        source="user.last_name", max_length=150, required=False, allow_blank=True
    )
    time_zone = serializers.CharField(max_length=64, required=False)
    training_window_start = LocalTimeField(required=False)
    training_window_end = LocalTimeField(required=False)
    load_increment_kg = serializers.DecimalField(
        max_digits=STORED_PLACES + 2,
        decimal_places=STORED_PLACES,
        min_value=Decimal("0.25"),
        max_value=Decimal("25"),
        required=False,
        coerce_to_string=False,
        help_text="Kilograms, to 10 decimals (5 lb is 2.26796185). Default: the default of "
        "the athlete's unit, 2.5 kg or 5 lb.",
    )
    units = serializers.ChoiceField(
        choices=Units.choices,
        required=False,
        help_text="The unit the athlete sees and types loads in on their own pages (the API "
        "stays in kilograms). Set when the athlete is created (default: the coach's default "
        "for new athletes); afterwards the athlete's own choice, so it cannot be changed here.",
    )
    is_active = serializers.BooleanField(required=False)
    e1rm_kg = serializers.SerializerMethodField()
    compliance_7d = serializers.SerializerMethodField(
        help_text="Percent of the sessions of the last 7 local days (today included) that were "
        "on plan (green: done for 80-120 % of the planned duration), rounded down; missed and "
        "skipped ones count as off plan, ones still to come not at all; null when there was "
        "none. As the dashboard shows it."
    )
    compliance_28d = serializers.SerializerMethodField(
        help_text="The same over the last 28 local days."
    )
    password = serializers.CharField(
        write_only=True, required=False, max_length=4096, trim_whitespace=False
    )

    class Meta:
        model = Athlete
        fields = [
            "id",
            "username",
            "first_name",
            "last_name",
            "time_zone",
            "training_window_start",
            "training_window_end",
            "load_increment_kg",
            "units",
            "autoregulate_coach_targets",
            "is_active",
            "e1rm_kg",
            "compliance_7d",
            "compliance_28d",
            "password",
        ]

    @extend_schema_field({"type": "number", "nullable": True, "readOnly": True})
    def get_e1rm_kg(self, athlete: Athlete) -> float | None:
        e1rm = self.context.get("e1rms", {}).get(athlete.pk)
        return None if e1rm is None else e1rm.kg

    @extend_schema_field({"type": "integer", "nullable": True, "readOnly": True})
    def get_compliance_7d(self, athlete: Athlete) -> int | None:
        recent = self.context.get("compliance", {}).get(athlete.pk)
        return None if recent is None else recent.short.percent

    @extend_schema_field({"type": "integer", "nullable": True, "readOnly": True})
    def get_compliance_28d(self, athlete: Athlete) -> int | None:
        recent = self.context.get("compliance", {}).get(athlete.pk)
        return None if recent is None else recent.long.percent

    def validate_time_zone(self, value: str) -> str:
        try:
            validate_time_zone(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        user_attrs = attrs.get("user", {})
        username = user_attrs.get("username")
        if self.instance is None:
            if not username:
                raise serializers.ValidationError({"username": "This field is required."})
            if not attrs.get("password"):
                raise serializers.ValidationError({"password": "This field is required."})
            self._check_username(username)
        elif username is not None and username != self.instance.user.username:
            raise serializers.ValidationError({"username": "A username cannot be changed."})
        start = attrs.get(
            "training_window_start", getattr(self.instance, "training_window_start", None)
        )
        end = attrs.get("training_window_end", getattr(self.instance, "training_window_end", None))
        if start is not None and end is not None and start >= end:
            raise serializers.ValidationError(
                {"training_window_end": "The training window must end after it starts."}
            )
        if self.instance is not None and attrs.get("units", self.instance.units) != (
            self.instance.units
        ):
            raise serializers.ValidationError(
                {"units": "The athlete chooses their own unit, on their settings page."}
            )
        if attrs.get("password"):
            probe = self.instance.user if self.instance is not None else User(username=username)
            try:
                password_validation.validate_password(attrs["password"], probe)
            except DjangoValidationError as error:
                raise serializers.ValidationError({"password": error.messages}) from None
        return attrs

    def _check_username(self, username: str) -> None:
        field = User._meta.get_field(User.USERNAME_FIELD)
        assert isinstance(field, Field)  # the username is a column, not a relation
        try:
            for validator in field.validators:
                validator(username)
        except DjangoValidationError as error:
            raise serializers.ValidationError({"username": error.messages}) from None
        if User.objects.filter(username__iexact=username).exists():
            raise serializers.ValidationError({"username": "That username is taken."})

    def create(self, validated_data: dict[str, Any]) -> Athlete:
        user_attrs = validated_data.pop("user")
        password = validated_data.pop("password")
        active = validated_data.pop("is_active", True)
        coach = self.context["coach"]
        validated_data.setdefault("units", coach.default_athlete_units)
        validated_data.setdefault(
            "load_increment_kg", default_increment_kg(validated_data["units"])
        )
        with transaction.atomic():
            user = User(**user_attrs)
            user.set_password(password)
            user.save()
            athlete = Athlete.objects.create(user=user, coach=coach, **validated_data)
            if not active:
                athlete.deactivate()
        return athlete

    def update(self, athlete: Athlete, validated_data: dict[str, Any]) -> Athlete:
        user_attrs = validated_data.pop("user", {})
        user_attrs.pop("username", None)
        password = validated_data.pop("password", None)
        active = validated_data.pop("is_active", None)
        time_zone = validated_data.pop("time_zone", None)
        # Read once: a second try after a write conflict starts from the stored state again.
        was_active = athlete.is_active

        @atomic_with_retry
        def write() -> None:
            if time_zone is not None:
                # The sessions move with the zone (DOMAIN.md, "The present").
                change_time_zone(athlete=athlete, time_zone=time_zone)
            for name, value in validated_data.items():
                setattr(athlete, name, value)
            athlete.save()
            for name, value in user_attrs.items():
                setattr(athlete.user, name, value)
            if password:
                athlete.user.set_password(password)
            athlete.user.save()
            # Through the model, so the user and the athlete change together (and the
            # deactivated user's tokens go, see athletes.signals).
            if active is False and was_active:
                athlete.deactivate()
            elif active is True and not was_active:
                athlete.activate()

        write()
        return athlete


class CalendarFeedSerializer(serializers.Serializer):
    url = serializers.URLField()


class AthleteViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """A coach's athletes (an athlete sees only themselves). No delete: deactivate instead."""

    serializer_class = AthleteSerializer
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self) -> QuerySet[Athlete]:
        return visible_athletes(self.request.user).order_by(
            "user__last_name", "user__first_name", "user__username", "pk"
        )

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        context["e1rms"] = getattr(self, "_e1rms", {})
        context["compliance"] = getattr(self, "_compliance", {})
        return context

    def _with_e1rms(self, athletes: Iterable[Athlete]) -> None:
        """The e1RMs and the 7- and 28-day compliance of the athletes shown (three queries)."""
        athletes = list(athletes)
        now = timezone.now()
        self._e1rms = current_e1rms(athletes, now)
        self._compliance = recent_compliance({a.pk: a.time_zone for a in athletes}, now)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        assert page is not None  # the API pages every list (DEFAULT_PAGINATION_CLASS)
        self._with_e1rms(page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        athlete = self.get_object()
        self._with_e1rms([athlete])
        return Response(self.get_serializer(athlete).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not may_add_athletes(request.user):
            forbid("Only coaches add athletes.")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # DRF's context is a dict; the stubs type it as a read-only mapping.
        serializer.context["coach"] = coach_for(request.user)  # type: ignore[index]
        athlete = serializer.save()
        self._with_e1rms([athlete])
        return Response(self.get_serializer(athlete).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        athlete = self.get_object()
        if not may_plan_for(request.user, athlete):
            forbid("Only the athlete's coach changes these settings.")
        serializer = self.get_serializer(
            athlete, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        athlete = serializer.save()
        self._with_e1rms([athlete])
        return Response(self.get_serializer(athlete).data)

    def _feed(self, request: Request, athlete: Athlete) -> Response:
        path = reverse("workouts:calendar_feed", kwargs={"token": athlete.calendar_token})
        return Response(CalendarFeedSerializer({"url": request.build_absolute_uri(path)}).data)

    @extend_schema(request=None, responses={200: CalendarFeedSerializer})
    @action(detail=True, methods=["get", "post"], url_path="calendar")
    def calendar(self, request: Request, pk: str | None = None) -> Response:
        """The calendar feed's secret address (GET); POST rotates the secret, so the old
        address stops working."""
        athlete = self.get_object()
        if not may_see_calendar_feed(request.user, athlete):
            forbid("Only the athlete and their coach see the calendar address.")
        if request.method == "POST":
            athlete.rotate_calendar_token()
        return self._feed(request, athlete)
