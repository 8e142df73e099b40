"""Autoregulation in the API: logging, editing and deleting a set answer the re-targeted sets in
the one set shape, with the original target and the reason; the athlete's setting is read and
written through the athletes API and the coach's athlete form."""

import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.api.conftest import client_for
from tests.workouts import phone_data
from workouts.models import LiftSession, LiftSet

pytestmark = pytest.mark.django_db


@pytest.fixture
def lift(athlete) -> LiftSession:
    return phone_data.deadlift(athlete)


def _log(client, lift: LiftSession, **values):
    body = {"client_id": str(uuid.uuid4()), "order": 4, "reps": 3, "load_kg": 100, **values}
    return client.post(reverse("api:log-set", args=[lift.pk]), body, format="json")


REASON = "adjusted after set 1: 3 reps at RIR 3 → e1RM 119.5 kg"


def test_logging_answers_the_retargeted_sets_in_the_set_shape(athlete, lift):
    response = _log(client_for(athlete.user), lift, rir=3)
    assert response.status_code == 201
    body = response.json()
    assert (body["order"], body["adjustment_reason"], body["original_target_load_kg"]) == (
        4,
        "",
        100.0,
    )
    set_5 = LiftSet.objects.get(session=lift, order=5)
    assert body["retargeted"] == [
        {
            "id": set_5.pk,
            "order": 5,
            "is_warmup": False,
            "target_reps": 3,
            "target_load_kg": 105.0,
            "target_rir": 1,
            "target_load_reason": phone_data.WORKING_REASON,
            "original_target_load_kg": 100.0,
            "adjustment": {
                "kind": "e1rm",
                "after_set": 1,
                "reps": 3,
                "rir": 3,
                "failed": False,
                "load_kg": "100",
                "e1rm_kg": "119.5",
                "capped": False,
            },
            "reps": None,
            "load_kg": None,
            "rir": None,
            "failed": False,
            "client_id": None,
            "adjustment_reason": REASON,
        },
        {**body["retargeted"][1], "order": 6},
    ]
    assert body["retargeted"][1]["target_load_kg"] == 105.0
    # The session reads the same afterwards, and so does the week.
    sets = client_for(athlete.user).get(reverse("api:lift-session-detail", args=[lift.pk]))
    assert sets.json()["sets"][4] == body["retargeted"][0]


def test_an_edit_and_a_delete_answer_the_retargeted_sets(athlete, lift):
    client = client_for(athlete.user)
    logged = _log(client, lift, rir=3).json()
    url = reverse("api:logged-set", args=[lift.pk, logged["id"]])
    edited = client.patch(url, {"rir": 0}, format="json").json()
    assert [
        (s["order"], s["target_load_kg"], s["adjustment"]["kind"]) for s in edited["retargeted"]
    ] == [
        (5, 90.0, "drop"),
        (6, 90.0, "drop"),
    ]
    deleted = client.delete(url)
    assert deleted.status_code == 200
    assert [
        (s["order"], s["target_load_kg"], s["adjustment"], s["adjustment_reason"])
        for s in deleted.json()["retargeted"]
    ] == [(5, 100.0, None, ""), (6, 100.0, None, "")]


def test_a_replay_answers_no_retargeted_sets(athlete, lift):
    client = client_for(athlete.user)
    client_id = str(uuid.uuid4())
    assert len(_log(client, lift, rir=3, client_id=client_id).json()["retargeted"]) == 2
    replay = _log(client, lift, rir=3, client_id=client_id)
    assert (replay.status_code, replay.json()["retargeted"]) == (200, [])


def test_a_week_shows_the_adjusted_sets_as_the_session_does(coach, athlete, lift):
    _log(client_for(athlete.user), lift, rir=3)
    week = lift.start.astimezone(athlete.tz).isocalendar()
    url = reverse("api:week", kwargs={"pk": athlete.pk, "week": f"{week.year}-W{week.week:02d}"})
    response = client_for(coach.user).get(url)
    assert response.status_code == 200
    (shown,) = [s for s in response.json()["sessions"] if s["type"] == "lift"]
    detail = client_for(coach.user).get(reverse("api:lift-session-detail", args=[lift.pk]))
    assert shown["sets"] == detail.json()["sets"]
    assert shown["sets"][5]["adjustment_reason"] == REASON


def test_the_athletes_api_reads_and_writes_the_setting(coach, athlete):
    client = client_for(coach.user)
    url = reverse("api:athlete-detail", args=[athlete.pk])
    assert client.get(url).json()["autoregulate_coach_targets"] is False
    response = client.patch(url, {"autoregulate_coach_targets": True}, format="json")
    assert response.status_code == 200
    assert response.json()["autoregulate_coach_targets"] is True
    athlete.refresh_from_db()
    assert athlete.autoregulate_coach_targets is True
    bad = client.patch(url, {"autoregulate_coach_targets": "often"}, format="json")
    assert bad.status_code == 400 and "autoregulate_coach_targets" in bad.json()


def test_the_athlete_cannot_turn_the_setting_on(athlete):
    url = reverse("api:athlete-detail", args=[athlete.pk])
    response = client_for(athlete.user).patch(
        url, {"autoregulate_coach_targets": True}, format="json"
    )
    assert response.status_code in (403, 404, 405)
    athlete.refresh_from_db()
    assert athlete.autoregulate_coach_targets is False


@pytest.mark.parametrize(
    ("sent", "stored"), [({"autoregulate_coach_targets": "on"}, True), ({}, False)]
)
def test_the_coachs_athlete_form_carries_the_setting(client, coach, athlete, sent, stored):
    athlete.autoregulate_coach_targets = not stored
    athlete.save()
    client.force_login(coach.user)
    form = client.get(reverse("athletes:edit", args=[athlete.pk]))
    assert 'name="autoregulate_coach_targets"' in form.content.decode()
    response = client.post(
        reverse("athletes:edit", args=[athlete.pk]),
        {
            "first_name": "Maya",
            "time_zone": "Europe/Oslo",
            "training_window_start": "06:00",
            "training_window_end": "21:00",
            "load_increment_kg": "2.5",
            **sent,
        },
    )
    assert response.status_code == 302
    athlete.refresh_from_db()
    assert athlete.autoregulate_coach_targets is stored
    assert athlete.load_increment_kg == Decimal("2.5")
