"""Missed sessions, everywhere a session is shown, and today on every week view: with the clock
fixed on Wednesday 2 December 2026, 12:00 UTC (13:00 in the athlete's Berlin), a planned
session that ended a minute ago is missed, one that ends in a minute is not, nor is a logged
lift, a skipped or a done session, whenever they ended."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from icalendar import Calendar

from plans.models import WeekVerdict
from plans.selectors import Detail, read_week
from tests.api.conftest import client_for, publish
from tests.conftest import clock_before
from tests.factories import LiftSessionFactory, LiftSetFactory, RunSessionFactory
from workouts.calendar import build_calendar
from workouts.models import Exercise, LiftSession, RunKind, SessionStatus

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
MONDAY = NOW.date() - timedelta(days=2)
WEEK = "2026-W49"
MINUTE = timedelta(minutes=1)


def ending(end: datetime) -> datetime:
    """The start of a 60-minute session (the factories' length) that ends at `end`."""
    return end - timedelta(minutes=60)


class EdgeWeek:
    """The week of NOW, published: each kind of session on its side of the edge."""

    def __init__(self, athlete):
        self.missed_run = RunSessionFactory(athlete=athlete, start=ending(NOW - MINUTE))
        self.running_run = RunSessionFactory(
            athlete=athlete, kind=RunKind.TEMPO, start=ending(NOW + MINUTE)
        )
        self.skipped_run = RunSessionFactory(
            athlete=athlete,
            kind=RunKind.RECOVERY,
            start=datetime(2026, 11, 30, 7, tzinfo=UTC),
            status=SessionStatus.SKIPPED,
        )
        self.done_run = RunSessionFactory(
            athlete=athlete,
            kind=RunKind.LONG,
            start=datetime(2026, 12, 1, 7, tzinfo=UTC),
            status=SessionStatus.DONE,
        )
        # Tuesday 17:00 UTC, targets only: missed.
        self.missed_lift = LiftSessionFactory(athlete=athlete)
        LiftSetFactory(session=self.missed_lift, order=1)
        # Monday's squat, one set logged, never marked done: not missed.
        self.logged_lift = LiftSessionFactory(
            athlete=athlete, exercise=Exercise.SQUAT, start=datetime(2026, 11, 30, 17, tzinfo=UTC)
        )
        LiftSetFactory(session=self.logged_lift, order=1, reps=5, load_kg=80, rir=2)
        LiftSetFactory(session=self.logged_lift, order=2)
        publish(athlete, MONDAY)

    @property
    def missed(self) -> set[int]:
        return {self.missed_run.pk, self.missed_lift.pk}


@pytest.fixture
def week(athlete):
    return EdgeWeek(athlete)


@pytest.fixture
def at_now():
    with time_machine.travel(NOW, tick=False):
        yield


# ---------------------------------------------------------------------------- the definition


@pytest.mark.parametrize("status", list(SessionStatus))
@pytest.mark.parametrize("end", [NOW - MINUTE, NOW, NOW + MINUTE])
@pytest.mark.parametrize("logged", [False, True])
def test_the_models_say_missed_as_the_domain_does(athlete, status, end, logged):
    run = RunSessionFactory(athlete=athlete, start=ending(end), status=status)
    lift = LiftSessionFactory(athlete=athlete, start=ending(end), status=status)
    LiftSetFactory(session=lift, order=1, **({"reps": 3} if logged else {}))
    lift = LiftSession.objects.prefetch_related("sets").get(pk=lift.pk)
    flagged = LiftSession.objects.with_logged_flag().get(pk=lift.pk)
    expected = status == SessionStatus.PLANNED and end < NOW
    week = read_week(athlete, MONDAY, detail=Detail.SHOW).week
    (domain_run,), (domain_lift,) = week.runs, week.lifts
    assert run.is_missed_at(NOW) is domain_run.is_missed(NOW) is expected
    assert lift.is_missed_at(NOW) is domain_lift.is_missed(NOW)
    assert lift.is_missed_at(NOW) is flagged.is_missed_at(NOW) is (expected and not logged)


# ---------------------------------------------------------------------------- coach's pages


def test_the_coachs_week_shows_missed_cards_and_today(client, coach, athlete, week, at_now):
    client.force_login(coach.user)
    response = client.get(reverse("plans:athlete_week", args=[athlete.pk, WEEK]))
    cards = {
        card.session_id: card for column in response.context["columns"] for card in column.cards
    }
    assert {pk for pk, card in cards.items() if card.missed} == week.missed
    html = response.content.decode()
    assert html.count("data-missed") == 2
    assert html.count(">Missed</span>") == 2
    # Wednesday, in Berlin, is today: one column says so, to eyes and to screen readers.
    assert [c.is_today for c in response.context["columns"]] == [False, False, True] + [False] * 4
    assert html.count('aria-current="date"') == 1
    assert re.search(r'aria-current="date">\s*<h3[^>]*>Wednesday .*?>Today</span>', html, re.S)


def test_the_coachs_week_marks_today_in_the_athletes_zone(client, coach, athlete, week):
    client.force_login(coach.user)
    # 23:30 UTC on Wednesday is already Thursday in Berlin.
    with time_machine.travel(datetime(2026, 12, 2, 23, 30, tzinfo=UTC), tick=False):
        columns = client.get(reverse("plans:athlete_week", args=[athlete.pk, WEEK])).context[
            "columns"
        ]
    assert [c.name for c in columns if c.is_today] == ["Thursday"]


def test_missing_adds_no_query_to_the_coachs_week(client, coach, athlete, week):
    client.force_login(coach.user)
    url = reverse("plans:athlete_week", args=[athlete.pk, WEEK])
    counts = []
    for clock in (clock_before(MONDAY), time_machine.travel(NOW, tick=False)):
        with clock, CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_the_dashboard_counts_missed_at_read_time(
    client, coach, athlete, week, django_assert_num_queries
):
    client.force_login(coach.user)
    url, query = reverse("plans:dashboard"), {"week": WEEK}
    with time_machine.travel(NOW, tick=False):
        (row,) = client.get(url, query).context["rows"]
    # Six sessions, one done; the missed ones are not done.
    assert (row["compliance"], row["missed"]) == ("1/6", 2)
    stored = WeekVerdict.objects.get(athlete=athlete).verdict
    assert "missed" not in stored and len(stored["open_ends"]) == 3
    # Two minutes later the tempo run is over too: counted from the stored verdict, not judged
    # again (the session, the user with their coach, the roster with its verdicts), and the
    # sessions of the last 28 days for the compliance columns: the tempo run's end was the
    # cached compliance's horizon, so it is read again.
    with time_machine.travel(NOW + 2 * MINUTE, tick=False), django_assert_num_queries(4):
        response = client.get(url, query)
    (row,) = response.context["rows"]
    assert (row["compliance"], row["missed"]) == ("1/6", 3)
    assert "3 missed" in response.content.decode()
    with clock_before(MONDAY):
        response = client.get(url, query)
    (row,) = response.context["rows"]
    assert row["missed"] == 0
    assert "missed</span>" not in response.content.decode()


# ---------------------------------------------------------------------------- athlete's pages


def statuses(html: str) -> dict[int, str]:
    """Each session's link on a phone page, with the status it shows."""
    found = re.findall(
        r'href="/me/(?:runs|lifts)/(\d+)/".*?class="status status-(\w+)"', html, re.S
    )
    return {int(pk): status for pk, status in found}


def test_today_shows_the_missed_run(client, athlete, week, at_now):
    client.force_login(athlete.user)
    html = client.get(reverse("workouts:phone_today")).content.decode()
    assert statuses(html) == {week.missed_run.pk: "missed", week.running_run.pk: "planned"}
    assert ">Missed</span>" in html


def test_the_athletes_week_shows_missed_sessions_and_today(client, athlete, week, at_now):
    client.force_login(athlete.user)
    html = client.get(reverse("workouts:phone_week", args=[WEEK])).content.decode()
    shown = statuses(html)
    assert {pk for pk, status in shown.items() if status == "missed"} == week.missed
    assert shown[week.logged_lift.pk] == "planned"
    assert shown[week.skipped_run.pk] == "skipped" and shown[week.done_run.pk] == "done"
    assert html.count('aria-current="date"') == 1
    assert re.search(r'aria-current="date">\s*<h2[^>]*>Wednesday 2 Dec <span[^>]*>Today<', html)


def test_missing_adds_no_query_to_the_athletes_week(client, athlete, week):
    client.force_login(athlete.user)
    url = reverse("workouts:phone_week", args=[WEEK])
    counts = []
    for clock in (clock_before(MONDAY), time_machine.travel(NOW, tick=False)):
        with clock, CaptureQueriesContext(connection) as captured:
            html = client.get(url).content.decode()
        counts.append((len(captured), html.count("status-missed")))
    assert counts == [(counts[0][0], 0), (counts[0][0], 2)]


# ---------------------------------------------------------------------------- API and calendar


def test_the_api_says_missed_in_lists_details_and_the_week(coach, athlete, week, at_now):
    client = client_for(coach.user)
    listed = {
        (kind, item["id"]): item["missed"]
        for kind in ("run", "lift")
        for item in client.get(f"/api/v1/{kind}-sessions/").json()["results"]
    }
    expected = {("run", week.missed_run.pk), ("lift", week.missed_lift.pk)}
    assert {key for key, missed in listed.items() if missed} == expected
    assert len(listed) == 6
    for kind, session in (("run", week.missed_run), ("run", week.running_run)):
        detail = client.get(f"/api/v1/{kind}-sessions/{session.pk}/").json()
        assert detail["missed"] is (session.pk in week.missed)
    detail = client.get(f"/api/v1/lift-sessions/{week.logged_lift.pk}/").json()
    assert detail["missed"] is False
    sessions = client.get(f"/api/v1/athletes/{athlete.pk}/weeks/{WEEK}/").json()["sessions"]
    assert {(s["type"], s["id"]): s["missed"] for s in sessions} == listed


def test_the_lift_list_reads_no_more_for_missed_lifts(coach, athlete, week, at_now):
    client = client_for(coach.user)
    with CaptureQueriesContext(connection) as missed:
        client.get("/api/v1/lift-sessions/")
    with clock_before(MONDAY), CaptureQueriesContext(connection) as before:
        client.get("/api/v1/lift-sessions/")
    assert len(missed) == len(before)


def test_the_calendar_says_missed_in_the_summary(athlete, week):
    calendar = Calendar.from_ical(build_calendar(athlete, now=NOW).to_ical())
    summaries = {str(e["UID"]): str(e["SUMMARY"]) for e in calendar.walk("VEVENT")}
    assert summaries == {
        f"run-{week.missed_run.pk}@ironstride": "Missed: Easy run",
        f"run-{week.running_run.pk}@ironstride": "Tempo run",
        f"run-{week.skipped_run.pk}@ironstride": "Recovery run",
        f"run-{week.done_run.pk}@ironstride": "Long run (done)",
        f"lift-{week.missed_lift.pk}@ironstride": "Missed: Deadlift",
        f"lift-{week.logged_lift.pk}@ironstride": "Squat",
    }


def test_the_schema_documents_missed_as_a_read_only_boolean():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for name in ("RunSession", "LiftSession", "RunInWeek", "LiftInWeek"):
        field = schema["components"]["schemas"][name]["properties"]["missed"]
        assert (field["type"], field["readOnly"]) == ("boolean", True), name
