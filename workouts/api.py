"""Run and lift sessions and their sets over the API. Views scope through athletes.access and
write through workouts.services; the serializers only parse and range-check input."""

from collections import Counter
from datetime import UTC, datetime
from typing import Any

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import parsers, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from athletes.access import (
    get_visible_athlete,
    get_visible_session,
    may_add_sessions,
    may_change_session,
    may_log_sets,
    may_upload_run_files,
    visible_sessions,
)
from athletes.transactions import atomic_with_retry
from plans.services import clock
from web.api import PayloadTooLarge, forbid
from web.uploads import upload_limit_message, upload_too_large, uploaded_run_files
from workouts.models import (
    LiftSession,
    LiftSet,
    RunSession,
    SessionStatus,
)
from workouts.run_imports import ImportStatus, import_run_files
from workouts.serializers import (
    EARLIEST,
    LATEST,
    DeletedSetSerializer,
    LiftSessionSerializer,
    LoggedSetSerializer,
    LogSetSerializer,
    RunFileUploadResultSerializer,
    RunFileUploadSerializer,
    RunSessionSerializer,
    SetValuesSerializer,
)
from workouts.services import delete_logged_set, mark_done, update_logged_set


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    """A bound on `start`, in UTC and within the years the app plans for, so any offset or
    year a client sends makes a valid query."""

    def filter(self, qs: QuerySet[Any], value: datetime | None) -> QuerySet[Any]:
        if value is not None:
            value = min(max(value, EARLIEST), LATEST).astimezone(UTC)
        return super().filter(qs, value)


class SessionFilter(django_filters.FilterSet):
    athlete = django_filters.NumberFilter(field_name="athlete_id")
    start_after = UtcDateTimeFilter(field_name="start", lookup_expr="gte")
    start_before = UtcDateTimeFilter(field_name="start", lookup_expr="lt")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Whole ids only, within what a database key can hold.
        self.filters["athlete"].field_class = forms.IntegerField
        self.filters["athlete"].extra.update(min_value=1, max_value=2**31 - 1)


# Generic in its one model (each subclass names it), so the types follow runs or lifts.
class SessionViewSet[S: (RunSession, LiftSession)](viewsets.ModelViewSet):
    """Shared by runs and lifts: scope from athletes.access, then the role's rights."""

    model: type[S]
    filterset_class = SessionFilter
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self) -> QuerySet[S]:
        return visible_sessions(self.request.user, self.model).order_by("start", "pk")

    def get_serializer_context(self) -> dict[str, Any]:
        # One now for every session of the answer.
        return {**super().get_serializer_context(), "now": clock()}

    def get_object(self) -> S:
        session = get_visible_session(self.request.user, self.model, self.kwargs["pk"])
        self.check_object_permissions(self.request, session)
        return session

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # The role first: an athlete adding a run is 403 whatever the body says.
        if not may_add_sessions(request.user):
            forbid("Only coaches plan sessions.")
        return super().create(request, *args, **kwargs)

    def perform_update(self, serializer: serializers.BaseSerializer[S]) -> None:
        session = serializer.instance
        assert session is not None  # an update's serializer holds the session it changes
        changed = {
            name
            for name, value in serializer.validated_data.items()
            if getattr(session, name) != value
        }
        if not may_change_session(self.request.user, session, changed):
            forbid(
                "Athletes may set only status, actual_start, actual_duration_minutes "
                "and notes on their sessions; the plan is their coach's."
            )
        was_done = session.status == SessionStatus.DONE

        @atomic_with_retry
        def save() -> None:
            session = serializer.save()
            if session.status == SessionStatus.DONE and not was_done:
                # Done without actuals means done as planned.
                mark_done(
                    session=session,
                    actual_start=session.actual_start,
                    actual_duration_minutes=session.actual_duration_minutes,
                )

        save()

    def perform_destroy(self, session: S) -> None:
        if not may_change_session(self.request.user, session, {"athlete", "start"}):
            forbid("Only the coach removes a session from the plan.")
        session.delete()


class RunSessionViewSet(SessionViewSet[RunSession]):
    model = RunSession
    serializer_class = RunSessionSerializer


class LiftSessionViewSet(SessionViewSet[LiftSession]):
    model = LiftSession
    serializer_class = LiftSessionSerializer

    def get_queryset(self) -> QuerySet[LiftSession]:
        return (
            super()
            .get_queryset()
            .prefetch_related(Prefetch("sets", queryset=LiftSet.objects.order_by("order")))
        )


# ---------------------------------------------------------------------------- logging sets


def _session_for_logging(request: Request, pk: int) -> LiftSession:
    session = get_visible_session(request.user, LiftSession, pk)
    if not may_log_sets(request.user, session):
        forbid("Only the athlete and their coach log this session's sets.")
    return session


class LogSetView(APIView):
    @extend_schema(
        request=LogSetSerializer,
        responses={201: LoggedSetSerializer, 200: LoggedSetSerializer},
        tags=["lift-sessions"],
    )
    def post(self, request: Request, pk: int) -> Response:
        """Log one set. Idempotent on client_id: a replay of the same values answers 200 with
        the stored set; a replay with other values, or from another session, 409. `retargeted`
        lists the session's sets whose targets autoregulation changed (a deadlift's working
        sets not yet logged; none on a replay)."""
        logged = LogSetSerializer(data=request.data).log(_session_for_logging(request, pk))
        return Response(
            LoggedSetSerializer(logged.lift_set, context={"retargeted": logged.retargeted}).data,
            status=status.HTTP_201_CREATED if logged.created else status.HTTP_200_OK,
        )


class LoggedSetView(APIView):
    def _set(self, request: Request, pk: int, set_pk: int) -> LiftSet:
        session = _session_for_logging(request, pk)
        try:
            return session.sets.get(pk=set_pk)
        except (LiftSet.DoesNotExist, ValueError, OverflowError):
            raise Http404("No such set in this session.") from None

    @extend_schema(
        request=SetValuesSerializer(partial=True),
        responses={200: LoggedSetSerializer},
        tags=["lift-sessions"],
    )
    def patch(self, request: Request, pk: int, set_pk: int) -> Response:
        """Change what was logged; the stored values stay where the body is silent. The
        session's other sets are re-targeted from what is logged now (`retargeted`)."""
        lift_set = self._set(request, pk, set_pk)
        sent = SetValuesSerializer(data=request.data, partial=True)
        sent.is_valid(raise_exception=True)
        updated = update_logged_set(lift_set=lift_set, values=sent.done_values(lift_set))
        return Response(
            LoggedSetSerializer(updated.lift_set, context={"retargeted": updated.retargeted}).data
        )

    @extend_schema(responses={200: DeletedSetSerializer}, tags=["lift-sessions"])
    def delete(self, request: Request, pk: int, set_pk: int) -> Response:
        """An extra set goes; a prescribed set keeps its targets and loses what was logged.
        The session's other sets are re-targeted from what remains logged (`retargeted`)."""
        retargeted = delete_logged_set(lift_set=self._set(request, pk, set_pk))
        return Response(DeletedSetSerializer({"deleted": set_pk, "retargeted": retargeted}).data)


# ---------------------------------------------------------------------------- run files


class RunFilesView(APIView):
    """Run files from a watch, for one athlete: by the athlete or their coach."""

    parser_classes = [parsers.MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": RunFileUploadSerializer},
        responses={
            201: RunFileUploadResultSerializer,
            200: RunFileUploadResultSerializer,
        },
        tags=["run-files"],
    )
    def post(self, request: Request, pk: int) -> Response:
        """Import FIT, GPX and TCX files (the form field `files`, once per file). Each file is
        imported (matched to the planned run of its local day nearest its start, else a new
        done easy run), ignored (the same file or the same start imported before) or rejected
        (not a run file, truncated, empty, no timestamps, not a run, too large), with a
        message naming it. 201 when any file was imported, 200 when every file was a
        duplicate, 400 when none was imported and some file was bad (the same body), or no file
        was sent (`{"files": [...]}`); 413 when the upload is over RUN_UPLOAD_MAX_BYTES, 415
        when it is not multipart. Every answer with results lists each file's, in the order
        sent."""
        athlete = get_visible_athlete(request.user, pk)
        if not may_upload_run_files(request.user, athlete):
            forbid("Only the athlete and their coach upload the athlete's runs.")
        if upload_too_large(request):
            raise PayloadTooLarge(upload_limit_message())
        try:
            files = uploaded_run_files(request)
        except SuspiciousOperation as error:
            raise serializers.ValidationError({"files": [str(error)]}) from None
        if not files:
            raise serializers.ValidationError({"files": ["Choose at least one run file."]})
        results = import_run_files(
            athlete=athlete, files=files, now=clock(), max_bytes=settings.RUN_FILE_MAX_BYTES
        )
        counts = Counter(result.status for result in results)
        body = RunFileUploadResultSerializer(
            {
                "imported": counts[ImportStatus.IMPORTED],
                "ignored": counts[ImportStatus.IGNORED],
                "rejected": counts[ImportStatus.REJECTED],
                "results": results,
            },
            context=self.get_serializer_context(),
        ).data
        code: int
        if counts[ImportStatus.IMPORTED]:
            code = status.HTTP_201_CREATED
        elif counts[ImportStatus.REJECTED]:
            code = status.HTTP_400_BAD_REQUEST
        else:
            code = status.HTTP_200_OK
        return Response(body, status=code)

    def get_serializer_context(self) -> dict[str, Any]:
        return {"request": self.request, "view": self, "now": clock()}
