"""Uploading run files on the athlete's phone (/me/runs/upload/) and on the coach's week
(/athletes/<id>/week/<week>/run-files/): who may, the form, the results per file, the limits."""

import re
from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from plans.models import PlanStatus, WeeklyPlan
from tests.factories import AthleteFactory, CoachFactory, RunSessionFactory
from tests.workouts.run_file_factory import fit_file, gpx_file, tcx_file
from workouts.models import RunFile, RunKind, RunSession, SessionStatus

pytestmark = pytest.mark.django_db

# Tuesday 3 November 2026, 07:05 in Berlin: long past on any clock the suite runs under.
START = datetime(2026, 11, 3, 6, 5, tzinfo=UTC)
WEEK = "2026-W45"
PHONE = reverse("workouts:phone_upload_runs")


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def coach_url(athlete, week=WEEK) -> str:
    return reverse("workouts:run_files", args=[athlete.pk, week])


@pytest.fixture
def athlete_client(client, athlete):
    client.force_login(athlete.user)
    return client


@pytest.fixture
def coach_client(coach):
    client = Client()
    client.force_login(coach.user)
    return client


@pytest.fixture
def planned(athlete):
    run = RunSessionFactory(athlete=athlete, kind=RunKind.INTERVAL, start=START)
    WeeklyPlan.objects.filter(pk=run.plan_id).update(
        status=PlanStatus.PUBLISHED, published_at=START
    )
    return run


# ---------------------------------------------------------------------------- the phone


def test_the_phone_form_takes_several_run_files_without_javascript(athlete_client):
    html = athlete_client.get(PHONE).content.decode()
    found = re.search(r"<form[^>]*multipart[^>]*>", html)
    assert found is not None
    form = found.group(0)
    assert 'method="post"' in form and 'enctype="multipart/form-data"' in form
    assert re.search(
        r'<input id="files" name="files" type="file" multiple accept=".fit,.gpx,.tcx"', html
    )
    assert 'name="csrfmiddlewaretoken"' in html


def test_today_and_the_week_link_to_the_upload(athlete_client):
    for page in ("workouts:phone_today", "workouts:phone_this_week"):
        assert PHONE in athlete_client.get(reverse(page)).content.decode()


def test_the_athlete_uploads_and_sees_each_files_result(athlete_client, planned):
    response = athlete_client.post(
        PHONE,
        {
            "files": [
                upload("tue.fit", fit_file(START.replace(minute=15), minutes=50)),
                upload("notes.fit", b"not a run"),
                upload("wed.gpx", gpx_file(START.replace(day=4))),
            ]
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    statuses = re.findall(r'data-status="(\w+)"', html)
    assert statuses == ["imported", "rejected", "imported"]
    assert "notes.fit: this is not a FIT, GPX or TCX file." in html
    assert "tue.fit: the interval run planned for Tue 03 Nov 07:05, done Tue 03 Nov 07:15" in html
    # The matched run is in a published week: the page links to it.
    assert reverse("workouts:phone_run", args=[planned.pk]) in html
    planned.refresh_from_db()
    assert planned.status == SessionStatus.DONE and planned.actual_duration_minutes == 50
    assert RunFile.objects.filter(athlete=planned.athlete).count() == 2


def test_no_file_chosen_is_400_and_writes_nothing(athlete_client):
    response = athlete_client.post(PHONE, {})
    assert response.status_code == 400
    assert "Choose at least one run file." in response.content.decode()
    assert not RunSession.objects.exists()


def test_an_upload_over_the_total_limit_is_413_and_not_read(athlete_client, settings):
    settings.RUN_UPLOAD_MAX_BYTES = 1000
    response = athlete_client.post(PHONE, {"files": [upload("a.gpx", gpx_file(START) * 3)]})
    assert response.status_code == 413
    assert "One upload may hold at most" in response.content.decode()
    assert not RunFile.objects.exists()


def test_a_file_over_the_file_limit_is_rejected_by_name_and_the_other_imported(
    athlete_client, settings
):
    small = fit_file(START)
    settings.RUN_FILE_MAX_BYTES = len(small)
    response = athlete_client.post(
        PHONE,
        {"files": [upload("big.tcx", tcx_file(START.replace(day=5))), upload("small.fit", small)]},
    )
    html = response.content.decode()
    assert re.findall(r'data-status="(\w+)"', html) == ["rejected", "imported"]
    assert f"big.tcx: the file is larger than the limit of {len(small)} bytes." in html


def test_more_files_than_allowed_is_400(athlete_client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    files = [upload(f"{i}.fit", fit_file(START.replace(day=3 + i))) for i in range(3)]
    response = athlete_client.post(PHONE, {"files": files})
    assert response.status_code == 400
    assert "Send at most 2 files at once." in response.content.decode()
    assert not RunFile.objects.exists()


def test_the_phone_upload_needs_the_csrf_token(athlete):
    client = Client(enforce_csrf_checks=True)
    client.force_login(athlete.user)
    response = client.post(PHONE, {"files": [upload("a.fit", fit_file(START))]})
    assert response.status_code == 403
    assert not RunFile.objects.exists()


def test_a_coach_gets_403_on_the_phone_upload(coach_client):
    assert coach_client.get(PHONE).status_code == 403
    assert (
        coach_client.post(PHONE, {"files": [upload("a.fit", fit_file(START))]}).status_code == 403
    )
    assert not RunFile.objects.exists()


def test_anonymous_is_sent_to_log_in(client):
    response = client.post(PHONE, {"files": [upload("a.fit", fit_file(START))]})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


# ---------------------------------------------------------------------------- the coach's week


def test_the_week_page_links_to_the_upload(coach_client, athlete):
    html = coach_client.get(reverse("plans:athlete_week", args=[athlete.pk, WEEK])).content
    assert coach_url(athlete).encode() in html


def test_the_coach_uploads_for_an_athlete(coach_client, athlete, planned):
    response = coach_client.post(
        coach_url(athlete),
        {"files": [upload("tue.tcx", tcx_file(START)), upload("tue.fit", fit_file(START))]},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert re.findall(r'data-status="(\w+)"', html) == ["imported", "ignored"]
    assert "tue.fit: a file earlier in this upload starts at the same moment." in html
    assert reverse("workouts:run_edit", args=[athlete.pk, planned.pk]) in html
    assert reverse("plans:athlete_week", args=[athlete.pk, WEEK]) in html


def test_the_coach_changes_an_unplanned_runs_kind_on_its_page(coach_client, athlete):
    coach_client.post(coach_url(athlete), {"files": [upload("a.fit", fit_file(START))]})
    run = RunSession.objects.get(athlete=athlete)
    assert run.kind == RunKind.EASY
    edit = reverse("workouts:run_edit", args=[athlete.pk, run.pk])
    form = coach_client.get(edit).context["form"]
    data = {**{name: form[name].value() for name in form.fields}, "kind": RunKind.TEMPO}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    response = coach_client.post(edit, data)
    assert response.status_code == 302, response.content
    run.refresh_from_db()
    assert (run.kind, run.status, run.actual_start) == (RunKind.TEMPO, SessionStatus.DONE, START)


def test_another_coachs_athlete_is_404_and_an_athlete_403(athlete):
    other = Client()
    other.force_login(CoachFactory().user)
    assert other.get(coach_url(athlete)).status_code == 404
    response = other.post(coach_url(athlete), {"files": [upload("a.fit", fit_file(START))]})
    assert response.status_code == 404
    own = Client()
    own.force_login(athlete.user)
    assert own.get(coach_url(athlete)).status_code == 403
    assert not RunFile.objects.exists()


def test_the_coach_upload_without_a_file_is_400(coach_client, athlete):
    response = coach_client.post(coach_url(athlete), {})
    assert response.status_code == 400
    assert "Choose at least one run file." in response.content.decode()


def test_the_coach_upload_needs_the_csrf_token(coach, athlete):
    client = Client(enforce_csrf_checks=True)
    client.force_login(coach.user)
    response = client.post(coach_url(athlete), {"files": [upload("a.fit", fit_file(START))]})
    assert response.status_code == 403


def test_a_week_name_that_is_no_week_is_404(coach_client, athlete):
    assert coach_client.get(f"/athletes/{athlete.pk}/week/2026-W60/run-files/").status_code == 404


def test_other_athletes_of_the_coach_are_untouched(coach_client, athlete, coach):
    sibling = AthleteFactory(coach=coach)
    coach_client.post(coach_url(athlete), {"files": [upload("a.fit", fit_file(START))]})
    assert not RunSession.objects.filter(athlete=sibling).exists()
