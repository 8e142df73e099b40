"""Plan templates over the API: the document (CRUD, copy), preview, apply as a background batch
(202 and the batch to poll), the batch's progress and result, applications and undo. The
clock is set: Wednesday 2 December 2026 (2026-W49), noon UTC; the block starts in 2026-W50."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from plan_templates.models import (
    AppliedLift,
    AppliedRun,
    ApplyBatch,
    PlanTemplate,
    TemplateApplication,
)
from plan_templates.tasks import apply_batch
from plans.models import PlanStatus, WeeklyPlan
from tests.api.conftest import client_for, make_template
from tests.factories import AthleteFactory
from workouts.models import LiftSession, RunSession, SessionStatus

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
ZONES = ("Europe/Berlin", "America/New_York", "Pacific/Auckland")


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def document(**changes) -> dict:
    """One week: Tuesday 07:00 intervals, Thursday 18:00 easy, Saturday 05:00 easy (before the
    default 06:00-21:00 window: reported), and a 4 x 3 deadlift."""
    return {
        "name": "Base block",
        "description": "One week of base",
        "weeks": 1,
        "week_list": [
            {
                "number": 1,
                "has_deadlift": True,
                "deadlift_sets": 4,
                "deadlift_reps": 3,
                "runs": [
                    {
                        "weekday": 1,
                        "start_time": "07:00",
                        "kind": "interval",
                        "duration_minutes": 60,
                        "distance_km": 10.5,
                    },
                    {
                        "weekday": 3,
                        "start_time": "18:00",
                        "kind": "easy",
                        "duration_minutes": 45,
                        "distance_km": None,
                    },
                    {
                        "weekday": 5,
                        "start_time": "05:00",
                        "kind": "easy",
                        "duration_minutes": 30,
                        "distance_km": 5,
                    },
                ],
            }
        ],
        **changes,
    }


@pytest.fixture
def coach_api(world):
    return client_for(world.coach.user)


@pytest.fixture
def template(world, coach_api):
    response = coach_api.post("/api/v1/templates/", document(), format="json")
    assert response.status_code == 201, response.content
    return PlanTemplate.objects.get(pk=response.json()["id"])


@pytest.fixture
def three(world):
    """Three athletes of the coach in three time zones."""
    return [AthleteFactory(coach=world.coach, time_zone=zone) for zone in ZONES]


def targets(athletes, week="2026-W50") -> list[dict]:
    return [{"athlete": a.pk, "start_week": week} for a in athletes]


def rows() -> dict[str, int]:
    return {
        "runs": RunSession.objects.count(),
        "lifts": LiftSession.objects.count(),
        "plans": WeeklyPlan.objects.count(),
        "templates": PlanTemplate.objects.count(),
        "applications": TemplateApplication.objects.count(),
        "batches": ApplyBatch.objects.count(),
        "tasks": DBTaskResult.objects.count(),
    }


# ---------------------------------------------------------------------------- the document


def test_create_answers_the_whole_document(world, coach_api):
    response = coach_api.post("/api/v1/templates/", document(), format="json")
    assert response.status_code == 201
    body = response.json()
    assert body == {
        "id": body["id"],
        "name": "Base block",
        "description": "One week of base",
        "weeks": 1,
        "week_list": [
            {
                "number": 1,
                "has_deadlift": True,
                "deadlift_sets": 4,
                "deadlift_reps": 3,
                "runs": [
                    {
                        "weekday": 1,
                        "start_time": "07:00",
                        "kind": "interval",
                        "duration_minutes": 60,
                        "distance_km": 10.5,
                    },
                    {
                        "weekday": 3,
                        "start_time": "18:00",
                        "kind": "easy",
                        "duration_minutes": 45,
                        "distance_km": None,
                    },
                    {
                        "weekday": 5,
                        "start_time": "05:00",
                        "kind": "easy",
                        "duration_minutes": 30,
                        "distance_km": 5.0,
                    },
                ],
            }
        ],
        "applications": 0,
        "created_at": "2026-12-02T12:00:00+00:00",
        "updated_at": "2026-12-02T12:00:00+00:00",
    }
    assert coach_api.get(f"/api/v1/templates/{body['id']}/").json() == body


def test_put_replaces_the_document_whole(world, coach_api, template):
    changed = document(name="Build block", weeks=2)
    changed["week_list"][0]["runs"] = changed["week_list"][0]["runs"][:1]
    changed["week_list"].append({"number": 2, "has_deadlift": False, "runs": []})
    response = coach_api.put(f"/api/v1/templates/{template.pk}/", changed, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["name"] == "Build block" and body["weeks"] == 2
    assert [len(w["runs"]) for w in body["week_list"]] == [1, 0]
    assert [w["has_deadlift"] for w in body["week_list"]] == [True, False]
    assert body["week_list"][1]["deadlift_sets"] == 3  # the default, unused


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        (
            {"weeks": 1, "week_list": [{"number": 2, "has_deadlift": False, "runs": []}]},
            {"week_list.0.number": ["The template has 1 weeks, not 2."]},
        ),
        ({"weeks": 27}, {"weeks": ["Ensure this value is less than or equal to 26."]}),
        ({"weeks": 0}, {"weeks": ["Ensure this value is greater than or equal to 1."]}),
        ({"name": ""}, {"name": ["This field may not be blank."]}),
        (
            {
                "week_list": [
                    {"number": 1, "has_deadlift": True, "deadlift_sets": 5, "runs": []},
                ]
            },
            {
                "week_list": {
                    "0": {"deadlift_sets": ["Ensure this value is less than or equal to 4."]}
                }
            },
        ),
        (
            {
                "week_list": [
                    {
                        "number": 1,
                        "has_deadlift": True,
                        "runs": [
                            {
                                "weekday": 7,
                                "start_time": "25:00",
                                "kind": "sprint",
                                "duration_minutes": 0,
                            }
                        ],
                    }
                ]
            },
            {
                "week_list": {
                    "0": {
                        "runs": {
                            "0": {
                                "weekday": ["Ensure this value is less than or equal to 6."],
                                "start_time": [
                                    "Time has wrong format. Use one of these formats instead: "
                                    "hh:mm, hh:mm:ss."
                                ],
                                "kind": ['"sprint" is not a valid choice.'],
                                "duration_minutes": [
                                    "Ensure this value is greater than or equal to 1."
                                ],
                            }
                        }
                    }
                }
            },
        ),
    ],
    ids=[
        "a week past the block",
        "27 weeks",
        "no weeks",
        "no name",
        "5 sets",
        "a run that is wrong in every field",
    ],
)
def test_a_bad_document_is_400_on_the_field_and_writes_nothing(
    world, coach_api, template, change, errors
):
    before = rows()
    response = coach_api.put(f"/api/v1/templates/{template.pk}/", document(**change), format="json")
    assert response.status_code == 400
    assert response.json() == errors
    assert rows() == before
    assert coach_api.get(f"/api/v1/templates/{template.pk}/").json()["name"] == "Base block"


def test_a_name_the_coach_has_already_is_400(world, coach_api, template):
    response = coach_api.post("/api/v1/templates/", document(), format="json")
    assert response.status_code == 400
    assert response.json() == {"name": ["You have a template named 'Base block' already."]}


def test_copy_and_delete(world, coach_api, template):
    response = coach_api.post(
        f"/api/v1/templates/{template.pk}/copy/", {"name": "Base block 2"}, format="json"
    )
    assert response.status_code == 201
    copied = response.json()
    original = coach_api.get(f"/api/v1/templates/{template.pk}/").json()
    assert copied["week_list"] == original["week_list"] and copied["id"] != template.pk
    assert coach_api.delete(f"/api/v1/templates/{template.pk}/").status_code == 204
    assert coach_api.get(f"/api/v1/templates/{template.pk}/").status_code == 404


def test_the_list_is_the_coachs_own_in_a_fixed_number_of_queries(world, coach_api, template):
    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = coach_api.get("/api/v1/templates/")
        assert response.status_code == 200
        return len(captured)

    few = count()
    for n in range(6):
        make_template(world.coach, name=f"Block {n}", weeks=3)
    make_template(world.other_coach, name="Theirs")
    # the token, the count, the page, its weeks, their runs
    assert count() == few == 5
    names = [t["name"] for t in coach_api.get("/api/v1/templates/").json()["results"]]
    assert names == ["Base block", *[f"Block {n}" for n in range(6)]] or sorted(names) == names
    assert "Theirs" not in names and len(names) == 8


# ---------------------------------------------------------------------------- preview


def test_preview_shows_each_athlete_in_their_own_zone_and_writes_nothing(
    world, coach_api, template, three
):
    before = rows()
    response = coach_api.post(
        f"/api/v1/templates/{template.pk}/preview/", {"targets": targets(three)}, format="json"
    )
    assert response.status_code == 200, response.content
    assert rows() == before
    body = response.json()
    assert body["template"] == template.pk
    assert [a["athlete"] for a in body["athletes"]] == [a.pk for a in three]
    for athlete, zone in zip(body["athletes"], ZONES, strict=True):
        assert athlete["time_zone"] == zone
        assert athlete["already_applied"] is False and athlete["error"] == ""
        (week,) = athlete["weeks"]
        assert week["week"] == "2026-W50"
        # The template's local clock times, in each athlete's zone.
        assert [(r["day"], r["local_start"][11:16]) for r in week["created"]] == [
            ("2026-12-08", "07:00"),
            ("2026-12-10", "18:00"),
        ]
        assert [(r["label"], r["reason"]) for r in week["reported"]] == [
            ("Sat 05:00 easy run", "outside_window")
        ]
        deadlift = week["deadlift"]
        assert deadlift["outcome"] == "placed" and (deadlift["sets"], deadlift["reps"]) == (4, 3)
        # On the hard day (Tuesday, local), 6 h or more after the intervals.
        assert deadlift["local_start"].startswith("2026-12-08T")
        assert deadlift["local_start"][11:16] >= "14:00"
        assert deadlift["start"].endswith("+00:00")
    offsets = {a["weeks"][0]["created"][0]["local_start"][-6:] for a in body["athletes"]}
    assert offsets == {"+01:00", "-05:00", "+13:00"}


@pytest.mark.parametrize(
    ("sent", "errors"),
    [
        ({"targets": []}, {"targets": ["Ensure this field has at least 1 elements."]}),
        (
            {"targets": [{"athlete": 1, "start_week": "2026-W54"}]},
            {"targets": {"0": {"start_week": ["2026 has no ISO week 54."]}}},
        ),
        ({}, {"targets": ["This field is required."]}),
    ],
    ids=["no targets", "no such week", "nothing"],
)
def test_a_bad_preview_request_is_400(world, coach_api, template, sent, errors):
    response = coach_api.post(f"/api/v1/templates/{template.pk}/preview/", sent, format="json")
    assert response.status_code == 400
    assert response.json() == errors


def test_athletes_outside_the_roster_or_named_twice_are_400(world, coach_api, template):
    sent = {
        "targets": [
            {"athlete": world.athlete.pk, "start_week": "2026-W50"},
            {"athlete": world.stranger.pk, "start_week": "2026-W50"},
            {"athlete": world.athlete.pk, "start_week": "2026-W51"},
        ]
    }
    before = rows()
    for action in ("preview", "apply"):
        response = coach_api.post(f"/api/v1/templates/{template.pk}/{action}/", sent, format="json")
        assert response.status_code == 400
        assert response.json() == {
            "targets": [
                {},
                {"athlete": ["No such athlete on your roster."]},
                {"athlete": ["This athlete is named twice; name each once."]},
            ]
        }
    assert rows() == before


# ---------------------------------------------------------------------------- apply


def test_apply_answers_202_with_the_batch_to_poll(world, coach_api, template, three):
    response = coach_api.post(
        f"/api/v1/templates/{template.pk}/apply/",
        {"targets": targets(three), "publish_days_before": 3},
        format="json",
    )
    assert response.status_code == 202, response.content
    body = response.json()
    batch = ApplyBatch.objects.get(pk=body["id"])
    assert (
        response["Location"]
        == body["url"]
        == (f"http://testserver/api/v1/template-batches/{batch.pk}/")
    )
    assert body == {
        "id": batch.pk,
        "url": body["url"],
        "template": template.pk,
        "status": "queued",
        "athletes_total": 3,
        "athletes_done": 0,
        "publish_days_before": 3,
        "targets": targets(three),
        "result": None,
        "error": "",
        "created_at": "2026-12-02T12:00:00+00:00",
        "finished_at": None,
    }
    # Queued on the database, nothing applied yet.
    task = DBTaskResult.objects.get()
    assert str(task.id) == batch.task_id and task.task_path == "plan_templates.tasks.apply_batch"
    assert task.args_kwargs == {"args": [batch.pk], "kwargs": {}}
    assert not TemplateApplication.objects.filter(batch=batch).exists()


def test_the_batch_shows_the_result_once_the_task_ran(world, coach_api, template, three):
    response = coach_api.post(
        f"/api/v1/templates/{template.pk}/apply/", {"targets": targets(three)}, format="json"
    )
    batch_id = response.json()["id"]
    apply_batch.call(batch_id)
    body = coach_api.get(f"/api/v1/template-batches/{batch_id}/").json()
    assert body["status"] == "done" and body["athletes_done"] == 3 and body["error"] == ""
    assert body["finished_at"] == "2026-12-02T12:00:00+00:00"
    assert [(r["athlete"], r["status"], r["runs_created"]) for r in body["result"]] == [
        (a.pk, "applied", 2) for a in three
    ]
    assert {r["runs_reported"][0]["reason"] for r in body["result"]} == {"outside_window"}
    assert {r["deadlifts"][0]["outcome"] for r in body["result"]} == {"placed"}
    # Every week's deadlift placed, per athlete, with the template's 4 x 3 working sets.
    for athlete in three:
        (lift,) = LiftSession.objects.filter(athlete=athlete)
        assert lift.sets.filter(is_warmup=False).count() == 4
        assert {s.target_reps for s in lift.sets.filter(is_warmup=False)} == {3}
        assert WeeklyPlan.objects.get(athlete=athlete).status == PlanStatus.DRAFT
    # Applying again changes nothing: "already applied".
    again = coach_api.post(
        f"/api/v1/templates/{template.pk}/apply/", {"targets": targets(three)}, format="json"
    ).json()["id"]
    before = rows()
    apply_batch.call(again)
    after = coach_api.get(f"/api/v1/template-batches/{again}/").json()
    assert {r["status"] for r in after["result"]} == {"already_applied"}
    assert rows() == before


def test_a_failed_batch_says_why_and_applies_nothing(world, coach_api, template, three):
    batch_id = coach_api.post(
        f"/api/v1/templates/{template.pk}/apply/", {"targets": targets(three)}, format="json"
    ).json()["id"]
    # Stored targets no release of the app can read: the task stops before applying anyone.
    ApplyBatch.objects.filter(pk=batch_id).update(
        targets=[*targets(three[:2]), {"athlete": three[2].pk, "start_week": "someday"}]
    )
    before = rows()
    with pytest.raises(ValueError, match="someday"):
        apply_batch.call(batch_id)
    body = coach_api.get(f"/api/v1/template-batches/{batch_id}/").json()
    assert body["status"] == "failed" and body["result"] is None
    assert body["error"].startswith("InvalidWeek: 'someday' is not an ISO week")
    assert "0 of 3 athletes were applied whole before it" in body["error"]
    assert rows() == before


def test_batches_list_newest_first_in_a_fixed_number_of_queries(world, coach_api, template):
    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = coach_api.get("/api/v1/template-batches/")
        assert response.status_code == 200
        return len(captured)

    few = count()
    for _ in range(5):
        coach_api.post(
            f"/api/v1/templates/{template.pk}/apply/",
            {"targets": targets([world.athlete])},
            format="json",
        )
    ApplyBatch.objects.create(
        coach=world.other_coach, template=make_template(world.other_coach), targets=[]
    )
    assert count() == few == 3  # the token, the count, the page
    ids = [b["id"] for b in coach_api.get("/api/v1/template-batches/").json()["results"]]
    assert ids == sorted(ids, reverse=True) and len(ids) == 6


# ---------------------------------------------------------------------------- applications


@pytest.fixture
def applied(world, coach_api, template, three):
    batch_id = coach_api.post(
        f"/api/v1/templates/{template.pk}/apply/", {"targets": targets(three)}, format="json"
    ).json()["id"]
    apply_batch.call(batch_id)
    return TemplateApplication.objects.filter(batch_id=batch_id).order_by("athlete_id")


def test_applications_list_with_what_each_created(world, coach_api, template, three, applied):
    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = coach_api.get("/api/v1/template-applications/", {"template": template.pk})
        assert response.status_code == 200
        return len(captured)

    body = coach_api.get("/api/v1/template-applications/", {"template": template.pk}).json()
    assert body["count"] == 3
    first = next(a for a in body["results"] if a["athlete"] == three[0].pk)
    assert first == {
        "id": applied[0].pk,
        "template": template.pk,
        "athlete": three[0].pk,
        "start_week": "2026-W50",
        "publish_days_before": None,
        "batch": applied[0].batch_id,
        "runs": 2,
        "lifts": 1,
        "created_at": "2026-12-02T12:00:00+00:00",
    }
    assert count() == 3  # the token, the count, the page with its counts
    # The World's application is another template's.
    everything = coach_api.get("/api/v1/template-applications/").json()
    assert everything["count"] == 4
    other = client_for(world.other_coach.user).get("/api/v1/template-applications/").json()
    assert other["count"] == 0


def test_undo_removes_what_the_application_created(world, coach_api, three, applied):
    application = applied[0]
    runs = list(AppliedRun.objects.filter(application=application).values_list("run", flat=True))
    lifts = list(AppliedLift.objects.filter(application=application).values_list("lift", flat=True))
    response = coach_api.delete(f"/api/v1/template-applications/{application.pk}/")
    assert response.status_code == 204
    assert not RunSession.objects.filter(pk__in=runs).exists()
    assert not LiftSession.objects.filter(pk__in=lifts).exists()
    assert not TemplateApplication.objects.filter(pk=application.pk).exists()
    # The others' stay.
    assert RunSession.objects.filter(athlete=three[1]).count() == 2


def test_undo_is_409_with_the_reason_once_something_is_logged(world, coach_api, three, applied):
    application = applied[0]
    lift = LiftSession.objects.get(applied__application=application)
    logged = lift.sets.filter(is_warmup=False).order_by("order")[0]
    logged.reps, logged.load_kg, logged.rir = 3, Decimal("100"), 1
    logged.save()
    RunSession.objects.filter(applied__application=application, kind="interval").update(
        status=SessionStatus.DONE
    )
    before = rows()
    response = coach_api.delete(f"/api/v1/template-applications/{application.pk}/")
    assert response.status_code == 409
    assert response.json() == {
        "detail": "Cannot undo: 1 of its runs is done and 1 of its deadlifts has logged sets. "
        "Logged training is history; remove the sessions that are not logged by hand."
    }
    assert rows() == before


def test_another_coachs_template_batch_and_application_are_404(world, applied):
    other = client_for(world.other_coach.user)
    application = applied[0]
    for method, url in [
        ("get", f"/api/v1/templates/{application.template_id}/"),
        ("post", f"/api/v1/templates/{application.template_id}/copy/"),
        ("get", f"/api/v1/template-batches/{application.batch_id}/"),
        ("get", f"/api/v1/template-applications/{application.pk}/"),
        ("delete", f"/api/v1/template-applications/{application.pk}/"),
    ]:
        response = getattr(other, method)(url, {"name": "x"} if method == "post" else None)
        assert response.status_code == 404, url
    assert TemplateApplication.objects.filter(pk=application.pk).exists()


# ---------------------------------------------------------------------------- the rollout


def test_apply_with_a_rollout_queues_a_publish_at_each_weeks_instant(world, coach_api, three):
    response = coach_api.post(
        "/api/v1/templates/",
        document(name="Two weeks", weeks=2),
        format="json",
    )
    template_id = response.json()["id"]
    batch_id = coach_api.post(
        f"/api/v1/templates/{template_id}/apply/",
        {"targets": targets(three), "publish_days_before": 2},
        format="json",
    ).json()["id"]
    apply_batch.call(batch_id)
    queued = DBTaskResult.objects.filter(task_path="plan_templates.tasks.publish_due_task")
    # 00:00 local on the Saturday before each of the two weeks, in each of the three zones.
    assert sorted(task.run_after for task in queued) == [
        datetime(2026, 12, 4, 11, 0, tzinfo=UTC),  # Auckland (UTC+13)
        datetime(2026, 12, 4, 23, 0, tzinfo=UTC),  # Berlin (UTC+1)
        datetime(2026, 12, 5, 5, 0, tzinfo=UTC),  # New York (UTC-5)
        datetime(2026, 12, 11, 11, 0, tzinfo=UTC),
        datetime(2026, 12, 11, 23, 0, tzinfo=UTC),
        datetime(2026, 12, 12, 5, 0, tzinfo=UTC),
    ]


def test_a_batch_whose_template_was_deleted_before_the_worker_came_does_nothing(
    world, coach_api, template, three
):
    batch_id = coach_api.post(
        f"/api/v1/templates/{template.pk}/apply/", {"targets": targets(three)}, format="json"
    ).json()["id"]
    assert coach_api.delete(f"/api/v1/templates/{template.pk}/").status_code == 204
    before = rows()
    assert apply_batch.call(batch_id) == {"status": "gone"}
    assert rows() == before


def test_preview_and_apply_cost_the_same_queries_for_one_athlete_or_many(
    world, coach_api, template
):
    many = [AthleteFactory(coach=world.coach, time_zone=ZONES[n % 3]) for n in range(12)]

    def count(action: str, athletes) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = coach_api.post(
                f"/api/v1/templates/{template.pk}/{action}/",
                {"targets": targets(athletes)},
                format="json",
            )
        assert response.status_code in (200, 202)
        return len(captured)

    assert count("preview", many[:1]) == count("preview", many)
    assert count("apply", many[:1]) == count("apply", many)
