"""The athlete's phone pages: who sees what, and what each page shows and writes."""

import json
import re
from datetime import timedelta

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from tests.factories import AthleteFactory
from tests.workouts import phone_data
from workouts.models import SessionStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def lift(athlete):
    return phone_data.deadlift(athlete)


@pytest.fixture
def run(athlete):
    return phone_data.run(athlete)


@pytest.fixture
def athlete_client(client, athlete):
    client.force_login(athlete.user)
    return client


def page_urls(lift, run) -> list[str]:
    return [
        reverse("workouts:phone_today"),
        reverse("workouts:phone_this_week"),
        reverse("workouts:phone_week", args=["2026-W49"]),
        reverse("workouts:phone_lift", args=[lift.pk]),
        reverse("workouts:phone_run", args=[run.pk]),
        reverse("workouts:phone_history"),
    ]


# ---------------------------------------------------------------------------- permission matrix


def test_anonymous_is_sent_to_log_in(client, lift, run):
    for url in page_urls(lift, run):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url


def test_the_athlete_opens_every_page(athlete_client, lift, run):
    for url in page_urls(lift, run):
        assert athlete_client.get(url).status_code == 200, url


def test_a_coach_gets_403_even_for_their_own_athletes_session(client, coach, lift, run):
    # The phone pages log what the athlete did; the coach has the week page for that athlete.
    client.force_login(coach.user)
    for url in page_urls(lift, run):
        assert client.get(url).status_code == 403, url


def test_another_athletes_sessions_are_404(client, coach, lift, run):
    other = AthleteFactory(coach=coach)
    client.force_login(other.user)
    assert client.get(reverse("workouts:phone_lift", args=[lift.pk])).status_code == 404
    assert client.get(reverse("workouts:phone_run", args=[run.pk])).status_code == 404
    assert client.get(reverse("workouts:phone_lift", args=[999_999])).status_code == 404


def test_a_draft_week_is_not_shown(athlete_client, athlete):
    draft = phone_data.deadlift(athlete, published=False)
    draft_run = phone_data.run(athlete, published=False)
    assert athlete_client.get(reverse("workouts:phone_lift", args=[draft.pk])).status_code == 404
    assert athlete_client.get(reverse("workouts:phone_run", args=[draft_run.pk])).status_code == 404
    today = athlete_client.get(reverse("workouts:phone_today")).content.decode()
    week = athlete_client.get(reverse("workouts:phone_this_week")).content.decode()
    for html in (today, week):
        assert f"/me/lifts/{draft.pk}/" not in html
        assert f"/me/runs/{draft_run.pk}/" not in html
    assert "has not published a plan" in week


def test_the_coach_only_dashboard_is_403_for_an_athlete(athlete_client):
    assert athlete_client.get(reverse("plans:dashboard")).status_code == 403


def test_home_sends_the_athlete_to_today(athlete_client):
    response = athlete_client.get("/")
    assert response.status_code == 302
    assert response.url == reverse("workouts:phone_today")


# ---------------------------------------------------------------------------- pages


def test_today_lists_todays_sessions_and_the_next_one(athlete_client, athlete, lift, run):
    later = phone_data.run(athlete, start=timezone.now() + timedelta(days=2))
    html = athlete_client.get(reverse("workouts:phone_today")).content.decode()
    assert f"/me/lifts/{lift.pk}/" in html
    assert f"/me/runs/{run.pk}/" in html
    assert "Next up" in html
    assert f"/me/runs/{later.pk}/" in html


def test_the_session_page_shows_the_prescription_and_plates(athlete_client, lift):
    html = athlete_client.get(reverse("workouts:phone_lift", args=[lift.pk])).content.decode()
    names = re.findall(r'<span class="set-name">([^<]+)</span>', html)
    # Working sets are counted from 1 after the warm-ups, as an athlete counts them.
    assert names == ["Warm-up 1", "Warm-up 2", "Warm-up 3", "Set 1", "Set 2", "Set 3"]
    assert "3 × 100 kg · RIR 1" in html
    assert phone_data.WORKING_REASON in html
    assert "Per side: 25 + 15" in html  # 100 kg on a 20 kg bar
    assert 'id="log-form"' in html
    assert 'aria-label="Rules this session breaks"' in html


def test_a_done_session_is_locked(athlete_client, lift):
    response = athlete_client.post(reverse("workouts:phone_lift_done", args=[lift.pk]))
    assert response.status_code == 302
    lift.refresh_from_db()
    assert lift.status == SessionStatus.DONE
    html = athlete_client.get(reverse("workouts:phone_lift", args=[lift.pk])).content.decode()
    assert 'id="log-form"' not in html
    assert "its sets are locked" in html


def test_a_week_name_that_is_no_week_is_404(athlete_client):
    assert athlete_client.get("/me/week/2026-W99/").status_code == 404


def test_mark_a_run_done_in_the_athletes_zone(athlete_client, athlete, run):
    response = athlete_client.post(
        reverse("workouts:phone_run", args=[run.pk]),
        {"action": "done", "actual_start": "2026-12-01T18:05", "actual_duration_minutes": "47"},
    )
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == SessionStatus.DONE
    assert run.actual_start.astimezone(athlete.tz).strftime("%Y-%m-%d %H:%M") == "2026-12-01 18:05"
    assert run.actual_duration_minutes == 47


def test_the_run_form_is_prefilled_with_the_plan(athlete_client, athlete, run):
    html = athlete_client.get(reverse("workouts:phone_run", args=[run.pk])).content.decode()
    planned = run.start.astimezone(athlete.tz).strftime("%Y-%m-%dT%H:%M")
    assert f'value="{planned}"' in html
    assert 'value="50"' in html


def test_mark_a_run_skipped(athlete_client, run):
    athlete_client.post(reverse("workouts:phone_run", args=[run.pk]), {"action": "skipped"})
    run.refresh_from_db()
    assert run.status == SessionStatus.SKIPPED


@pytest.mark.parametrize(
    "data",
    [
        {"action": "done", "actual_start": "yesterday", "actual_duration_minutes": "40"},
        {"action": "done", "actual_start": "2026-12-01T18:05", "actual_duration_minutes": "0"},
        {"action": "done", "actual_start": "2026-12-01T18:05", "actual_duration_minutes": "x"},
        {"action": "dance"},
    ],
    ids=["bad start", "zero minutes", "minutes not a number", "unknown action"],
)
def test_a_bad_run_form_writes_nothing(athlete_client, run, data):
    response = athlete_client.post(reverse("workouts:phone_run", args=[run.pk]), data)
    assert response.status_code == 400
    run.refresh_from_db()
    assert run.status == SessionStatus.PLANNED
    assert run.actual_start is None


def test_history_shows_the_e1rm_of_logged_sets(athlete_client, athlete):
    earlier = phone_data.deadlift(athlete, start=timezone.now() - timedelta(days=7))
    earlier.sets.filter(is_warmup=False).update(reps=3, load_kg=100, rir=1)
    html = athlete_client.get(reverse("workouts:phone_history")).content.decode()
    assert "<svg" in html
    # 100 kg for 3 reps at RIR 1 is 89.2 % of 112.1 kg.
    assert "112.1 kg" in html


# ---------------------------------------------------------------------------- offline support


def test_the_service_worker_is_served_from_the_root(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    assert "/static/phone/phone.js" in body
    assert "/static/css/tokens.css" in body  # the phone's colours and sizes, offline too
    assert '"/me/"' in body


def test_the_manifest_names_existing_icons(client):
    response = client.get("/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["start_url"] == reverse("workouts:phone_today")
    assert manifest["display"] == "standalone"
    for icon in manifest["icons"]:
        path = finders.find(icon["src"].removeprefix("/static/"))
        assert path is not None, icon
        with open(path, "rb") as png:
            assert png.read(8) == b"\x89PNG\r\n\x1a\n"
