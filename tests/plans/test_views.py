"""The coach's dashboard and athlete-week pages: permissions, actions, query counts."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from plans import services
from plans.models import PlanStatus, WeeklyPlan
from tests.conftest import clock_before
from tests.factories import (
    AthleteFactory,
    CoachFactory,
    LiftSessionFactory,
    LiftSetFactory,
    RunSessionFactory,
)
from workouts.models import Exercise, LiftSession, RunKind, RunSession, SessionStatus

pytestmark = pytest.mark.django_db

WEEK = date(2026, 11, 30)
WEEK_NAME = "2026-W49"


@pytest.fixture(autouse=True)
def before_the_week():
    with clock_before(WEEK):
        yield


BERLIN = ZoneInfo("Europe/Berlin")


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(WEEK + timedelta(days=day), time(hour, minute), tzinfo=BERLIN)


def too_close_week(athlete):
    """An interval run Tuesday 19:30 and a deadlift at 14:00: 4 h 30 apart."""
    RunSessionFactory(athlete=athlete, kind=RunKind.INTERVAL, start=local(1, 19, 30))
    lift = LiftSessionFactory(athlete=athlete, start=local(1, 14))
    for order in (1, 2, 3):
        LiftSetFactory(session=lift, order=order)
    return lift


@pytest.fixture
def coach_client(client, coach):
    client.force_login(coach.user)
    return client


def week_url(name, athlete, **kwargs):
    return reverse(name, args=[athlete.pk, kwargs.get("week", WEEK_NAME)])


def codes(athlete) -> list[str]:
    return [v.code for v in services.evaluate_week(athlete=athlete, week=WEEK).violations]


# ---------------------------------------------------------------------------- home & login


def test_home_sends_a_coach_to_the_dashboard(coach_client):
    response = coach_client.get("/")
    assert response.status_code == 302
    assert response.url == reverse("plans:dashboard")


def test_home_sends_an_athlete_to_today(client, athlete):
    client.force_login(athlete.user)
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == reverse("workouts:phone_today")


def test_home_anonymous_goes_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_login_lands_a_coach_on_the_dashboard(client, coach):
    response = client.post(
        reverse("login"), {"username": coach.user.username, "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert client.get(response.url).url == reverse("plans:dashboard")


def test_logout_is_a_post(coach_client):
    response = coach_client.post(reverse("logout"))
    assert response.status_code == 302
    assert coach_client.get(reverse("plans:dashboard")).status_code == 302


# ---------------------------------------------------------------------------- permissions


def get_pages(athlete, lift, run):
    return [
        reverse("plans:dashboard"),
        reverse("plans:athlete_current_week", args=[athlete.pk]),
        week_url("plans:athlete_week", athlete),
        reverse("plans:progress", args=[athlete.pk]),
        week_url("workouts:run_add", athlete),
        week_url("workouts:deadlift_add", athlete),
        reverse("workouts:run_edit", args=[athlete.pk, run.pk]),
        reverse("workouts:deadlift_edit", args=[athlete.pk, lift.pk]),
        reverse("athletes:roster"),
        reverse("athletes:add"),
        reverse("athletes:edit", args=[athlete.pk]),
    ]


def post_actions(athlete, lift, run):
    return [
        reverse("plans:schedule_roster"),
        reverse("plans:publish_drafts"),
        week_url("plans:apply_fix", athlete),
        week_url("plans:schedule_deadlift", athlete),
        week_url("plans:copy_runs", athlete),
        week_url("plans:publish", athlete),
        week_url("plans:save_note", athlete),
        reverse("workouts:run_delete", args=[athlete.pk, run.pk]),
        reverse("workouts:deadlift_delete", args=[athlete.pk, lift.pk]),
        reverse("athletes:deactivate", args=[athlete.pk]),
        reverse("athletes:activate", args=[athlete.pk]),
    ]


@pytest.fixture
def week_rows(athlete):
    lift = too_close_week(athlete)
    run = RunSession.objects.get(athlete=athlete)
    return athlete, lift, run


def test_every_page_renders_for_the_coach(coach_client, week_rows):
    for url in get_pages(*week_rows):
        response = coach_client.get(url, follow=True)
        assert response.status_code == 200, url
        assert b"<title>" in response.content


def test_anonymous_is_sent_to_login_everywhere(client, week_rows):
    for url in get_pages(*week_rows) + post_actions(*week_rows):
        response = client.post(url) if url in post_actions(*week_rows) else client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url


def test_an_athlete_gets_403_on_every_coach_page(client, week_rows):
    athlete = week_rows[0]
    client.force_login(athlete.user)
    for url in get_pages(*week_rows):
        assert client.get(url).status_code == 403, url
    for url in post_actions(*week_rows):
        assert client.post(url, {"week": WEEK_NAME}).status_code == 403, url
    assert LiftSession.objects.count() == 1


def test_another_coachs_athlete_is_404(week_rows):
    other = CoachFactory()
    client = Client()
    client.force_login(other.user)
    athlete_pages = [url for url in get_pages(*week_rows) if f"/{week_rows[0].pk}/" in url]
    for url in athlete_pages:
        assert client.get(url).status_code == 404, url
    for url in post_actions(*week_rows):
        if f"/{week_rows[0].pk}/" in url:
            assert client.post(url, {"code": "deadlift.too_close_to_intervals"}).status_code == 404
    assert LiftSession.objects.count() == 1
    assert RunSession.objects.count() == 1


def test_post_only_actions_refuse_get(coach_client, week_rows):
    for url in post_actions(*week_rows):
        assert coach_client.get(url).status_code == 405, url


def test_apply_fix_needs_csrf(coach, athlete):
    lift = too_close_week(athlete)
    client = Client(enforce_csrf_checks=True)
    client.force_login(coach.user)
    response = client.post(
        week_url("plans:apply_fix", athlete), {"code": "deadlift.too_close_to_intervals"}
    )
    assert response.status_code == 403
    lift.refresh_from_db()
    assert lift.start == local(1, 14)


def test_unknown_week_is_404(coach_client, athlete):
    response = coach_client.get(week_url("plans:athlete_week", athlete, week="2026-W54"))
    assert response.status_code == 404


# ---------------------------------------------------------------------------- dashboard


def test_dashboard_row(coach_client, athlete):
    too_close_week(athlete)
    response = coach_client.get(reverse("plans:dashboard"), {"week": WEEK_NAME})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Dashboard 2026-W49" in html
    [row] = response.context["rows"]
    assert row["hard_days"] == ["Tue"]
    assert row["deadlifts"] == ["Tue 14:00"]
    assert row["plan_status"] == "Draft"
    assert row["compliance"] == "0/2"
    assert [(b["severity"], b["label"]) for b in row["badges"]] == [("error", "1 error")]
    # The rule's title on hover (title) and for focus / screen readers (visually hidden text).
    assert 'title="Too close to the interval run"' in html
    assert 'tabindex="0"' in html
    assert "1 error" in html
    assert response.context["summary"].errors == 1


def test_dashboard_defaults_to_this_week_in_the_coachs_zone(coach_client):
    response = coach_client.get(reverse("plans:dashboard"))
    assert response.status_code == 200
    assert response.context["is_this_week"]


def test_dashboard_bad_week_says_why(coach_client):
    response = coach_client.get(reverse("plans:dashboard"), {"week": "2026-W99"})
    assert response.status_code == 400
    assert b"has no ISO week 99" in response.content


def test_dashboard_sort_and_filter(coach_client, coach):
    clean = AthleteFactory(coach=coach, user__first_name="Aaron", user__last_name="Able")
    RunSessionFactory(athlete=clean, kind=RunKind.INTERVAL, start=local(1, 7))
    lift = LiftSessionFactory(athlete=clean, start=local(1, 18))
    for order in (1, 2, 3):
        LiftSetFactory(session=lift, order=order)
    broken = AthleteFactory(coach=coach, user__first_name="Zed", user__last_name="Zulu")
    too_close_week(broken)
    warned = AthleteFactory(coach=coach, user__first_name="Mia", user__last_name="Mid")

    def names(**params):
        response = coach_client.get(reverse("plans:dashboard"), {"week": WEEK_NAME, **params})
        return [row["athlete_id"] for row in response.context["rows"]]

    assert names() == [clean.pk, warned.pk, broken.pk]
    assert names(sort="severity") == [broken.pk, warned.pk, clean.pk]
    assert names(errors="1") == [broken.pk]


@pytest.mark.parametrize("size", [5, 50])
def test_dashboard_runs_a_fixed_number_of_queries(size, client, django_assert_num_queries):
    coach = CoachFactory()
    for _ in range(size):
        athlete = AthleteFactory(coach=coach)
        too_close_week(athlete)
    client.force_login(coach.user)
    # the session, the user with their coach; the roster with stored verdicts and plans;
    # judging (athletes, plans, the runs within reach, lifts, their sets) and storing the
    # verdicts in a savepoint: the first visit; the roster's sessions of the last 28 days for
    # the compliance columns (one UNION). tests/plans/test_verdicts.py counts the visits after.
    with django_assert_num_queries(12):
        response = client.get(reverse("plans:dashboard"), {"week": WEEK_NAME})
    assert len(response.context["rows"]) == size


def test_schedule_the_roster(coach_client, coach):
    athletes = [AthleteFactory(coach=coach) for _ in range(3)]
    for athlete in athletes:
        RunSessionFactory(athlete=athlete, kind=RunKind.INTERVAL, start=local(1, 7))
    response = coach_client.post(reverse("plans:schedule_roster"), {"week": WEEK_NAME})
    assert response.status_code == 302
    for athlete in athletes:
        assert LiftSession.objects.filter(athlete=athlete, exercise=Exercise.DEADLIFT).count() == 1
    # Twice changes nothing.
    before = list(LiftSession.objects.values_list("pk", "start"))
    coach_client.post(reverse("plans:schedule_roster"), {"week": WEEK_NAME})
    assert list(LiftSession.objects.values_list("pk", "start")) == before


def test_publish_all_drafts(coach_client, coach, athlete):
    too_close_week(athlete)
    empty = AthleteFactory(coach=coach)
    response = coach_client.post(reverse("plans:publish_drafts"), {"week": WEEK_NAME})
    assert response.status_code == 302
    assert WeeklyPlan.objects.get(athlete=athlete, week_start=WEEK).status == PlanStatus.PUBLISHED
    # An athlete with no plan this week gets no empty published week.
    assert not WeeklyPlan.objects.filter(athlete=empty, week_start=WEEK).exists()


def test_dashboard_action_with_a_bad_week_is_400(coach_client):
    assert coach_client.post(reverse("plans:schedule_roster"), {"week": "x"}).status_code == 400


# ---------------------------------------------------------------------------- athlete week


def test_athlete_week_page(coach_client, athlete):
    too_close_week(athlete)
    response = coach_client.get(week_url("plans:athlete_week", athlete))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<title>{athlete.name} · 2026-W49" in html
    columns = response.context["columns"]
    assert [c.name for c in columns][:2] == ["Monday", "Tuesday"]
    assert [card.time_label for card in columns[1].cards] == ["14:00", "19:30"]
    assert columns[1].is_hard_day
    assert "deadlift.too_close_to_intervals" in html
    assert "Apply fix: Move the deadlift to" in html
    assert "100 kg" in html  # the target load


def test_athlete_week_in_the_athletes_zone(coach_client, coach):
    tokyo = AthleteFactory(coach=coach, time_zone="Asia/Tokyo")
    # Sunday 23:30 UTC is Monday 08:30 in Tokyo.
    RunSessionFactory(athlete=tokyo, start=datetime(2026, 11, 29, 23, 30, tzinfo=ZoneInfo("UTC")))
    response = coach_client.get(week_url("plans:athlete_week", tokyo))
    [card] = response.context["columns"][0].cards
    assert card.time_label == "08:30"


def test_apply_fix_plain_post(coach_client, athlete):
    too_close_week(athlete)
    response = coach_client.post(
        week_url("plans:apply_fix", athlete), {"code": "deadlift.too_close_to_intervals"}
    )
    assert response.status_code == 302
    assert response.url == week_url("plans:athlete_week", athlete)
    assert "deadlift.too_close_to_intervals" not in codes(athlete)


def test_apply_fix_with_htmx_returns_the_week_body(coach_client, athlete):
    too_close_week(athlete)
    response = coach_client.post(
        week_url("plans:apply_fix", athlete),
        {"code": "deadlift.too_close_to_intervals"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="week-body"')
    assert "Done: Move the deadlift" in html
    assert "deadlift.too_close_to_intervals" not in html
    # The swapped body says what happened to the live region, and focus goes to the message.
    assert 'data-announce="Done: Move the deadlift to Tue 06:00; no flags left."' in html
    assert 'tabindex="-1" data-focus-after-swap>Done: Move the deadlift' in html


def test_apply_a_fix_that_no_longer_applies(coach_client, athlete):
    too_close_week(athlete)
    response = coach_client.post(
        week_url("plans:apply_fix", athlete), {"code": "deadlift.high_reps"}, follow=True
    )
    assert b"no &#x27;deadlift.high_reps&#x27; to fix" in response.content


def test_schedule_deadlift_for_one_athlete(coach_client, athlete):
    RunSessionFactory(athlete=athlete, kind=RunKind.INTERVAL, start=local(1, 7))
    response = coach_client.post(week_url("plans:schedule_deadlift", athlete))
    assert response.status_code == 302
    assert codes(athlete) == []


def test_copy_last_weeks_runs(coach_client, athlete):
    RunSessionFactory(
        athlete=athlete,
        kind=RunKind.INTERVAL,
        start=local(-6, 7),
        status=SessionStatus.DONE,
        distance_km=10,
    )
    coach_client.post(week_url("plans:copy_runs", athlete))
    coach_client.post(week_url("plans:copy_runs", athlete))  # twice changes nothing
    [copied] = RunSession.objects.filter(start__gte=local(0, 0))
    assert copied.start == local(1, 7)
    assert copied.status == SessionStatus.PLANNED
    assert copied.kind == RunKind.INTERVAL


def test_copy_keeps_local_time_across_dst(coach_client, athlete):
    # Berlin leaves summer time on Sunday 25 Oct 2026; the 07:00 run stays at 07:00.
    RunSessionFactory(athlete=athlete, start=datetime(2026, 10, 20, 7, tzinfo=BERLIN))
    coach_client.post(week_url("plans:copy_runs", athlete, week="2026-W44"))
    copied = RunSession.objects.latest("start")
    assert copied.start.astimezone(BERLIN).time() == time(7)


def test_publish_one_week(coach_client, athlete):
    response = coach_client.post(week_url("plans:publish", athlete))
    assert response.status_code == 302
    assert WeeklyPlan.objects.get(athlete=athlete, week_start=WEEK).is_published


def test_coach_note_plain_and_htmx(coach_client, athlete):
    url = week_url("plans:save_note", athlete)
    assert coach_client.post(url, {"coach_note": "Easy on the hills."}).status_code == 302
    assert WeeklyPlan.objects.get(athlete=athlete, week_start=WEEK).coach_note == (
        "Easy on the hills."
    )
    response = coach_client.post(url, {"coach_note": "Sleep more."}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert b'id="note"' in response.content
    assert b"Note saved." in response.content
    assert WeeklyPlan.objects.get(athlete=athlete, week_start=WEEK).coach_note == "Sleep more."


def test_progress_page_shows_the_numbers(coach_client, athlete):
    from django.utils import timezone

    now = timezone.now()
    lift = LiftSessionFactory(athlete=athlete, start=now - timedelta(days=7))
    LiftSetFactory(session=lift, order=1, reps=3, load_kg=100, rir=1)
    response = coach_client.get(reverse("plans:progress", args=[athlete.pk]))
    assert response.status_code == 200
    weeks = response.context["progress"].weeks
    assert len(weeks) == 12
    # 100 kg for 3 at RIR 1: 100 / 0.892
    assert any(str(w.e1rm_kg) == "112.1" for w in weeks)
    assert b"<svg" in response.content
    assert b"112.1 kg" in response.content
    assert b'id="progress-table"' in response.content
