"""What a coach does in a real browser, on the demo roster."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from athletes.models import Athlete, Coach
from plans import services
from plans.domain.rules import RULES
from plans.domain.weeks import Week, week_bounds
from workouts.models import Exercise, LiftSession

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(page: Page, on_a_monday) -> Page:
    call_command("seed_demo", stdout=StringIO())
    page.goto("/")
    page.get_by_label("Username").fill("coach")
    page.get_by_label("Password").fill("ironstride-demo")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    return page


def this_weeks_deadlifts(athlete: Athlete) -> list[LiftSession]:
    monday = Week.of(timezone.now(), athlete.tz).monday
    start, end = week_bounds(monday, athlete.tz)
    return list(
        LiftSession.objects.filter(
            athlete=athlete, exercise=Exercise.DEADLIFT, start__gte=start, start__lt=end
        )
    )


def fixable_error() -> tuple[Athlete, str]:
    """The demo athlete whose only error this week has a fix."""
    coach = Coach.objects.get()
    monday = Week.of(timezone.now(), coach.tz).monday
    for report in services.evaluate_roster(coach=coach, week=monday):
        for violation in report.errors:
            if violation.fix is not None and len(report.errors) == 1:
                return report.athlete, violation.code
    pytest.fail("The demo week has no fixable error")


def test_apply_a_fix_and_the_badge_disappears(demo: Page, screenshots):
    page = demo
    athlete, code = fixable_error()
    title = RULES[code].title
    row = page.locator(f'tr[data-athlete="{athlete.user.username}"]')
    error_badge = row.locator('[data-severity="error"]')
    expect(error_badge).to_have_text(re.compile("1 error"))
    # Bootstrap moves the title into its tooltip once initialised.
    expect(error_badge).to_have_attribute("data-bs-original-title", title)
    # The badge is reachable by keyboard, and says its rule when focused.
    error_badge.focus()
    expect(page.locator(".tooltip")).to_contain_text(title)
    page.screenshot(path=screenshots / "dashboard.png", full_page=True)
    page.set_viewport_size({"width": 768, "height": 1000})
    page.screenshot(path=screenshots / "dashboard-768.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    row.get_by_role("link", name=athlete.name).click()
    expect(page).to_have_title(re.compile(athlete.name))
    flag = page.locator(f'li[data-code="{code}"]')
    expect(flag).to_be_visible()
    page.screenshot(path=screenshots / "athlete-week.png", full_page=True)
    flag.get_by_role("button", name=re.compile("^Apply fix")).click()
    # In the page, not the live region that announces the same words a moment later.
    expect(page.locator("main").get_by_text(re.compile("^Done: "))).to_be_visible()
    expect(flag).to_have_count(0)

    page.get_by_role("link", name="Dashboard").first.click()
    expect(row.locator('[data-severity="error"]')).to_have_count(0)


def test_schedule_the_roster(demo: Page):
    page = demo
    page.get_by_role("button", name="Schedule the roster's deadlifts").click()
    expect(page.locator("#messages .alert").first).to_contain_text("Scheduled ")
    for athlete in Athlete.objects.filter(is_active=True):
        assert len(this_weeks_deadlifts(athlete)) == 1, athlete


def test_an_interval_three_hours_after_the_deadlift_is_flagged(demo: Page, screenshots):
    page = demo
    liam = Athlete.objects.get(user__username="liam")
    [deadlift] = this_weeks_deadlifts(liam)
    run_start = (deadlift.start + timedelta(hours=3)).astimezone(liam.tz)

    page.locator('tr[data-athlete="liam"]').get_by_role("link", name="Liam Murphy").click()
    expect(page.locator('li[data-code="deadlift.too_close_to_intervals"]')).to_have_count(0)
    page.get_by_role("link", name="Add run").click()
    expect(page).to_have_title(re.compile("Add run"))
    page.get_by_label("Kind").select_option("interval")
    page.get_by_label("Start (athlete's local time)").fill(f"{run_start:%Y-%m-%dT%H:%M}")
    page.get_by_label("Duration (minutes)").fill("50")
    page.get_by_role("button", name="Add run").click()

    expect(page).to_have_title(re.compile("Liam Murphy"))
    expect(page.locator('li[data-code="deadlift.too_close_to_intervals"]')).to_be_visible()
    page.screenshot(path=screenshots / "athlete-week-flagged.png", full_page=True)
