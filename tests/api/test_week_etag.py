"""The week API's ETag: the same answer has the same tag, asked twice or by another worker;
If-None-Match with it answers 304 with no body, reading only the athlete and their revision; a
logged set, a published plan, a new time zone or the clock making a session missed each give
a new tag (and the new answer)."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from plans import services
from plans.models import WeeklyPlan
from tests.api.conftest import MONDAY, WEEK, client_for, publish
from tests.factories import LiftSetFactory, RunSessionFactory
from workouts.models import LiftSet

# Tuesday 1 December 2026, 09:00:30 UTC: the week runs; the world's interval run (06:00, 60
# min) is over and missed, its deadlift (16:00) ahead.
NOW = datetime(2026, 12, 1, 9, 0, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def url(world, week=WEEK) -> str:
    return reverse("api:week", kwargs={"pk": world.athlete.pk, "week": week})


def get(client, world, etag=None, week=WEEK):
    headers = {"HTTP_IF_NONE_MATCH": etag} if etag else {}
    return client.get(url(world, week), **headers)


def test_the_same_answer_has_the_same_etag(world):
    client = client_for(world.coach.user)
    first, second = get(client, world), get(client, world)
    assert first.status_code == second.status_code == 200
    assert first["ETag"] == second["ETag"] and first["ETag"].startswith('"')
    assert first.content == second.content
    # Another worker (an empty cache) computes the same tag for the same answer.
    cache.clear()
    assert get(client, world)["ETag"] == first["ETag"]


@pytest.mark.parametrize("caller", ["coach", "athlete"])
def test_if_none_match_answers_304_without_reading_the_week(
    world, caller, django_assert_num_queries
):
    client = client_for(world.user(caller))
    etag = get(client, world)["ETag"]
    # The token with the caller's profile (1), as for /ping/; the athlete with their revision
    # (1), which the week's plan moves too. No plan or session is read, nothing is judged.
    with django_assert_num_queries(2):
        response = get(client, world, etag)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert get(client, world, '"something else"').status_code == 200
    assert get(client, world, f'W/{etag}, "x"').status_code == 304


def test_a_304_after_the_cache_is_gone_reads_the_week_and_still_matches(world):
    client = client_for(world.coach.user)
    etag = get(client, world)["ETag"]
    cache.clear()
    assert get(client, world, etag).status_code == 304


def test_a_logged_set_changes_the_etag(world):
    client = client_for(world.athlete.user)
    before = get(client, world)
    LiftSet.objects.filter(pk=world.sets[0].pk).update(reps=3, load_kg=Decimal("100"), rir=2)
    after = get(client, world, before["ETag"])
    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    (lift,) = [s for s in after.json()["sessions"] if s["type"] == "lift"]
    assert lift["sets"][0]["reps"] == 3


def test_a_new_set_changes_the_etag(world):
    client = client_for(world.coach.user)
    before = get(client, world)
    LiftSetFactory(session=world.lift, order=3, target_load_kg=Decimal("100"))
    assert get(client, world, before["ETag"]).status_code == 200


def test_publishing_the_plan_changes_the_etag(world):
    client = client_for(world.coach.user)
    week = "2026-W50"
    RunSessionFactory(athlete=world.athlete, start=NOW + timedelta(days=7))
    before = get(client, world, week=week)
    assert before.json()["plan"]["status"] == "draft"
    published = client.post(
        reverse("api:publish-week", kwargs={"pk": world.athlete.pk, "week": week})
    )
    assert published.status_code == 200
    after = get(client, world, before["ETag"], week=week)
    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    assert after.json()["plan"]["status"] == "published"


def test_a_draft_the_coach_was_answered_from_the_cache_is_still_404_for_the_athlete(world):
    # The cached answer keeps its plan: the athlete's access is checked against it.
    week = "2026-W50"
    RunSessionFactory(athlete=world.athlete, start=NOW + timedelta(days=7))
    assert get(client_for(world.coach.user), world, week=week).status_code == 200
    athlete = client_for(world.athlete.user)
    assert get(athlete, world, week=week).status_code == 404
    publish(world.athlete, MONDAY + timedelta(weeks=1))
    assert get(athlete, world, week=week).json()["plan"]["status"] == "published"


def test_the_coachs_note_changes_the_etag(world):
    client = client_for(world.coach.user)
    before = get(client, world)
    WeeklyPlan.objects.filter(athlete=world.athlete, week_start=MONDAY).update(coach_note="Rest.")
    after = get(client, world, before["ETag"])
    assert after.status_code == 200 and after.json()["plan"]["note"] == "Rest."


def test_a_new_time_zone_changes_the_etag(world):
    client = client_for(world.coach.user)
    before = get(client, world)
    services.change_time_zone(athlete=world.athlete, time_zone="America/New_York")
    after = get(client, world, before["ETag"])
    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    assert after.json()["time_zone"] == "America/New_York"


def test_the_clock_changes_the_etag_when_the_answer_changes(world, frozen_clock):
    # The deadlift (16:00, 60 min, nothing logged) is missed from 17:00 on.
    client = client_for(world.coach.user)
    frozen_clock.move_to(datetime(2026, 12, 1, 16, 59, 30, tzinfo=UTC))
    before = get(client, world)
    assert not [s for s in before.json()["sessions"] if s["type"] == "lift"][0]["missed"]
    # Within the same minute: the same answer, the same tag.
    frozen_clock.move_to(datetime(2026, 12, 1, 16, 59, 50, tzinfo=UTC))
    assert get(client, world, before["ETag"]).status_code == 304
    frozen_clock.move_to(datetime(2026, 12, 1, 17, 0, 10, tzinfo=UTC))
    after = get(client, world, before["ETag"])
    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    assert [s for s in after.json()["sessions"] if s["type"] == "lift"][0]["missed"]


def test_a_week_that_is_over_keeps_its_etag_as_the_clock_moves_on(world, frozen_clock):
    client = client_for(world.coach.user)
    publish(world.athlete, MONDAY - timedelta(weeks=1))
    before = get(client, world, week="2026-W48")
    frozen_clock.move_to(NOW + timedelta(days=3))
    assert get(client, world, before["ETag"], week="2026-W48").status_code == 304


def test_an_unpublished_week_is_404_for_the_athlete_whatever_the_etag(world):
    client = client_for(world.coach.user)
    etag = get(client, world, week="2026-W50")["ETag"]
    response = get(client_for(world.athlete.user), world, etag, week="2026-W50")
    assert response.status_code == 404
