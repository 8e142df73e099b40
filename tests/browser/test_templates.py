"""Issue 15's "done when", in a real browser: a coach builds a 4-week template, previews it on
three athletes in different time zones, applies it, sees every week's deadlift placed on each
athlete's week board, has the weeks publish themselves on schedule with a worker running, and
undoes it.

The worker is Django's own `db_worker --batch` (django-tasks-db), called in the test's process
with call_command: it reads the same test database as the live server, runs what is queued and
due, and exits. The clock is travelled (time-machine, every thread) to when the rollout is due."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from plan_templates.models import AppliedLift, ApplyBatch, BatchStatus, TemplateApplication
from plans.domain.weeks import Week
from plans.models import PlanStatus, WeeklyPlan
from tests.browser.login import log_in
from tests.factories import AthleteFactory, CoachFactory
from workouts.models import Exercise, LiftSession, RunSession

pytestmark = pytest.mark.django_db(transaction=True)

ZONES = {"Anna Lind": "Europe/Berlin", "Ben Brooks": "America/New_York", "Cleo Sato": "Asia/Tokyo"}
# Per template week: (weekday value, local start, kind, minutes). Tuesday is the hard day.
RUNS = [("1", "07:00", "interval", "50"), ("3", "07:00", "easy", "40")]


@pytest.fixture
def roster(page: Page, on_a_monday):
    coach = CoachFactory(user__username="headcoach")
    athletes = {}
    for name, zone in ZONES.items():
        first_name, last_name = name.split()
        athletes[name] = AthleteFactory(
            coach=coach, time_zone=zone, user__first_name=first_name, user__last_name=last_name
        )
    log_in(page, "headcoach")
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    return athletes


def run_the_worker() -> None:
    call_command("db_worker", "--batch", verbosity=0)


def build_the_template(page: Page, screenshots) -> None:
    page.get_by_role("link", name="Templates", exact=True).click()
    page.get_by_role("link", name="New template").click()
    page.get_by_label("Name").fill("Winter base")
    expect(page.locator("fieldset[data-week]")).to_have_count(4)
    # Without JavaScript: "Add a run" posts the form and gets it back with one more row.
    page.get_by_role("button", name="Add a run to week 1").click()
    expect(page.locator('fieldset[data-week="1"] [data-run-row]')).to_have_count(3)
    expect(page.get_by_label("Name")).to_have_value("Winter base")
    for week in (1, 2, 3, 4):
        for row, (weekday, start, kind, minutes) in enumerate(RUNS):
            prefix = f"#id_week{week}-runs-{row}"
            page.locator(f"{prefix}-weekday").select_option(weekday)
            page.locator(f"{prefix}-start_time").fill(start)
            page.locator(f"{prefix}-kind").select_option(kind)
            page.locator(f"{prefix}-duration_minutes").fill(minutes)
    # The last week heavier: 4 x 3.
    page.locator("#id_week4-deadlift_sets").select_option("4")
    page.screenshot(path=screenshots / "template-editor.png", full_page=True)
    page.get_by_role("button", name="Save template").first.click()
    expect(page.get_by_text("Saved the template Winter base.")).to_be_visible()
    listed = page.locator("tr", has_text="Winter base")
    expect(listed.locator('[data-field="weeks"]')).to_have_text("4")
    expect(listed.locator('[data-field="runs-per-week"]')).to_have_text("2")


def test_build_preview_apply_see_the_deadlifts_roll_out_and_undo(
    page: Page, roster, on_a_monday, screenshots
):
    build_the_template(page, screenshots)

    # Preview on three athletes in three zones: nothing written yet.
    page.locator("tr", has_text="Winter base").get_by_role("link", name="Apply").click()
    for name in ZONES:
        page.get_by_label(name, exact=True).check()
    page.get_by_label("Publish each week this many days before it starts").fill("2")
    page.get_by_role("button", name="Preview").click()
    first = Week.of(timezone.now(), roster["Cleo Sato"].tz).next
    for name, athlete in roster.items():
        preview = page.locator(f'[data-preview-athlete="{athlete.pk}"]')
        expect(preview).to_contain_text(f"times in {ZONES[name]}")
        # The runs at the template's local clock time in each athlete's own zone.
        expect(preview.locator("[data-created]", has_text="Tue 07:00 Interval run")).to_have_count(
            4
        )
        # Every week's deadlift placed: on the hard day, 6 h after the interval run.
        deadlifts = preview.locator('[data-field="deadlift"]')
        expect(deadlifts).to_have_count(4)
        for n in range(4):
            expect(deadlifts.nth(n)).to_contain_text(
                re.compile(r"^Tue (1[4-9]|20):\d\d · [34] × 3")
            )
        expect(preview.locator("tr[data-week]").first).to_have_attribute("data-week", first.name)
    page.screenshot(path=screenshots / "template-preview.png", full_page=True)
    assert RunSession.objects.count() == 0
    assert TemplateApplication.objects.count() == 0

    # Apply: a batch on the queue, the page polls it, the worker runs it.
    page.get_by_role("button", name="Apply", exact=True).click()
    status = page.locator("#batch-status")
    expect(status).to_have_attribute("data-status", "queued")
    run_the_worker()
    expect(status).to_have_attribute("data-status", "done", timeout=10_000)  # htmx polling
    expect(status.get_by_role("button", name=re.compile("^Undo"))).to_have_count(3)
    batch = ApplyBatch.objects.get()
    assert (batch.status, batch.athletes_done) == (BatchStatus.DONE, 3)
    page.screenshot(path=screenshots / "template-batch.png", full_page=True)

    # Every week's deadlift, per athlete, on the athlete's week board.
    for athlete in roster.values():
        assert AppliedLift.objects.filter(application__athlete=athlete).count() == 4
        week = Week.of(timezone.now(), athlete.tz).next
        for _ in range(4):
            page.goto(f"/athletes/{athlete.pk}/week/{week}/")
            cards = page.locator('[data-kind="deadlift"]')
            expect(cards).to_have_count(1)
            # On the hard day, the day of the interval run.
            hard_day = page.locator(".board-day.is-hard-day")
            expect(hard_day.locator('[data-kind="interval run"]')).to_have_count(1)
            expect(hard_day.locator('[data-kind="deadlift"]')).to_have_count(1)
            expect(page.locator("#plan-status")).to_have_text("Draft")
            week = week.next

    # The rollout: each week publishes itself 2 days before it starts (local Saturday 00:00).
    # Past that instant for week 1 in every zone (Tokyo's Saturday starts first, New York's
    # last), the worker publishes week 1 and leaves week 2 a draft.
    saturday = first.monday - timedelta(days=2)
    ny_saturday = datetime.combine(saturday, datetime.min.time(), tzinfo=roster["Ben Brooks"].tz)
    with time_machine.travel(ny_saturday.astimezone(UTC) + timedelta(minutes=5), tick=True):
        run_the_worker()
        for athlete in roster.values():
            plans = dict(
                WeeklyPlan.objects.filter(athlete=athlete).values_list("week_start", "status")
            )
            assert plans[first.monday] == PlanStatus.PUBLISHED
            assert plans[first.next.monday] == PlanStatus.DRAFT
        athlete = roster["Ben Brooks"]
        page.goto(f"/athletes/{athlete.pk}/week/{first}/")
        expect(page.locator("#plan-status")).to_have_text("Published")
        page.goto(f"/athletes/{athlete.pk}/week/{first.next}/")
        expect(page.locator("#plan-status")).to_have_text("Draft")

        # Undo, athlete by athlete: what each application created goes.
        page.goto(f"/templates/batches/{batch.pk}/")
        for name in ZONES:
            page.get_by_role("button", name=f"Undo for {name}").click()
            expect(
                page.get_by_text(
                    re.compile(f"Undid Winter base for {name}: removed 8 runs and 4 deadlifts")
                )
            ).to_be_visible()
        expect(page.locator("#batch-status").get_by_text("Undone")).to_have_count(3)
    assert TemplateApplication.objects.count() == 0
    assert RunSession.objects.count() == 0
    assert LiftSession.objects.filter(exercise=Exercise.DEADLIFT).count() == 0
