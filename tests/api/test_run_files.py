"""POST /api/v1/athletes/<id>/run-files/: multipart, several files, a result per file; the
status says whether anything was imported. (Who may: tests/api/test_permissions.py.)"""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, assume, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.api.conftest import client_for
from tests.workouts.run_file_factory import fit_file, gpx_file, tcx_file
from workouts.models import RunFile, RunSession

# Monday 2 November 2026, 07:00 UTC: long past on any clock the suite runs under.
START = datetime(2026, 11, 2, 7, tzinfo=UTC)


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def post(world, files, user=None):
    client = client_for(user or world.athlete.user)
    url = reverse("api:run-files", args=[world.athlete.pk])
    return client.post(url, {"files": files}, format="multipart")


def test_the_answer_lists_each_files_result_in_order(world, django_assert_max_num_queries):
    planned = world.run  # Tuesday 1 December 06:00 UTC, an interval run
    files = [
        upload("ride.fit", fit_file(START, sport="cycling")),
        upload("mon.gpx", gpx_file(START, minutes=30)),
        upload("again.gpx", gpx_file(START, minutes=30)),
    ]
    # The token and the athlete, then the import's own, then the answer's.
    with django_assert_max_num_queries(14):
        response = post(world, files)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["imported"], body["ignored"], body["rejected"]) == (1, 1, 1)
    ride, monday, again = body["results"]
    assert ride == {
        "filename": "ride.fit",
        "status": "rejected",
        "message": "ride.fit: the activity is 'cycling', not a run.",
        "unplanned": False,
        "run": None,
    }
    assert monday["status"] == "imported" and monday["unplanned"] is True
    run = RunSession.objects.get(pk=monday["run"]["id"])
    assert monday["run"] == {
        "id": run.pk,
        "athlete": world.athlete.pk,
        "kind": "easy",
        "start": "2026-11-02T07:00:00+00:00",
        "duration_minutes": 30,
        "status": "done",
        "actual_start": "2026-11-02T07:00:00+00:00",
        "actual_duration_minutes": 30,
        "notes": "",
        "distance_km": float(run.distance_km or 0),
        "unplanned": True,
        "missed": False,
        # Nobody planned it: there was no plan to follow, so no compliance colour.
        "compliance": None,
    }
    assert again == {
        "filename": "again.gpx",
        "status": "ignored",
        "message": "again.gpx: the same file is earlier in this upload.",
        "unplanned": False,
        "run": None,
    }
    planned.refresh_from_db()
    assert planned.status == "planned"


def test_a_planned_run_is_matched_by_the_coach_too(world):
    # The world's run is on Tuesday 1 December: the file is uploaded the day after.
    with time_machine.travel(datetime(2026, 12, 2, 12, tzinfo=UTC), tick=True):
        response = post(
            world,
            [upload("tue.tcx", tcx_file(world.run.start + timedelta(minutes=20)))],
            user=world.coach.user,
        )
    assert response.status_code == 201
    [result] = response.json()["results"]
    assert (result["run"]["id"], result["unplanned"]) == (world.run.pk, False)
    assert result["run"]["actual_start"] == "2026-12-01T06:20:00+00:00"


def test_only_duplicates_is_200(world):
    content = fit_file(START)
    assert post(world, [upload("a.fit", content)]).status_code == 201
    response = post(world, [upload("a.fit", content)])
    assert response.status_code == 200
    assert response.json()["results"][0]["status"] == "ignored"


def test_nothing_imported_and_a_bad_file_is_400_with_the_results(world):
    response = post(world, [upload("empty.fit", b""), upload("x.gpx", b"<html/>")])
    assert response.status_code == 400
    body = response.json()
    assert (body["imported"], body["rejected"]) == (0, 2)
    assert [r["message"] for r in body["results"]] == [
        "empty.fit: the file is empty.",
        "x.gpx: this is not a FIT, GPX or TCX file.",
    ]
    assert not RunFile.objects.exists()


def test_no_files_is_400_on_the_field(world):
    response = post(world, [])
    assert response.status_code == 400
    assert response.json() == {"files": ["Choose at least one run file."]}


def test_json_is_415(world):
    client = client_for(world.athlete.user)
    url = reverse("api:run-files", args=[world.athlete.pk])
    response = client.post(url, {"files": []}, format="json")
    assert response.status_code == 415
    assert "detail" in response.json()


def test_an_upload_over_the_total_limit_is_413(world, settings):
    settings.RUN_UPLOAD_MAX_BYTES = 500
    response = post(world, [upload("a.gpx", gpx_file(START) * 2)])
    assert response.status_code == 413
    assert response.json() == {
        "detail": "One upload may hold at most 500 bytes; send fewer files at once."
    }
    assert not RunFile.objects.exists()


def test_more_files_than_allowed_is_400(world, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    files = [upload(f"{i}.fit", fit_file(START + timedelta(days=i))) for i in range(3)]
    response = post(world, files)
    assert response.status_code == 400
    assert response.json() == {
        "files": ["The number of files exceeded settings.DATA_UPLOAD_MAX_NUMBER_FILES."]
    }
    assert not RunFile.objects.exists()


def test_a_hundred_files_in_one_call(world):
    files = [
        upload(f"{i}.fit", fit_file(START - timedelta(days=i), minutes=20 + i % 30))
        for i in range(100)
    ]
    response = post(world, files)
    assert response.status_code == 201
    assert response.json()["imported"] == 100
    assert RunFile.objects.filter(athlete=world.athlete).count() == 100


@pytest.mark.django_db
@hypothesis_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    content=st.one_of(
        st.binary(max_size=300),
        st.binary(max_size=200).map(lambda junk: fit_file(START)[:40] + junk),
        st.binary(max_size=200).map(lambda junk: gpx_file(START)[:120] + junk),
        st.integers(min_value=1, max_value=200).map(lambda cut: tcx_file(START)[:-cut]),
    ),
    name=st.text(max_size=40),
)
def test_fuzzed_files_never_fail_the_request(world, content, name):
    try:
        sent = upload(name, content)
    except SuspiciousFileOperation:
        assume(False)  # a name the test client itself refuses to send ("", ".", "a/")
    response = post(world, [sent])
    assert response.status_code in (200, 201, 400), response.content
    body = response.json()
    if "results" in body:
        assert body["results"][0]["status"] in ("imported", "ignored", "rejected")
