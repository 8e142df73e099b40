"""A published week: one email per athlete, whichever way the week was published."""

import email.policy
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client

from athletes.models import Coach
from notifications import services
from notifications.models import EmailPreferences, WeekNotice
from plan_templates import services as template_services
from plans.models import PlanStatus, WeeklyPlan
from tests.notifications.conftest import NOW, W50, athlete_with_week, later, publish
from tests.plan_templates.documents import FOUR_WEEKS

pytestmark = pytest.mark.django_db


def test_one_email_per_athlete_with_the_deadlift_and_its_loads(coach: Coach, at_now: Any) -> None:
    ada = athlete_with_week(coach, name="Ada")
    bo = athlete_with_week(coach, name="Bo", zone="America/New_York")
    WeeklyPlan.objects.filter(athlete=ada).update(coach_note="Easy on the stairs.")
    publish([ada, bo])
    assert mail.outbox == []  # the worker sends, not the request
    assert services.sweep(now=later(1)).published == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([ada.user.email, bo.user.email])
    first = next(m for m in mail.outbox if m.to == [ada.user.email])
    assert first.subject == "Your training week 2026-W50 is ready"
    assert "Hi Ada," in first.body
    assert "Easy on the stairs." in first.body
    # Berlin: the interval run at 07:00, the deadlift at 18:00 with its loads.
    assert "- Tue 07:00: Interval run, 60 min" in first.body
    assert (
        "- Tue 18:00: Deadlift, 60 min (warm-up 5 at 60 kg, 3 at 90 kg, 2 at 120 kg; "
        "3 × 3 at 150 kg, RIR 1)" in first.body
    )
    assert "http://localhost:8000/me/week/2026-W50/" in first.body
    assert isinstance(first, EmailMultiAlternatives)
    ((html, mimetype),) = first.alternatives
    assert isinstance(html, str)
    assert mimetype == "text/html"
    assert "3 × 3 at 150 kg, RIR 1" in html
    assert 'href="http://localhost:8000/me/week/2026-W50/"' in html
    link = first.extra_headers["List-Unsubscribe"]
    assert link.startswith("<http://localhost:8000/unsubscribe/") and link.endswith("/>")
    assert first.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link[1:-1] in first.body and link[1:-1] in html
    # On the wire (the SMTP mailer's policy), verbatim: not folded into encoded words.
    wire = first.message(policy=email.policy.SMTP).as_bytes()
    assert f"\r\nList-Unsubscribe: {link}\r\n".encode() in wire
    assert b"\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" in wire
    # New York sees its own clock.
    other = next(m for m in mail.outbox if m.to == [bo.user.email])
    assert "- Tue 01:00: Interval run" in other.body
    # Sweeping again, later, sends nothing more.
    assert services.sweep(now=later(2)) == services.SweepResult(0, 0, 0)
    assert services.sweep(now=later(30)) == services.SweepResult(0, 0, 0)
    assert len(mail.outbox) == 2


def test_the_site_url_setting_makes_the_links(coach: Coach, at_now: Any, settings: Any) -> None:
    settings.SITE_URL = "https://app.example.org"
    athlete = publish_one(coach)
    (message,) = mail.outbox
    assert "https://app.example.org/me/week/2026-W50/" in message.body
    assert message.extra_headers["List-Unsubscribe"].startswith(
        "<https://app.example.org/unsubscribe/"
    )
    assert message.to == [athlete.user.email]


def publish_one(coach: Coach) -> Any:
    athlete = athlete_with_week(coach)
    publish([athlete])
    services.sweep(now=later(1))
    return athlete


def test_the_dashboard_and_athlete_page_publish_buttons_send_one_each(
    coach: Coach, at_now: Any
) -> None:
    ada, bo = athlete_with_week(coach), athlete_with_week(coach)
    client = Client()
    client.force_login(coach.user)
    response = client.post(f"/athletes/{ada.pk}/week/2026-W50/publish/")
    assert response.status_code == 302
    services.sweep(now=later(1))
    assert [m.to for m in mail.outbox] == [[ada.user.email]]
    response = client.post("/dashboard/publish/", {"week": "2026-W50"})
    assert response.status_code == 302
    services.sweep(now=later(2))
    assert [m.to for m in mail.outbox] == [[ada.user.email], [bo.user.email]]


def test_the_api_publish_sends_one(coach: Coach, at_now: Any) -> None:
    from tests.api.conftest import client_for

    athlete = athlete_with_week(coach)
    response = client_for(coach.user).post(f"/api/v1/athletes/{athlete.pk}/weeks/2026-W50/publish/")
    assert response.status_code == 200, response.content
    services.sweep(now=later(1))
    assert [m.to for m in mail.outbox] == [[athlete.user.email]]


def test_a_template_rollout_sends_one_when_each_week_is_due(coach: Coach, at_now: Any) -> None:
    athlete = athlete_with_week(coach)
    template = template_services.replace_template(None, coach=coach, data=FOUR_WEEKS)
    # Week 1 of the block is 2026-W50: due at once when published 6 days before.
    template_services.apply(
        template, [template_services.Target(athlete, W50)], publish_days_before=6, now=NOW
    )
    assert WeeklyPlan.objects.get(athlete=athlete, week_start=W50).status == PlanStatus.PUBLISHED
    services.sweep(now=later(1))
    assert [m.subject for m in mail.outbox] == ["Your training week 2026-W50 is ready"]
    # 2026-W51 is due on Tuesday 8 December, 00:00 Berlin: publish_due (task or cron).
    tuesday = datetime(2026, 12, 7, 23, 0, tzinfo=UTC)
    assert template_services.publish_due(now=tuesday - timedelta(minutes=1)) == 0
    assert template_services.publish_due(now=tuesday) == 1
    services.sweep(now=tuesday + timedelta(minutes=1))
    assert [m.subject for m in mail.outbox][1:] == ["Your training week 2026-W51 is ready"]


def test_off_sends_nothing_but_the_week_is_followed(coach: Coach, at_now: Any) -> None:
    athlete = athlete_with_week(coach)
    EmailPreferences.objects.create(user=athlete.user, week_published=False)
    publish([athlete])
    assert services.sweep(now=later(1)).published == 0
    assert mail.outbox == []
    notice = WeekNotice.objects.get(athlete=athlete)
    assert notice.published_sent_at is None and len(notice.snapshot) == 2


def test_no_address_or_inactive_sends_nothing(coach: Coach, at_now: Any) -> None:
    quiet, gone = athlete_with_week(coach), athlete_with_week(coach)
    quiet.user.email = ""
    quiet.user.save()
    gone.user.is_active = False
    gone.user.save()
    publish([quiet, gone])
    services.sweep(now=later(1))
    assert mail.outbox == []


def test_a_week_published_long_ago_or_over_is_not_announced(coach: Coach, at_now: Any) -> None:
    athlete = athlete_with_week(coach)
    publish([athlete])
    # The first sweep after more than a day (the app deployed today, a worker down a day).
    assert services.sweep(now=NOW + services.ANNOUNCE_WITHIN + timedelta(seconds=1)).published == 0
    assert services.sweep(now=NOW + services.ANNOUNCE_WITHIN).published == 1


def test_the_sweep_reads_in_a_fixed_number_of_queries(
    coach: Coach, at_now: Any, django_assert_num_queries: Any
) -> None:
    athletes = [athlete_with_week(coach) for _ in range(3)]
    publish(athletes)
    keys = [(a.pk, W50) for a in athletes]
    # Runs, lifts, their sets: whatever the number of weeks.
    with django_assert_num_queries(3):
        weeks = services.snapshots(keys)
    assert all(len(week) == 2 for week in weeks.values())
    with django_assert_num_queries(3):
        services.snapshots(keys[:1])


class RefusingBackend(BaseEmailBackend):
    """An SMTP server that is down."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        raise ConnectionRefusedError("the SMTP server is down")


def test_a_failed_send_is_tried_again_on_the_next_sweep(
    coach: Coach, at_now: Any, settings: Any
) -> None:
    athlete = athlete_with_week(coach)
    publish([athlete])
    locmem = settings.MAILERS
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.RefusingBackend"}}
    assert services.sweep(now=later(1)).published == 0
    assert not WeekNotice.objects.exists()  # the claim was undone
    settings.MAILERS = locmem
    assert services.sweep(now=later(2)).published == 1
    assert [m.to for m in mail.outbox] == [[athlete.user.email]]


def test_a_week_another_worker_claimed_is_not_sent_twice(coach: Coach, at_now: Any) -> None:
    athlete = athlete_with_week(coach)
    publish([athlete])
    # Another worker's sweep got there first: its notice row is the claim.
    WeekNotice.objects.create(athlete=athlete, week_start=W50, revision=0, snapshot={})
    assert services.sweep(now=later(1)).published == 0
    assert mail.outbox == []


def test_an_idle_sweep_is_three_queries(
    coach: Coach, at_now: Any, django_assert_num_queries: Any
) -> None:
    athletes = [athlete_with_week(coach) for _ in range(3)]
    publish(athletes)
    services.sweep(now=later(1))
    # Every minute on the worker: weeks to announce, told weeks whose revision moved, the
    # daily emails on; nothing more when nothing is due.
    with django_assert_num_queries(3):
        assert services.sweep(now=later(2)) == services.SweepResult(0, 0, 0)


def test_an_athlete_in_pounds_reads_the_loads_in_pounds(coach: Coach, at_now: Any) -> None:
    ada = athlete_with_week(coach, name="Ada")
    ada.units = "lb"
    ada.save(update_fields=["units"])
    # 150 kg is 330.69 lb; a load typed as 325 lb is stored exactly and reads back 325 lb.
    lift_set = ada.liftsession_set.get().sets.filter(is_warmup=False).first()
    assert lift_set is not None
    lift_set.target_load_kg = Decimal("147.41752025")
    lift_set.save(update_fields=["target_load_kg"])
    publish([ada])
    assert services.sweep(now=later(1)).published == 1
    (sent,) = mail.outbox
    assert "325 lb" in sent.body
    assert "330.69 lb" in sent.body
    assert " kg" not in sent.body
