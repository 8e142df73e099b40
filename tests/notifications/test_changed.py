"""A published week that changes: one email per burst of edits, listing what changed."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives

from athletes.models import Athlete, Coach
from notifications import services
from notifications.models import EmailPreferences, WeekNotice
from plans import services as plan_services
from tests.factories import RunSessionFactory
from tests.notifications.conftest import W50, athlete_with_week, later, publish
from workouts.models import LiftSession, LiftSet, RunKind, RunSession, SessionStatus

pytestmark = pytest.mark.django_db


def published(coach: Coach) -> Athlete:
    athlete = athlete_with_week(coach)
    publish([athlete])
    services.sweep(now=later(1))
    assert len(mail.outbox) == 1
    mail.outbox.clear()
    return athlete


def test_a_burst_of_edits_makes_one_email_listing_them(coach: Coach, at_now: Any) -> None:
    athlete = published(coach)
    run = RunSession.objects.get(athlete=athlete)
    lift = LiftSession.objects.get(athlete=athlete)
    # 10:00: the coach moves the interval run an hour later and adds an easy run on Thursday.
    run.start += timedelta(hours=1)
    run.save()
    RunSessionFactory(
        athlete=athlete, kind=RunKind.EASY, start=datetime(2026, 12, 10, 6, 0, tzinfo=UTC),
        duration_minutes=45,
    )  # fmt: skip
    assert services.sweep(now=later(10)).changed == 0  # seen; waiting for quiet
    # 10:03: and lowers the deadlift's working load.
    LiftSet.objects.filter(session=lift, is_warmup=False).update(target_load_kg=Decimal("145"))
    assert services.sweep(now=later(13)).changed == 0
    # Quiet since the sweep at 13 saw the last edit: not yet at 17, sent at 18.
    assert services.sweep(now=later(17)).changed == 0
    assert services.sweep(now=later(13) + services.QUIET).changed == 1
    (message,) = mail.outbox
    assert message.subject == "Your training week 2026-W50 changed"
    assert message.to == [athlete.user.email]
    assert "- Moved: Interval run, from Tue 8 Dec 07:00 to Tue 8 Dec 08:00\n" in message.body
    assert (
        "- Changed: Deadlift, Tue 8 Dec 18:00: now 60 min, warm-up 5 at 60 kg, 3 at 90 kg, "
        "2 at 120 kg; 3 × 3 at 145 kg, RIR 1 (was 60 min, warm-up 5 at 60 kg, 3 at 90 kg, "
        "2 at 120 kg; 3 × 3 at 150 kg, RIR 1)\n" in message.body
    )
    assert "- Added: Easy run, Thu 10 Dec 07:00\n" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/unsubscribe/" in message.extra_headers["List-Unsubscribe"]
    assert isinstance(message, EmailMultiAlternatives)
    ((html, _),) = message.alternatives
    assert isinstance(html, str)
    assert "Added: Easy run, Thu 10 Dec 07:00" in html
    # Nothing more until the next edit.
    assert services.sweep(now=later(60)) == services.SweepResult(0, 0, 0)
    run.delete()
    services.sweep(now=later(61))
    services.sweep(now=later(61) + services.QUIET)
    assert mail.outbox[1].body.count("- Removed: Interval run, Tue 8 Dec 08:00\n") == 1


def test_the_scheduler_moving_the_deadlift_in_bulk_counts(coach: Coach, at_now: Any) -> None:
    athlete = published(coach)
    # A bulk write, no model signal: the revision triggers still see it.
    LiftSession.objects.filter(athlete=athlete).update(
        start=datetime(2026, 12, 9, 17, 0, tzinfo=UTC)
    )
    services.sweep(now=later(10))
    services.sweep(now=later(10) + services.QUIET)
    (message,) = mail.outbox
    assert "Moved: Deadlift, from Tue 8 Dec 18:00 to Wed 9 Dec 18:00" in message.body


def test_the_athletes_own_logging_is_not_a_change(coach: Coach, at_now: Any) -> None:
    athlete = published(coach)
    lift = LiftSession.objects.get(athlete=athlete)
    first = LiftSet.objects.filter(session=lift).order_by("order").first()
    assert first is not None
    first.reps, first.load_kg, first.rir = 5, Decimal("60"), 4
    first.save()
    # Autoregulation re-targets the sets not logged yet: still the athlete's doing.
    LiftSet.objects.filter(session=lift, reps__isnull=True, is_warmup=False).update(
        target_load_kg=Decimal("152.5")
    )
    RunSession.objects.filter(athlete=athlete).update(status=SessionStatus.DONE)
    for minute in (10, 20, 30):
        services.sweep(now=later(minute))
    assert mail.outbox == []
    notice = WeekNotice.objects.get(athlete=athlete)
    assert notice.pending_revision is None  # caught up: nothing waiting


def test_an_edit_undone_before_the_email_sends_nothing(coach: Coach, at_now: Any) -> None:
    athlete = published(coach)
    run = RunSession.objects.get(athlete=athlete)
    start = run.start
    run.start = start + timedelta(hours=2)
    run.save()
    services.sweep(now=later(10))
    run.start = start
    run.save()
    services.sweep(now=later(11))
    services.sweep(now=later(30))
    assert mail.outbox == []


def test_changed_off_sends_nothing_and_the_week_is_followed_on(coach: Coach, at_now: Any) -> None:
    athlete = published(coach)
    EmailPreferences.objects.create(user=athlete.user, week_changed=False)
    RunSession.objects.filter(athlete=athlete).update(duration_minutes=50)
    services.sweep(now=later(10))
    services.sweep(now=later(20))
    assert mail.outbox == []
    # Turned on again: only what changes from now on is told.
    EmailPreferences.objects.filter(user=athlete.user).update(week_changed=True)
    RunSession.objects.filter(athlete=athlete).update(duration_minutes=40)
    services.sweep(now=later(30))
    services.sweep(now=later(40))
    (message,) = mail.outbox
    assert "now 40 min (was 50 min)" in message.body


def test_draft_weeks_tell_nothing(coach: Coach, at_now: Any) -> None:
    athlete = athlete_with_week(coach)
    RunSession.objects.filter(athlete=athlete).update(duration_minutes=50)
    for minute in (1, 10, 20):
        services.sweep(now=later(minute))
    assert mail.outbox == []
    assert not WeekNotice.objects.exists()
    assert plan_services.publish_week(athletes=[athlete], week=W50) == 1


def test_a_failed_send_is_tried_again(coach: Coach, at_now: Any, settings: Any) -> None:
    athlete = published(coach)
    RunSession.objects.filter(athlete=athlete).update(duration_minutes=50)
    services.sweep(now=later(10))
    locmem = settings.MAILERS
    settings.MAILERS = {
        "default": {"BACKEND": "tests.notifications.test_published.RefusingBackend"}
    }
    assert services.sweep(now=later(20)).changed == 0
    settings.MAILERS = locmem
    assert services.sweep(now=later(21)).changed == 1
    (message,) = mail.outbox
    assert "now 50 min (was 60 min)" in message.body
