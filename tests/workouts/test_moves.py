"""Moving a session on the coach's week board: the checks (the week, the training window, the
present, what has happened), the endpoint (access, CSRF, htmx and plain POST, bad input) and
undo. The clock stands still on Wednesday 2 December 2026, 12:00 in Berlin."""

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from plans.domain.errors import Conflict, ServiceError
from plans.domain.weeks import Week
from tests.factories import (
    AthleteFactory,
    CoachFactory,
    LiftSessionFactory,
    LiftSetFactory,
    RunSessionFactory,
)
from workouts.forms import MoveForm
from workouts.models import LiftSession, RunKind, RunSession, SessionStatus
from workouts.moves import Placing, Undo, move_session, refusal

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
WEEK = date(2026, 11, 30)
WEEK_NAME = "2026-W49"
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=BERLIN)


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """A time in Berlin in WEEK: day 0 is Monday."""
    return datetime.combine(WEEK + timedelta(days=day), time(hour, minute), tzinfo=BERLIN)


@pytest.fixture(autouse=True)
def wednesday_noon():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def coach_client(client, coach):
    client.force_login(coach.user)
    return client


def deadlift(athlete, start: datetime, *, logged: int = 0, **fields) -> LiftSession:
    lift = LiftSessionFactory(athlete=athlete, start=start, **fields)
    for order in (1, 2, 3):
        LiftSetFactory(
            session=lift,
            order=order,
            reps=3 if order <= logged else None,
            load_kg=100 if order <= logged else None,
            rir=1 if order <= logged else None,
        )
    return lift


def interval(athlete, start: datetime) -> RunSession:
    return RunSessionFactory(athlete=athlete, kind=RunKind.INTERVAL, start=start)


def start_of(session) -> datetime:
    session.refresh_from_db()
    return session.start


# ---------------------------------------------------------------------------- the checks


def placing(start: datetime, minutes: int = 60) -> Placing:
    return Placing(start, minutes, BERLIN, (time(6), time(21)))


@pytest.mark.parametrize(
    ("start", "minutes", "refused"),
    [
        pytest.param(local(3, 6), 60, False, id="starts as the window opens"),
        pytest.param(local(3, 5, 59), 60, True, id="starts a minute before the window"),
        pytest.param(local(3, 20), 60, False, id="ends as the window closes"),
        pytest.param(local(3, 20, 1), 60, True, id="ends a minute after the window"),
        pytest.param(local(3, 20, 30), 30, False, id="a shorter session fits later"),
        pytest.param(local(3, 23, 30), 60, True, id="runs past midnight"),
    ],
)
def test_the_whole_session_must_fit_the_training_window(start, minutes, refused):
    why = refusal(placing(start, minutes), now=NOW)
    assert (why is not None) == refused
    if why is not None:
        assert "outside the training window (06:00–21:00)" in why


@pytest.mark.parametrize(
    ("start", "refused"),
    [
        pytest.param(NOW, False, id="starts now"),
        pytest.param(NOW - timedelta(minutes=1), True, id="a minute ago"),
        pytest.param(local(1, 17), True, id="yesterday"),
    ],
)
def test_nothing_moves_into_the_past(start, refused):
    why = refusal(placing(start), now=NOW)
    assert (why is not None) == refused
    if why is not None:
        assert why.endswith("is in the past: choose a time from Wed 2 Dec 12:00 on.")


# ---------------------------------------------------------------------------- the service


def test_a_planned_deadlift_moves_to_another_day(athlete):
    lift = deadlift(athlete, local(3, 17))
    plan = lift.plan_id
    moved = move_session(athlete=athlete, session=lift, start=local(4, 17), now=NOW)
    assert moved.changed and moved.previous_start == local(3, 17)
    lift.refresh_from_db()
    assert lift.start == local(4, 17)
    assert lift.plan_id == plan


def test_a_move_to_where_it_is_changes_nothing(athlete):
    lift = deadlift(athlete, local(3, 17))
    moved = move_session(athlete=athlete, session=lift, start=local(3, 17), now=NOW)
    assert not moved.changed


@pytest.mark.parametrize(
    ("start", "refused"),
    [
        pytest.param(local(6, 22, 59), False, id="Sunday 22:59, the week's last hour"),
        pytest.param(local(7, 0), True, id="next Monday 00:00"),
        pytest.param(local(-1, 22), True, id="the Sunday before"),
    ],
)
def test_a_session_stays_in_its_week(athlete, start, refused):
    athlete.training_window_start, athlete.training_window_end = time(0), time(23, 59)
    athlete.save()
    run = RunSessionFactory(athlete=athlete, start=local(3, 7))
    if refused:
        with pytest.raises(ServiceError, match="Choose a time in 2026-W49: from Mon 30 Nov 00:00"):
            move_session(athlete=athlete, session=run, start=start, now=NOW)
        assert start_of(run) == local(3, 7)
    else:
        move_session(athlete=athlete, session=run, start=start, now=NOW)
        assert start_of(run) == start


@pytest.mark.parametrize(
    ("start", "message"),
    [
        (local(3, 21), "outside the training window"),
        (local(1, 17), "is in the past"),
    ],
)
def test_a_refused_move_writes_nothing(athlete, start, message):
    lift = deadlift(athlete, local(3, 17))
    with pytest.raises(ServiceError, match=message):
        move_session(athlete=athlete, session=lift, start=start, now=NOW)
    assert start_of(lift) == local(3, 17)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        pytest.param(
            lambda a: deadlift(a, local(3, 17), status=SessionStatus.DONE),
            "It is done",
            id="done",
        ),
        pytest.param(
            lambda a: RunSessionFactory(athlete=a, start=local(3, 7), status=SessionStatus.SKIPPED),
            "It was skipped",
            id="skipped",
        ),
        pytest.param(
            lambda a: deadlift(a, local(1, 17), logged=1), "It has logged sets", id="one set logged"
        ),
        pytest.param(
            lambda a: RunSessionFactory(athlete=a, start=NOW), "It is under way", id="started now"
        ),
        pytest.param(
            lambda a: RunSessionFactory(athlete=a, start=NOW - timedelta(minutes=59)),
            "It is under way",
            id="ends in a minute",
        ),
    ],
)
def test_what_has_happened_stays_where_it_happened(athlete, make, message):
    session = make(athlete)
    before = start_of(session)
    with pytest.raises(Conflict, match=message):
        move_session(athlete=athlete, session=session, start=local(4, 17), now=NOW)
    assert start_of(session) == before


def test_a_missed_session_moves_ahead(athlete):
    # Its planned end is exactly now: over, not under way, and missed.
    run = RunSessionFactory(athlete=athlete, start=NOW - timedelta(minutes=60))
    move_session(athlete=athlete, session=run, start=local(4, 7), now=NOW)
    assert start_of(run) == local(4, 7)


def test_undo_works_once(athlete):
    lift = deadlift(athlete, local(4, 17))
    undo = Undo.of(move_session(athlete=athlete, session=lift, start=local(5, 9), now=NOW))
    back = move_session(
        athlete=athlete, session=lift, start=undo.start, now=NOW, expected_start=undo.moved_to
    )
    assert back.session.start == local(4, 17)
    with pytest.raises(Conflict, match="Nothing to undo"):
        move_session(
            athlete=athlete, session=lift, start=undo.start, now=NOW, expected_start=undo.moved_to
        )
    assert start_of(lift) == local(4, 17)


def test_undo_goes_through_the_checks(athlete):
    # A missed run moved ahead cannot be moved back into the past.
    run = RunSessionFactory(athlete=athlete, start=local(1, 7))
    undo = Undo.of(move_session(athlete=athlete, session=run, start=local(4, 7), now=NOW))
    with pytest.raises(ServiceError, match="is in the past"):
        move_session(
            athlete=athlete, session=run, start=undo.start, now=NOW, expected_start=undo.moved_to
        )
    assert start_of(run) == local(4, 7)


def test_an_undo_token_is_signed_and_expires(athlete):
    lift = deadlift(athlete, local(3, 17))
    undo = Undo.of(move_session(athlete=athlete, session=lift, start=local(4, 17), now=NOW))
    token = undo.token  # signed now
    assert Undo.read(token) == undo
    assert Undo.read(token[:-2] + "xx") is None
    assert Undo.read("") is None
    with time_machine.travel(NOW + timedelta(minutes=59), tick=False):
        assert Undo.read(token) == undo
    with time_machine.travel(NOW + timedelta(minutes=61), tick=False):
        assert Undo.read(token) is None


# ---------------------------------------------------------------------------- the form


def move_form(day: str, at: str, week: date = WEEK) -> MoveForm:
    return MoveForm({"day": day, "time": at}, week=Week(week), time_zone=BERLIN)


def test_the_form_reads_a_local_day_and_time():
    form = move_form("2026-12-03", "17:00")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["start"] == local(3, 17)


@pytest.mark.parametrize(
    ("day", "at", "error"),
    [
        ("2026-12-07", "17:00", "Choose a day of this week."),
        ("2026-11-29", "17:00", "Choose a day of this week."),
        ("Thursday", "17:00", "Choose a day of this week."),
        ("2026-12-03", "25:00", "Give the time as hours and minutes, like 17:00."),
        ("2026-12-03", "", "This field is required."),
    ],
)
def test_the_form_says_what_is_wrong(day, at, error):
    form = move_form(day, at)
    assert not form.is_valid()
    assert error in str(form.errors)


def test_a_wall_time_the_clocks_skip_is_refused():
    # Berlin springs forward at 02:00 on Sunday 28 March 2027.
    form = move_form("2027-03-28", "02:30", week=date(2027, 3, 22))
    assert not form.is_valid()
    assert "02:30 does not exist on Sunday 28 Mar: the clocks change then." in str(form.errors)


# ---------------------------------------------------------------------------- the endpoint


def move_url(session) -> str:
    name = "workouts:lift_move" if isinstance(session, LiftSession) else "workouts:run_move"
    return reverse(name, args=[session.athlete_id, session.pk])


def week_url(athlete) -> str:
    return reverse("plans:athlete_week", args=[athlete.pk, WEEK_NAME])


HTMX = {"HX-Request": "true"}


def found(pattern: str, html: str) -> str:
    match = re.search(pattern, html)
    assert match is not None, pattern
    return match[1]


def test_a_plain_post_moves_and_redirects_with_an_undo(coach_client, athlete):
    lift = deadlift(athlete, local(3, 17))
    response = coach_client.post(move_url(lift), {"day": "2026-12-04", "time": "18:15"})
    assert response.status_code == 302
    assert response.url.startswith(week_url(athlete) + "?undo=")
    assert start_of(lift) == local(4, 18, 15)
    page = coach_client.get(response.url)
    html = page.content.decode()
    assert "Moved the deadlift to Fri 18:15." in html
    assert re.search(r'name="undo" value="[^"]+"', html)
    # The undo, posted without JavaScript, moves it back, and is then offered no more.
    token = found(r'name="undo" value="([^"]+)"', html)
    back = coach_client.post(move_url(lift), {"undo": token})
    assert back.status_code == 302 and back.url == week_url(athlete)
    assert start_of(lift) == local(3, 17)
    again = coach_client.get(response.url).content.decode()
    assert 'name="undo"' not in again


def test_htmx_gets_the_week_judged_again_with_focus_and_announcement(coach_client, athlete):
    interval(athlete, local(3, 7))
    lift = deadlift(athlete, local(4, 17))
    before = coach_client.get(week_url(athlete)).content.decode()
    assert 'data-code="deadlift.not_on_hard_day"' in before
    response = coach_client.post(
        move_url(lift), {"day": "2026-12-03", "time": "17:00"}, headers=HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="week-body"')
    assert 'data-announce="Moved the deadlift to Thu 17:00; no flags left."' in html
    assert re.search(rf'id="card-lift-{lift.pk}"[^>]*tabindex="-1" data-focus-after-swap', html), (
        "the moved card takes the focus"
    )
    assert 'data-code="deadlift.not_on_hard_day"' not in html
    assert 'name="undo"' in html
    assert start_of(lift) == local(3, 17)


def test_htmx_undo_moves_it_back_once(coach_client, athlete):
    interval(athlete, local(3, 7))
    lift = deadlift(athlete, local(3, 17))
    html = coach_client.post(
        move_url(lift), {"day": "2026-12-05", "time": "10:00"}, headers=HTMX
    ).content.decode()
    assert "1 flag left" in html
    token = found(r'name="undo" value="([^"]+)"', html)
    back = coach_client.post(move_url(lift), {"undo": token}, headers=HTMX).content.decode()
    assert 'data-announce="Moved the deadlift back to Thu 17:00; no flags left."' in back
    assert 'name="undo"' not in back
    assert start_of(lift) == local(3, 17)
    again = coach_client.post(move_url(lift), {"undo": token}, headers=HTMX).content.decode()
    assert "Not moved: Nothing to undo: the session has moved since." in again
    assert start_of(lift) == local(3, 17)


def test_an_undo_for_another_session_is_refused(coach_client, athlete):
    lift = deadlift(athlete, local(3, 17))
    run = RunSessionFactory(athlete=athlete, start=local(4, 7))
    token = Undo.of(move_session(athlete=athlete, session=lift, start=local(4, 17), now=NOW)).token
    response = coach_client.post(move_url(run), {"undo": token})
    assert response.status_code == 400
    assert "This undo has expired or is not for this session." in response.content.decode()
    assert start_of(run) == local(4, 7) and start_of(lift) == local(4, 17)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"day": "2026-12-07", "time": "17:00"}, "Choose a day of this week."),
        ({"day": "2026-12-03", "time": "noon"}, "Give the time as hours and minutes"),
        ({"day": "2026-12-03", "time": "21:30"}, "outside the training window"),
        ({"day": "2026-12-01", "time": "17:00"}, "is in the past"),
        ({"undo": "forged"}, "This undo has expired or is not for this session."),
    ],
)
def test_bad_input_is_a_clear_error_and_writes_nothing(coach_client, athlete, data, message):
    lift = deadlift(athlete, local(3, 17))
    plain = coach_client.post(move_url(lift), data)
    assert plain.status_code == 400
    assert message in plain.content.decode()
    htmx = coach_client.post(move_url(lift), data, headers=HTMX)
    # htmx swaps only a 2xx: the week body comes back with the reason, focused and announced.
    assert htmx.status_code == 200
    html = htmx.content.decode()
    assert re.search(r'tabindex="-1" data-focus-after-swap>Not moved: ', html)
    announced = found(r'data-announce="Not moved: ([^"]*)"', html)
    assert message in announced
    assert start_of(lift) == local(3, 17)


def test_a_done_session_is_refused_with_the_reason(coach_client, athlete):
    lift = deadlift(athlete, local(1, 17), status=SessionStatus.DONE)
    response = coach_client.post(move_url(lift), {"day": "2026-12-04", "time": "17:00"})
    assert response.status_code == 400
    assert "Not moved: It is done: a done session stays where it happened." in (
        response.content.decode()
    )
    assert start_of(lift) == local(1, 17)


def test_another_coachs_athlete_is_404(client, athlete):
    lift = deadlift(athlete, local(3, 17))
    client.force_login(CoachFactory().user)
    response = client.post(move_url(lift), {"day": "2026-12-04", "time": "17:00"})
    assert response.status_code == 404
    assert start_of(lift) == local(3, 17)


def test_a_session_of_another_athlete_under_this_one_is_404(coach_client, coach, athlete):
    other = deadlift(AthleteFactory(coach=coach), local(3, 17))
    url = reverse("workouts:lift_move", args=[athlete.pk, other.pk])
    assert coach_client.post(url, {"day": "2026-12-04", "time": "17:00"}).status_code == 404
    assert start_of(other) == local(3, 17)


def test_an_athlete_may_not_move_sessions(client, athlete):
    lift = deadlift(athlete, local(3, 17))
    client.force_login(athlete.user)
    assert client.post(move_url(lift), {"day": "2026-12-04", "time": "17:00"}).status_code == 403
    assert start_of(lift) == local(3, 17)


def test_a_move_needs_the_csrf_token(coach, athlete):
    lift = deadlift(athlete, local(3, 17))
    client = Client(enforce_csrf_checks=True)
    client.force_login(coach.user)
    response = client.post(move_url(lift), {"day": "2026-12-04", "time": "17:00"})
    assert response.status_code == 403
    assert start_of(lift) == local(3, 17)
    # With the token the page carries, the same move goes through.
    page = client.get(week_url(athlete)).content.decode()
    token = found(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    data = {"day": "2026-12-04", "time": "17:00", "csrfmiddlewaretoken": token}
    assert client.post(move_url(lift), data).status_code == 302
    assert start_of(lift) == local(4, 17)


def test_a_move_is_a_post(coach_client, athlete):
    lift = deadlift(athlete, local(3, 17))
    assert coach_client.get(move_url(lift)).status_code == 405


def test_a_run_moves_too(coach_client, athlete):
    run = RunSessionFactory(athlete=athlete, kind=RunKind.TEMPO, start=local(3, 7))
    html = coach_client.post(
        move_url(run), {"day": "2026-12-06", "time": "08:30"}, headers=HTMX
    ).content.decode()
    assert 'data-announce="Moved the tempo run to Sun 08:30; 1 flag left."' in html
    assert start_of(run) == local(6, 8, 30)
    assert start_of(run).astimezone(UTC) == datetime(2026, 12, 6, 7, 30, tzinfo=UTC)
