"""An athlete who changes time zone (DOMAIN.md, "The present"): planned sessions still ahead keep
their local date and clock time in the new zone, past and done ones keep their instant, and
every session then hangs on the plan of its week in the new zone. The same through every path
that changes the zone: the coach's roster form, the API and the admin."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from plans import services
from plans.models import PlanStatus, WeeklyPlan
from plans.services import ServiceError
from tests.api.conftest import client_for, publish
from tests.factories import AthleteFactory, LiftSessionFactory, LiftSetFactory, RunSessionFactory
from workouts.models import LiftSession, RunKind, RunSession, SessionStatus

pytestmark = pytest.mark.django_db

AUCKLAND = ZoneInfo("Pacific/Auckland")
LONDON = ZoneInfo("Europe/London")
WEEK = date(2026, 11, 30)  # 2026-W49
# Saturday noon UTC before the week: Sunday 01:00 in Auckland.
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def local(day: date, hour: int, tz: ZoneInfo, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=tz)


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def kiwi(coach):
    return AthleteFactory(coach=coach, time_zone="Pacific/Auckland")


@pytest.fixture
def easy_run(kiwi):
    """Monday 07:00 in Auckland: Sunday 18:00 UTC, so Sunday 18:00 in London if it kept its
    instant, and in the week before."""
    run = RunSessionFactory(athlete=kiwi, kind=RunKind.EASY, start=local(WEEK, 7, AUCKLAND))
    publish(kiwi, WEEK)
    return run


# ---------------------------------------------------------------------------- the service


def test_a_planned_run_ahead_keeps_its_monday_0700_and_its_week(kiwi, easy_run):
    assert services.change_time_zone(athlete=kiwi, time_zone="Europe/London") == 1
    easy_run.refresh_from_db()
    kiwi.refresh_from_db()
    assert kiwi.time_zone == "Europe/London"
    assert easy_run.start == local(WEEK, 7, LONDON) == datetime(2026, 11, 30, 7, tzinfo=UTC)
    assert easy_run.plan.week_start == WEEK
    assert easy_run.plan.status == PlanStatus.PUBLISHED


def test_the_athlete_can_open_the_run_and_its_week(kiwi, easy_run):
    services.change_time_zone(athlete=kiwi, time_zone="Europe/London")
    client = client_for(kiwi.user)
    assert client.get(reverse("api:run-session-detail", args=[easy_run.pk])).status_code == 200
    week = client.get(reverse("api:week", kwargs={"pk": kiwi.pk, "week": "2026-W49"}))
    assert week.status_code == 200
    assert easy_run.pk in {session["id"] for session in week.json()["sessions"]}
    assert week.json()["time_zone"] == "Europe/London"


def test_a_deadlift_ahead_moves_with_its_sets(kiwi):
    deadlift = LiftSessionFactory(athlete=kiwi, start=local(WEEK + timedelta(days=1), 18, AUCKLAND))
    LiftSetFactory(session=deadlift, order=1, target_load_kg=Decimal("140"))
    services.change_time_zone(athlete=kiwi, time_zone="Europe/London")
    deadlift.refresh_from_db()
    assert deadlift.start == local(WEEK + timedelta(days=1), 18, LONDON)
    assert [s.target_load_kg for s in deadlift.sets.all()] == [Decimal("140")]


@pytest.mark.parametrize("status", [SessionStatus.DONE, SessionStatus.PLANNED])
def test_a_past_session_keeps_its_instant_and_moves_to_its_week_in_the_new_zone(kiwi, status):
    # Monday 23 November 07:00 in Auckland (W48) was Sunday 22 November 18:00 in London (W47).
    start = local(date(2026, 11, 23), 7, AUCKLAND)
    run = RunSessionFactory(athlete=kiwi, start=start, status=status)
    assert run.plan.week_start == date(2026, 11, 23)
    services.change_time_zone(athlete=kiwi, time_zone="Europe/London")
    run.refresh_from_db()
    assert run.start == start
    assert run.plan.week_start == date(2026, 11, 16)
    # The week it now belongs to had no plan: it was created as a draft.
    assert run.plan.status == PlanStatus.DRAFT


def test_a_done_session_ahead_of_its_plan_keeps_its_instant(kiwi):
    # Logged early, for a start still ahead: done is history, whatever the clock says.
    run = RunSessionFactory(athlete=kiwi, start=local(WEEK, 7, AUCKLAND), status=SessionStatus.DONE)
    services.change_time_zone(athlete=kiwi, time_zone="Europe/London")
    run.refresh_from_db()
    assert run.start == local(WEEK, 7, AUCKLAND)
    assert run.plan.week_start == date(2026, 11, 23)


def test_a_skipped_session_ahead_keeps_its_instant(kiwi):
    run = RunSessionFactory(
        athlete=kiwi, start=local(WEEK, 7, AUCKLAND), status=SessionStatus.SKIPPED
    )
    services.change_time_zone(athlete=kiwi, time_zone="Europe/London")
    run.refresh_from_db()
    assert run.start == local(WEEK, 7, AUCKLAND)


def test_now_is_the_edge(kiwi):
    # Starting exactly now: under way, history. A minute later: still ahead, it moves.
    at_now = RunSessionFactory(athlete=kiwi, start=NOW)
    after = RunSessionFactory(athlete=kiwi, start=NOW + timedelta(minutes=1))
    assert services.change_time_zone(athlete=kiwi, time_zone="Europe/London") == 1
    at_now.refresh_from_db()
    after.refresh_from_db()
    assert at_now.start == NOW
    # Sunday 01:01 in Auckland is Sunday 01:01 in London.
    assert after.start == local(date(2026, 11, 29), 1, LONDON, minute=1)


def test_now_can_be_given(kiwi, easy_run):
    later = local(WEEK, 8, AUCKLAND)
    assert services.change_time_zone(athlete=kiwi, time_zone="Europe/London", now=later) == 0
    easy_run.refresh_from_db()
    assert easy_run.start == local(WEEK, 7, AUCKLAND)


def test_the_same_zone_changes_nothing_and_a_bad_one_is_refused(kiwi, easy_run):
    before = list(RunSession.objects.values_list("pk", "start", "plan_id"))
    plans = WeeklyPlan.objects.count()
    assert services.change_time_zone(athlete=kiwi, time_zone="Pacific/Auckland") == 0
    with pytest.raises(ServiceError, match="not a time zone"):
        services.change_time_zone(athlete=kiwi, time_zone="Mars/Olympus_Mons")
    assert list(RunSession.objects.values_list("pk", "start", "plan_id")) == before
    assert WeeklyPlan.objects.count() == plans


def test_a_clock_time_skipped_by_dst_in_the_new_zone_lands_after_the_gap(coach):
    # London's clocks went forward at 01:00 on 29 March 2026; 01:30 does not exist there.
    with time_machine.travel(datetime(2026, 3, 20, tzinfo=UTC), tick=False):
        athlete = AthleteFactory(coach=coach, time_zone="UTC")
        run = RunSessionFactory(athlete=athlete, start=datetime(2026, 3, 29, 1, 30, tzinfo=UTC))
        services.change_time_zone(athlete=athlete, time_zone="Europe/London")
    run.refresh_from_db()
    assert run.start.astimezone(LONDON).replace(tzinfo=None) == datetime(2026, 3, 29, 2, 30)


# ---------------------------------------------------------------------------- every path


def by_the_roster_form(client, coach, kiwi, admin_user):
    client.force_login(coach.user)
    return client.post(
        reverse("athletes:edit", args=[kiwi.pk]),
        {
            "first_name": "Kiri",
            "last_name": "Moved",
            "time_zone": "Europe/London",
            "training_window_start": "06:00",
            "training_window_end": "21:00",
            "load_increment_kg": "2.5",
        },
    )


def by_the_api(client, coach, kiwi, admin_user):
    return client_for(coach.user).patch(
        reverse("api:athlete-detail", args=[kiwi.pk]),
        {"time_zone": "Europe/London", "last_name": "Moved"},
        format="json",
    )


def by_the_admin(client, coach, kiwi, admin_user):
    client.force_login(admin_user)
    url = reverse("admin:athletes_athlete_change", args=[kiwi.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {name: "" if value is None else value for name, value in data.items()}
    return client.post(url, {**data, "time_zone": "Europe/London"})


@pytest.mark.parametrize("path", [by_the_roster_form, by_the_api, by_the_admin])
def test_every_path_that_changes_the_zone_moves_the_sessions(
    client, coach, kiwi, easy_run, admin_user, path
):
    past = RunSessionFactory(
        athlete=kiwi, start=local(date(2026, 11, 23), 7, AUCKLAND), status=SessionStatus.DONE
    )
    deadlift = LiftSessionFactory(athlete=kiwi, start=local(WEEK + timedelta(days=1), 18, AUCKLAND))
    response = path(client, coach, kiwi, admin_user)
    assert response.status_code in (200, 302), response.content[:500]
    kiwi.refresh_from_db()
    easy_run.refresh_from_db()
    past.refresh_from_db()
    deadlift.refresh_from_db()
    assert kiwi.time_zone == "Europe/London"
    assert (easy_run.start, easy_run.plan.week_start) == (local(WEEK, 7, LONDON), WEEK)
    assert deadlift.start == local(WEEK + timedelta(days=1), 18, LONDON)
    assert (past.start, past.plan.week_start) == (
        local(date(2026, 11, 23), 7, AUCKLAND),
        date(2026, 11, 16),
    )
    assert LiftSession.objects.filter(plan__week_start=WEEK, athlete=kiwi).count() == 1


def test_a_bad_zone_through_the_api_is_400_and_moves_nothing(coach, kiwi, easy_run):
    response = client_for(coach.user).patch(
        reverse("api:athlete-detail", args=[kiwi.pk]), {"time_zone": "Mars/Olympus"}, format="json"
    )
    assert response.status_code == 400 and "time_zone" in response.json()
    easy_run.refresh_from_db()
    assert easy_run.start == local(WEEK, 7, AUCKLAND)
