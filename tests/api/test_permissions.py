"""Who may call what: every endpoint and method of /api/v1/ for five callers, from one table.

Scope comes before role: another coach's athlete (or another athlete's data) is 404 whatever
the method; a role that may never do a thing is 403; anonymous is 401."""

import uuid
from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, reverse

from config import api_urls
from tests.api.conftest import WEEK, World, client_for
from tests.factories import PASSWORD
from tests.workouts.run_file_factory import fit_file

CALLERS = ("anonymous", "athlete", "other_athlete", "coach", "other_coach")


def _athlete_body(w: World) -> dict:
    return {
        "username": f"new-{uuid.uuid4().hex[:8]}",
        "password": "a-long-athlete-password",
        "first_name": "Maya",
        "time_zone": "Europe/Oslo",
        "training_window_start": "06:30",
        "training_window_end": "20:00",
        "load_increment_kg": 2.5,
    }


def _run_body(w: World) -> dict:
    return {"athlete": w.athlete.pk, "kind": "easy", "start": "2026-12-03T07:00:00+01:00"}


def _lift_body(w: World) -> dict:
    return {
        "athlete": w.athlete.pk,
        "exercise": "deadlift",
        "start": "2026-12-02T17:00:00Z",
        "sets": [{"order": 1, "target_reps": 3, "target_load_kg": 100, "target_rir": 1}],
    }


def _log_body(w: World) -> dict:
    return {"order": 1, "reps": 3, "load_kg": 100, "rir": 1, "client_id": str(uuid.uuid4())}


def _template_body(w: World) -> dict:
    return {
        "name": f"Block {uuid.uuid4().hex[:8]}",
        "description": "",
        "weeks": 1,
        "week_list": [
            {
                "number": 1,
                "has_deadlift": True,
                "deadlift_sets": 3,
                "deadlift_reps": 3,
                "runs": [
                    {
                        "weekday": 1,
                        "start_time": "07:00",
                        "kind": "interval",
                        "duration_minutes": 60,
                        "distance_km": 10,
                    }
                ],
            }
        ],
    }


def _targets_body(w: World) -> dict:
    return {"targets": [{"athlete": w.athlete.pk, "start_week": "2026-W51"}]}


class Multipart(dict):
    """A body sent as multipart/form-data rather than JSON."""


def _run_files_body(w: World) -> Multipart:
    start = datetime(2026, 11, 2, 7, tzinfo=UTC)  # long past on any clock the suite runs under
    return Multipart(files=[SimpleUploadedFile("run.fit", fit_file(start))])


# (url name, url kwargs, method, body, expected statuses for CALLERS in order)
RUN, LIFT, ATH, SET = "run", "lift", "athlete", "set"
TPL, BATCH, APP = "template", "batch", "application"
# Plan templates are the coach's own: an athlete may never use them (403), another coach's
# are 404.
COACH_ONLY_LIST = (401, 403, 403, 200, 200)
COACH_ONLY_OBJECT = (401, 403, 403, 200, 404)
TABLE = [
    (
        "token",
        {},
        "post",
        lambda w: {"username": w.athlete.user.username, "password": PASSWORD},
        (200, 200, 200, 200, 200),
    ),
    ("logout", {}, "post", None, (401, 204, 204, 204, 204)),
    ("me", {}, "get", None, (401, 200, 200, 200, 200)),
    ("ping", {}, "get", None, (401, 200, 200, 200, 200)),
    ("athlete-list", {}, "get", None, (401, 200, 200, 200, 200)),
    ("athlete-list", {}, "post", _athlete_body, (401, 403, 403, 201, 201)),
    ("athlete-detail", {"pk": ATH}, "get", None, (401, 200, 404, 200, 404)),
    (
        "athlete-detail",
        {"pk": ATH},
        "put",
        lambda w: {**_athlete_body(w), "username": w.athlete.user.username},
        (401, 403, 404, 200, 404),
    ),
    (
        "athlete-detail",
        {"pk": ATH},
        "patch",
        lambda w: {"time_zone": "UTC"},
        (401, 403, 404, 200, 404),
    ),
    # No delete: deactivate instead (is_active false).
    ("athlete-detail", {"pk": ATH}, "delete", None, (401, 405, 405, 405, 405)),
    ("athlete-calendar", {"pk": ATH}, "get", None, (401, 200, 404, 200, 404)),
    ("athlete-calendar", {"pk": ATH}, "post", None, (401, 200, 404, 200, 404)),
    ("week", {"pk": ATH, "week": WEEK}, "get", None, (401, 200, 404, 200, 404)),
    (
        "schedule-deadlift",
        {"pk": ATH, "week": WEEK},
        "post",
        lambda w: {"sets": 3},
        (401, 403, 404, 200, 404),
    ),
    ("publish-week", {"pk": ATH, "week": WEEK}, "post", None, (401, 403, 404, 200, 404)),
    (
        "apply-fix",
        {"pk": ATH, "week": WEEK},
        "post",
        lambda w: {"code": "deadlift.sets_out_of_range"},
        (401, 403, 404, 200, 404),
    ),
    ("schedule-roster", {"week": WEEK}, "post", None, (401, 403, 403, 200, 200)),
    ("violations", {}, "get", None, (401, 403, 403, 200, 200)),
    ("run-session-list", {}, "get", None, (401, 200, 200, 200, 200)),
    # Naming an athlete outside one's scope is a bad value (400), like an id that never was.
    ("run-session-list", {}, "post", _run_body, (401, 403, 403, 201, 400)),
    ("run-session-detail", {"pk": RUN}, "get", None, (401, 200, 404, 200, 404)),
    (
        "run-session-detail",
        {"pk": RUN},
        "put",
        lambda w: {**_run_body(w), "kind": "tempo"},
        (401, 403, 404, 200, 404),
    ),
    (
        "run-session-detail",
        {"pk": RUN},
        "patch",
        lambda w: {"notes": "Felt good"},
        (401, 200, 404, 200, 404),
    ),
    ("run-session-detail", {"pk": RUN}, "delete", None, (401, 403, 404, 204, 404)),
    ("lift-session-list", {}, "get", None, (401, 200, 200, 200, 200)),
    ("lift-session-list", {}, "post", _lift_body, (401, 403, 403, 201, 400)),
    ("lift-session-detail", {"pk": LIFT}, "get", None, (401, 200, 404, 200, 404)),
    (
        "lift-session-detail",
        {"pk": LIFT},
        "put",
        lambda w: {
            "athlete": w.athlete.pk,
            "exercise": "deadlift",
            "start": "2026-12-01T15:00:00Z",
        },
        (401, 403, 404, 200, 404),
    ),
    (
        "lift-session-detail",
        {"pk": LIFT},
        "patch",
        lambda w: {"status": "done"},
        (401, 200, 404, 200, 404),
    ),
    ("lift-session-detail", {"pk": LIFT}, "delete", None, (401, 403, 404, 204, 404)),
    ("log-set", {"pk": LIFT}, "post", _log_body, (401, 201, 404, 201, 404)),
    (
        "logged-set",
        {"pk": LIFT, "set_pk": SET},
        "patch",
        lambda w: {"reps": 4},
        (401, 200, 404, 200, 404),
    ),
    ("logged-set", {"pk": LIFT, "set_pk": SET}, "delete", None, (401, 200, 404, 200, 404)),
    ("template-list", {}, "get", None, COACH_ONLY_LIST),
    ("template-list", {}, "post", _template_body, (401, 403, 403, 201, 201)),
    ("template-detail", {"pk": TPL}, "get", None, COACH_ONLY_OBJECT),
    ("template-detail", {"pk": TPL}, "put", _template_body, COACH_ONLY_OBJECT),
    ("template-detail", {"pk": TPL}, "delete", None, (401, 403, 403, 204, 404)),
    ("template-copy", {"pk": TPL}, "post", lambda w: {"name": "Copy"}, (401, 403, 403, 201, 404)),
    ("template-preview", {"pk": TPL}, "post", _targets_body, COACH_ONLY_OBJECT),
    ("template-apply", {"pk": TPL}, "post", _targets_body, (401, 403, 403, 202, 404)),
    ("template-batch-list", {}, "get", None, COACH_ONLY_LIST),
    ("template-batch-detail", {"pk": BATCH}, "get", None, COACH_ONLY_OBJECT),
    ("template-application-list", {}, "get", None, COACH_ONLY_LIST),
    ("template-application-detail", {"pk": APP}, "get", None, COACH_ONLY_OBJECT),
    ("template-application-detail", {"pk": APP}, "delete", None, (401, 403, 403, 204, 404)),
    ("run-files", {"pk": ATH}, "post", _run_files_body, (401, 201, 404, 201, 404)),
]


def _resolve(w: World, kwargs: dict) -> dict:
    objects = {
        RUN: w.run.pk,
        LIFT: w.lift.pk,
        ATH: w.athlete.pk,
        SET: w.sets[0].pk,
        TPL: w.template.pk,
        BATCH: w.batch.pk,
        APP: w.application.pk,
    }
    return {key: objects.get(value, value) for key, value in kwargs.items()}


CASES = [
    pytest.param(
        name, kwargs, method, body, caller, expected[i], id=f"{method.upper()} {name} as {caller}"
    )
    for name, kwargs, method, body, expected in TABLE
    for i, caller in enumerate(CALLERS)
]


@pytest.mark.parametrize(("name", "kwargs", "method", "body", "caller", "expected"), CASES)
def test_permission_matrix(world, name, kwargs, method, body, caller, expected):
    client = client_for(world.user(caller))
    url = reverse(f"api:{name}", kwargs=_resolve(world, kwargs))
    data = body(world) if body else None
    body_format = "multipart" if isinstance(data, Multipart) else "json"
    response = getattr(client, method)(url, data=data, format=body_format)
    assert response.status_code == expected, response.content
    if expected != 204:
        assert response["Content-Type"] == "application/json"
        assert isinstance(response.json(), dict)


def _api_patterns(patterns=None, prefix=""):
    for pattern in api_urls.urlpatterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from _api_patterns(pattern.url_patterns, prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield pattern


def _methods(pattern: URLPattern) -> set[str]:
    callback = pattern.callback
    actions = getattr(callback, "actions", None)
    if actions:  # a viewset route: its methods are those mapped to actions
        return set(actions) - {"head", "options"}
    view_class = callback.view_class  # type: ignore[attr-defined]  # set by as_view()
    return {m for m in ("get", "post", "put", "patch", "delete") if hasattr(view_class, m)}


def test_the_table_covers_every_endpoint_and_method():
    in_table = {(name, method) for name, _, method, _, _ in TABLE}
    served = {(pattern.name, method) for pattern in _api_patterns() for method in _methods(pattern)}
    # Deleting an athlete is not served (405), but listed so the 405 stays a decision.
    assert served - in_table == set()
    assert in_table - served == {("athlete-detail", "delete")}


def test_an_unknown_api_address_is_a_json_404(world):
    response = client_for(world.coach.user).get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json() == {"detail": "No such endpoint."}
