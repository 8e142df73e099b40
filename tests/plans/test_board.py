"""The coach's week board (plans/board.py, plans/_week_body.html): compact cards, each flag on
the session it concerns in plain words, today and the hard days, and the page's query count.
The clock stands still on Wednesday 2 December 2026, 12:00 in Berlin."""

import re
import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from plans.board import working_sets_label
from plans.domain.types import LiftSet
from tests.factories import LiftSessionFactory, LiftSetFactory, RunSessionFactory
from workouts.models import RunKind, SessionStatus
from workouts.services import DoneValues, log_set

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
WEEK = date(2026, 11, 30)
WEEK_NAME = "2026-W49"
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=BERLIN)


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(WEEK + timedelta(days=day), time(hour, minute), tzinfo=BERLIN)


@pytest.fixture(autouse=True)
def wednesday_noon():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def coach_client(client, coach):
    client.force_login(coach.user)
    return client


def week_page(client, athlete):
    response = client.get(reverse("plans:athlete_week", args=[athlete.pk, WEEK_NAME]))
    assert response.status_code == 200
    return response


def prescribed(athlete, start, *, logged: int = 0, load="147.5", reps=3, rir=1, **fields):
    """Three warm-ups and three working sets, the first `logged` of all six logged."""
    lift = LiftSessionFactory(athlete=athlete, start=start, **fields)
    for order in range(1, 7):
        done = order <= logged
        LiftSetFactory(
            session=lift,
            order=order,
            is_warmup=order <= 3,
            target_reps=(5, 3, 2)[order - 1] if order <= 3 else reps,
            target_load_kg=Decimal(load) * Decimal("0.5") if order <= 3 else Decimal(load),
            target_rir=None if order <= 3 else rir,
            reps=((5, 3, 2)[order - 1] if order <= 3 else reps) if done else None,
            load_kg=Decimal(load) * Decimal("0.5") if done else None,
        )
    return lift


class TextOnly(HTMLParser):
    """The page's words as a reader meets them: text, not attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.words: list[str] = []

    def handle_data(self, data: str) -> None:
        self.words.append(data)


def text_of(html: str) -> str:
    parser = TextOnly()
    parser.feed(html)
    return " ".join(" ".join(parser.words).split())


# ---------------------------------------------------------------------------- one-line cards


def a_set(order, reps, load, rir, *, warmup=False, done=None) -> LiftSet:
    return LiftSet(
        order,
        order,
        warmup,
        reps,
        None if load is None else Decimal(load),
        rir,
        reps=done,
        load_kg=None if done is None else Decimal(load),
        rir=None if done is None else rir,
    )


@pytest.mark.parametrize(
    ("sets", "label"),
    [
        ([a_set(i, 3, "147.5", 1) for i in (1, 2, 3)], "3 × 3 @ 147.5 kg RIR 1"),
        (
            [a_set(1, 5, "60", None, warmup=True)] + [a_set(i, 3, "147.5", 1) for i in (2, 3, 4)],
            "3 × 3 @ 147.5 kg RIR 1",
        ),
        ([a_set(1, 3, "140", 1), a_set(2, 4, "150", 2)], "2 × 3–4 @ 140–150 kg RIR 1–2"),
        ([a_set(1, 3, None, 1), a_set(2, 3, None, 1)], "2 × 3 RIR 1"),
        ([a_set(1, 3, "100", 1, done=5)], "1 × 5 @ 100 kg RIR 1"),
        ([a_set(1, 5, "60", None, warmup=True)], "no working sets"),
    ],
    ids=["uniform", "warm-ups left out", "ranges", "no load yet", "logged reps count", "none"],
)
def test_working_sets_in_one_line(sets, label):
    assert working_sets_label(tuple(sets)) == label


def test_a_deadlift_and_a_run_each_read_as_one_line(coach_client, athlete):
    prescribed(athlete, local(3, 17), logged=2)
    RunSessionFactory(
        athlete=athlete,
        kind=RunKind.INTERVAL,
        start=local(3, 7),
        duration_minutes=50,
        distance_km=Decimal("10.00"),
    )
    html = week_page(coach_client, athlete).content.decode()
    text = text_of(html)
    assert "17:00 Deadlift · 3 × 3 @ 147.5 kg RIR 1 · 2/6 logged" in text
    assert "07:00 Interval run · 50 min · 10 km" in text
    # The sets open from the line (no script needed), warm-ups and working sets numbered apart,
    # as the phone and the flags name them.
    assert re.search(r"<details class=\"card-sets\">\s*<summary", html)
    assert "Warm-up 3" in text and "Warm-up 4" not in text
    assert "Set 1 3 × 147.5 @1 —" in text and "Set 4" not in text


def test_today_hard_days_and_missed_sessions_are_marked(coach_client, athlete):
    RunSessionFactory(athlete=athlete, kind=RunKind.INTERVAL, start=local(0, 7))  # missed
    RunSessionFactory(athlete=athlete, kind=RunKind.INTERVAL, start=local(3, 7))
    response = week_page(coach_client, athlete)
    html = response.content.decode()
    columns = response.context["columns"]
    assert [c.is_today for c in columns] == [False, False, True, False, False, False, False]
    assert [c.is_hard_day for c in columns] == [True, False, False, True, False, False, False]
    assert html.count('aria-current="date"') == 1
    assert html.count("is-hard-day") == 2
    assert html.count("data-missed") == 1
    # A missed session can still be moved ahead; a session that cannot move offers no control.
    assert html.count(">Move to…<") == 2


def test_done_and_logged_sessions_offer_no_move(coach_client, athlete):
    prescribed(athlete, local(3, 17), logged=1)
    RunSessionFactory(athlete=athlete, start=local(1, 7), status=SessionStatus.DONE)
    html = week_page(coach_client, athlete).content.decode()
    assert ">Move to…<" not in html
    assert 'draggable="true"' not in html


def test_an_unplanned_run_says_so_and_has_no_compliance_colour(coach_client, athlete):
    done = {"status": SessionStatus.DONE, "actual_duration_minutes": 60}
    RunSessionFactory(athlete=athlete, start=local(0, 7), unplanned=True, **done)
    RunSessionFactory(athlete=athlete, start=local(1, 7), **done)  # planned and done: green
    html = week_page(coach_client, athlete).content.decode()
    assert html.count(">Unplanned<") == 1
    assert html.count('data-compliance="green"') == 1


# ---------------------------------------------------------------------------- flags


def test_each_flag_sits_on_the_session_it_concerns(coach_client, athlete):
    run = RunSessionFactory(athlete=athlete, kind=RunKind.INTERVAL, start=local(3, 7))
    lift = prescribed(athlete, local(3, 10))  # ends 3 h after the run: too close
    response = week_page(coach_client, athlete)
    html = response.content.decode()
    [thursday] = [c for c in response.context["columns"] if c.name == "Thursday"]
    by_key = {card.key: card for card in thursday.cards}
    lift_card, run_card = by_key[f"lift-{lift.pk}"], by_key[f"run-{run.pk}"]
    assert [f.violation.code for f in lift_card.flags] == ["deadlift.too_close_to_intervals"]
    assert [f.violation.code for f in run_card.mentions] == ["deadlift.too_close_to_intervals"]
    assert run_card.flags == [] and lift_card.severity == run_card.severity == "error"
    # In full once (its fix beside it), on the deadlift's card; the run links to it.
    card_html = html[html.index(f'id="card-lift-{lift.pk}"') :]
    card_html = card_html[: card_html.index("</article>")]
    assert 'data-code="deadlift.too_close_to_intervals"' in card_html
    assert "Apply fix: Move the deadlift to" in card_html
    assert html.count('<li class="flag') == 1
    assert 'href="#flag-deadlift-too_close_to_intervals"' in html


def test_a_run_numbered_like_a_flagged_lift_is_not_flagged(coach_client, athlete):
    lift = prescribed(athlete, local(3, 17), reps=5)  # reps out of range: the lift only
    # Runs and lifts number their ids apart: this run shares the lift's.
    RunSessionFactory(id=lift.pk, athlete=athlete, kind=RunKind.INTERVAL, start=local(3, 7))
    response = week_page(coach_client, athlete)
    cards = [card for column in response.context["columns"] for card in column.cards]
    [run_card] = [card for card in cards if card.model == "run"]
    assert run_card.flags == [] and run_card.mentions == [] and run_card.severity == ""


def test_a_week_without_its_deadlift_is_flagged_at_the_top(coach_client, athlete):
    RunSessionFactory(athlete=athlete, kind=RunKind.INTERVAL, start=local(3, 7))
    response = week_page(coach_client, athlete)
    html = response.content.decode()
    assert [f.violation.code for f in response.context["week_flags"]] == ["deadlift.missing"]
    top = html[html.index('class="board-week-flags"') : html.index('class="board"')]
    assert 'data-code="deadlift.missing"' in top
    assert "Apply fix: Schedule this week&#x27;s deadlift" in top


def test_flags_read_in_plain_words_with_the_advice_apart(coach_client, athlete):
    prescribed(athlete, local(3, 17), rir=0)
    html = week_page(coach_client, athlete).content.decode()
    text = text_of(html)
    # The rule codes stay in the markup (data-code), never in what is read.
    assert 'data-code="deadlift.to_failure"' in html
    assert "deadlift." not in text.replace("deadlift. ", "")
    assert not re.search(r"deadlift\.[a-z_]+", text)
    assert (
        "Error Set to failure Deadlift on Thu 17:00: set 1 targets RIR 0, set 2 targets RIR 0 "
        "and set 3 targets RIR 0."
    ) in text
    assert "The advice: Leave 1 rep in the tank, never go to failure on technical lifts" in text
    assert ': "' not in text


def test_a_clean_week_says_so(coach_client, athlete):
    RunSessionFactory(athlete=athlete, kind=RunKind.INTERVAL, start=local(3, 7))
    prescribed(athlete, local(3, 17))
    text = text_of(week_page(coach_client, athlete).content.decode())
    assert "This week follows every rule." in text


# ---------------------------------------------------------------------------- queries


def busy_week(athlete, extra_runs: int) -> None:
    RunSessionFactory(athlete=athlete, kind=RunKind.INTERVAL, start=local(1, 7))
    prescribed(athlete, local(3, 17), logged=2)
    prescribed(athlete, local(4, 17))  # a second deadlift: a flag with a fix
    for n in range(extra_runs):
        RunSessionFactory(athlete=athlete, start=local(n % 7, 6, 15))


@pytest.mark.parametrize("extra_runs", [1, 12])
def test_the_week_page_runs_a_fixed_number_of_queries(
    coach_client, athlete, extra_runs, django_assert_num_queries
):
    busy_week(athlete, extra_runs)
    url = reverse("plans:athlete_week", args=[athlete.pk, WEEK_NAME])
    # The session and the user; the athlete in the coach's scope; the plan, the runs within
    # reach, the lifts (the e1RM's 42 days with them) and their sets; the fixes read nothing.
    with django_assert_num_queries(7):
        assert coach_client.get(url).status_code == 200


def test_a_move_runs_a_fixed_number_of_queries(coach_client, athlete, django_assert_num_queries):
    busy_week(athlete, 3)
    run = RunSessionFactory(athlete=athlete, start=local(5, 9))
    url = reverse("workouts:run_move", args=[athlete.pk, run.pk])
    # The week page's reads around the move: the session (the access check's, then again
    # under the lock), the plan of its new start, the write in a savepoint.
    with django_assert_num_queries(13):
        response = coach_client.post(
            url, {"day": "2026-12-06", "time": "09:00"}, headers={"HX-Request": "true"}
        )
    assert "Moved the easy run to Sun 09:00" in response.content.decode()


# ---------------------------------------------------------------------------- autoregulation


def test_an_adjusted_target_shows_its_original_and_why_only_where_they_differ(
    coach_client, athlete
):
    athlete.autoregulate_coach_targets = True  # the factory's targets carry no scheduler reason
    athlete.save()
    lift = prescribed(athlete, local(1, 17), load="150")
    untouched = prescribed(athlete, local(3, 17), load="150")
    log_set(
        session=lift,
        client_id=uuid.uuid4(),
        values=DoneValues(reps=3, load_kg=Decimal("150"), rir=3),
        order=4,
    )
    html = week_page(coach_client, athlete).content.decode()
    card = html[html.index(f'id="card-lift-{lift.pk}"') :]
    card = card[: card.index("</article>")]
    reason = "adjusted after set 1: 3 reps at RIR 3 → e1RM 179.2 kg"
    rows = re.findall(r"<tr[^>]*>.*?</tr>", card, re.S)
    adjusted = [text_of(row) for row in rows if "data-adjusted" in row]
    assert adjusted == [
        f"2 Set 2 3 × 157.5 @1 was 150 kg {reason} —",
        f"3 Set 3 3 × 157.5 @1 was 150 kg {reason} —",
    ]
    assert f'title="{reason}"' in card
    # Set 1 (logged) and the warm-ups keep their targets; the other deadlift shows no original.
    assert len([row for row in rows if "<del" in row]) == 2
    other = html[html.index(f'id="card-lift-{untouched.pk}"') :]
    assert "data-adjusted" not in other[: other.index("</article>")]
