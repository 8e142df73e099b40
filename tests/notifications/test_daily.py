"""The daily email: today's sessions at the athlete's chosen local time, once a local day,
on both sides of DST changes and time-zone boundaries."""

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client

from athletes.models import Athlete, Coach
from notifications import services
from notifications.models import EmailPreferences
from plans.domain.weeks import week_of
from tests.factories import AthleteFactory, LiftSessionFactory, RunSessionFactory
from tests.notifications.conftest import W50, add_sets
from tests.notifications.conftest import publish as publish_now
from workouts.models import RunKind, SessionStatus

pytestmark = pytest.mark.django_db


# Every week here was published long before the day it is read on: the sweep that sends the
# daily email also announces a week published within the last day, and the suite runs under a
# clock on every day of the week (IRONSTRIDE_CLOCK), which can be that day.
PUBLISHED_LONG_AGO = datetime(2026, 10, 1, tzinfo=UTC)


def publish(athletes: list[Athlete], monday: date = W50) -> int:
    with time_machine.travel(PUBLISHED_LONG_AGO, tick=False):
        return publish_now(athletes, monday)


def daily_athlete(coach: Coach, zone: str, at: time, *runs: datetime) -> Athlete:
    athlete = AthleteFactory(coach=coach, time_zone=zone)
    athlete.user.email = f"{athlete.user.username}@example.com"
    athlete.user.save()
    EmailPreferences.objects.create(user=athlete.user, daily=True, daily_time=at)
    for start in runs:
        RunSessionFactory(athlete=athlete, kind=RunKind.TEMPO, start=start)
        publish([athlete], week_of(start, athlete.tz))
    return athlete


def sent_at(moment: datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return services.sweep(now=moment).daily


# New York: EST (UTC-5) until Sunday 14 March 2027 02:00, then EDT (UTC-4).
@pytest.mark.parametrize(
    ("day", "run_utc", "due_utc"),
    [
        pytest.param(date(2027, 3, 12), datetime(2027, 3, 12, 22, tzinfo=UTC),
                     datetime(2027, 3, 12, 11, tzinfo=UTC), id="Friday before DST"),
        pytest.param(date(2027, 3, 15), datetime(2027, 3, 15, 22, tzinfo=UTC),
                     datetime(2027, 3, 15, 10, tzinfo=UTC), id="Monday after DST"),
    ],
)  # fmt: skip
def test_sent_at_the_local_time_on_both_sides_of_dst(
    coach: Coach, day: date, run_utc: datetime, due_utc: datetime
) -> None:
    athlete = daily_athlete(coach, "America/New_York", time(6), run_utc)
    assert sent_at(due_utc - timedelta(minutes=1)) == 0
    assert sent_at(due_utc) == 1
    (message,) = mail.outbox
    assert message.to == [athlete.user.email]
    assert message.subject == f"Today's training, {day:%a} {day.day} {day:%b}"
    local = run_utc.astimezone(athlete.tz)
    assert f"- {local:%a %H:%M}: Tempo run, 60 min" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Once a day: later sweeps that day send nothing; the next morning is another day.
    assert sent_at(due_utc + timedelta(minutes=30)) == 0
    assert sent_at(due_utc + timedelta(hours=3)) == 0
    assert EmailPreferences.objects.get(user=athlete.user).daily_sent_on == day


def test_a_time_the_spring_jump_skips_goes_just_after_it(coach: Coach) -> None:
    # 02:30 does not exist on 14 March 2027 in New York: 01:59 EST is followed by 03:00 EDT.
    run = datetime(2027, 3, 14, 15, tzinfo=UTC)
    daily_athlete(coach, "America/New_York", time(2, 30), run)
    assert sent_at(datetime(2027, 3, 14, 6, 59, tzinfo=UTC)) == 0  # 01:59 EST
    assert sent_at(datetime(2027, 3, 14, 7, 0, tzinfo=UTC)) == 1  # 03:00 EDT


def test_a_time_the_autumn_fall_repeats_goes_once(coach: Coach) -> None:
    # 01:30 happens twice on 7 November 2027 in New York (EDT, then EST an hour later).
    run = datetime(2027, 11, 7, 15, tzinfo=UTC)
    daily_athlete(coach, "America/New_York", time(1, 30), run)
    assert sent_at(datetime(2027, 11, 7, 5, 29, tzinfo=UTC)) == 0
    assert sent_at(datetime(2027, 11, 7, 5, 30, tzinfo=UTC)) == 1  # 01:30 EDT
    assert sent_at(datetime(2027, 11, 7, 6, 30, tzinfo=UTC)) == 0  # 01:30 EST, again
    assert len(mail.outbox) == 1


def test_today_is_the_athletes_local_day(coach: Coach) -> None:
    # Auckland (UTC+13 in December): Thursday 3 December 06:00 local is Wednesday 17:00 UTC.
    # A run on Wednesday 2 December at 20:00 UTC is Thursday 09:00 local: today. One on
    # Wednesday 2 December 09:00 UTC is Wednesday 22:00 local: yesterday.
    today = datetime(2026, 12, 2, 20, tzinfo=UTC)
    yesterday = datetime(2026, 12, 2, 9, tzinfo=UTC)
    daily_athlete(coach, "Pacific/Auckland", time(6), today, yesterday)
    assert sent_at(datetime(2026, 12, 2, 16, 59, tzinfo=UTC)) == 0
    assert sent_at(datetime(2026, 12, 2, 17, 0, tzinfo=UTC)) == 1
    (message,) = mail.outbox
    assert "Thu 3 Dec" in message.subject
    assert "- Thu 09:00: Tempo run" in message.body
    assert "Wed 22:00" not in message.body


def test_late_within_the_grace_hour_then_not_that_day(coach: Coach) -> None:
    run = datetime(2026, 12, 2, 16, tzinfo=UTC)
    daily_athlete(coach, "UTC", time(6), run)
    assert sent_at(datetime(2026, 12, 2, 6, 59, tzinfo=UTC)) == 1
    mail.outbox.clear()
    EmailPreferences.objects.update(daily_sent_on=None)
    assert sent_at(datetime(2026, 12, 2, 7, 0, tzinfo=UTC)) == 0


def test_nothing_today_or_not_published_or_off_sends_nothing(coach: Coach) -> None:
    rest = daily_athlete(coach, "UTC", time(6))
    draft = daily_athlete(coach, "UTC", time(6))
    RunSessionFactory(athlete=draft, start=datetime(2026, 12, 2, 16, tzinfo=UTC))  # a draft week
    off = daily_athlete(coach, "UTC", time(6), datetime(2026, 12, 2, 16, tzinfo=UTC))
    EmailPreferences.objects.filter(user=off.user).update(daily=False)
    skipped = daily_athlete(coach, "UTC", time(6), datetime(2026, 12, 2, 16, tzinfo=UTC))
    skipped.runsession_set.update(status=SessionStatus.SKIPPED)
    assert sent_at(datetime(2026, 12, 2, 6, tzinfo=UTC)) == 0
    assert mail.outbox == []
    assert rest.pk


def test_the_daily_email_carries_the_deadlift_loads(coach: Coach) -> None:
    athlete = daily_athlete(coach, "UTC", time(6))
    lift = LiftSessionFactory(athlete=athlete, start=datetime(2026, 12, 2, 17, tzinfo=UTC))
    add_sets(lift)
    publish([athlete], date(2026, 11, 30))
    assert sent_at(datetime(2026, 12, 2, 6, tzinfo=UTC)) == 1
    assert "3 × 3 at 150 kg, RIR 1" in mail.outbox[0].body


def test_many_athletes_in_a_fixed_number_of_queries(
    coach: Coach, django_assert_num_queries: Any
) -> None:
    def athletes(count: int) -> None:
        for _ in range(count):
            daily_athlete(coach, "UTC", time(6), datetime(2026, 12, 2, 16, tzinfo=UTC))

    moment = datetime(2026, 12, 2, 6, tzinfo=UTC)
    athletes(2)
    # Reading: the preferences, the runs, the lifts (and no sets without lifts); then one
    # claim per athlete. Two athletes: 3 + 2.
    with time_machine.travel(moment, tick=False), django_assert_num_queries(5):
        assert services.send_daily(now=moment) == 2
    EmailPreferences.objects.update(daily_sent_on=None)
    athletes(3)
    with time_machine.travel(moment, tick=False), django_assert_num_queries(3 + 5):
        assert services.send_daily(now=moment) == 5


def test_a_coach_gets_the_rosters_day_on_the_coaches_clock(coach: Coach) -> None:
    coach.time_zone = "America/New_York"
    coach.save()
    coach.user.email = "coach@example.com"
    coach.user.save()
    EmailPreferences.objects.create(user=coach.user, daily=True, daily_time=time(6))
    ada = daily_athlete(coach, "Europe/Berlin", time(6), datetime(2026, 12, 2, 16, tzinfo=UTC))
    ada.user.first_name, ada.user.last_name = "Ada", "Lovelace"
    ada.user.save()
    bo = AthleteFactory(coach=coach, time_zone="UTC")
    bo.user.first_name, bo.user.last_name = "Bo", "Diddley"
    bo.user.save()
    # A draft: the coach sees it, the athlete does not.
    RunSessionFactory(athlete=bo, kind=RunKind.LONG, start=datetime(2026, 12, 2, 23, tzinfo=UTC))
    # Tomorrow in New York (Thursday 05:30 UTC is 00:30 there): not in Wednesday's email.
    RunSessionFactory(athlete=bo, start=datetime(2026, 12, 3, 5, 30, tzinfo=UTC))
    other = AthleteFactory(time_zone="UTC")  # another coach's
    RunSessionFactory(athlete=other, start=datetime(2026, 12, 2, 16, tzinfo=UTC))
    assert sent_at(datetime(2026, 12, 2, 5, tzinfo=UTC)) == 1  # Ada's 06:00 Berlin
    assert sent_at(datetime(2026, 12, 2, 10, 59, tzinfo=UTC)) == 0
    assert sent_at(datetime(2026, 12, 2, 11, 0, tzinfo=UTC)) == 1  # 06:00 New York
    message = mail.outbox[-1]
    assert message.to == ["coach@example.com"]
    assert message.subject == "Your athletes today, Wed 2 Dec"
    assert message.body.index("Ada Lovelace\n- Wed 11:00: Tempo run") < message.body.index(
        "Bo Diddley\n- Wed 18:00: Long run"
    )
    assert "Thu" not in message.body
    assert message.body.count("\n- ") == 2
    assert "http://localhost:8000/dashboard/" in message.body


def test_a_failed_send_is_tried_again_within_the_hour(coach: Coach, settings: Any) -> None:
    daily_athlete(coach, "UTC", time(6), datetime(2026, 12, 2, 16, tzinfo=UTC))
    locmem = settings.MAILERS
    settings.MAILERS = {
        "default": {"BACKEND": "tests.notifications.test_published.RefusingBackend"}
    }
    assert sent_at(datetime(2026, 12, 2, 6, tzinfo=UTC)) == 0
    assert EmailPreferences.objects.get().daily_sent_on is None
    settings.MAILERS = locmem
    assert sent_at(datetime(2026, 12, 2, 6, 1, tzinfo=UTC)) == 1


def test_the_link_in_a_daily_email_turns_the_daily_email_off(coach: Coach) -> None:
    # The done-when: an athlete turns the daily email off from the link in it, a click
    # from the mail client (RFC 8058: no session, no CSRF token), and the next day has none.
    athlete = daily_athlete(
        coach,
        "UTC",
        time(6),
        datetime(2026, 12, 2, 17, tzinfo=UTC),
        datetime(2026, 12, 3, 17, tzinfo=UTC),
    )
    assert sent_at(datetime(2026, 12, 2, 6, tzinfo=UTC)) == 1
    (daily,) = mail.outbox
    link = daily.extra_headers["List-Unsubscribe"][1:-1]
    assert link in daily.body
    response = Client(enforce_csrf_checks=True).post(
        link.removeprefix("http://localhost:8000"),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    preferences = EmailPreferences.objects.get(user=athlete.user)
    assert (preferences.daily, preferences.week_published, preferences.week_changed) == (
        False, True, True,
    )  # fmt: skip
    assert sent_at(datetime(2026, 12, 3, 6, tzinfo=UTC)) == 0
    assert len(mail.outbox) == 1
