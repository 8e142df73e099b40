"""The multi-week view in a real browser: the roster × 4 weeks from the dashboard, a cell
leading to its week, the athlete's 12-week season, and both at 1280 and 390 px wide."""

import re
from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from playwright.sync_api import Page, expect

from plans import services
from plans.domain.weeks import Week
from tests.browser.login import log_in
from tests.factories import (
    AthleteFactory,
    CoachFactory,
    LiftSessionFactory,
    LiftSetFactory,
    RunSessionFactory,
)
from workouts.models import RunKind

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def this_week():
    """The coming Monday at 08:00 UTC, the clock ticking from there (the coming one, not the
    last, so the browser's real clock keeps the travelled cookies): this week for the UTC coach
    and the Berlin athletes, and Tuesday still ahead."""
    today = datetime.now(UTC)
    monday = (today + timedelta(days=7 - today.weekday())).date()
    with time_machine.travel(datetime.combine(monday, time(8), UTC), tick=True):
        yield Week(monday)


def deadlift(athlete, start: datetime) -> None:
    lift = LiftSessionFactory(athlete=athlete, start=start)
    for order in (1, 2, 3):
        LiftSetFactory(session=lift, order=order)


@pytest.fixture
def roster(this_week: Week):
    """Ada: this week intervals Tuesday and Thursday, the deadlift Tuesday 18:00, published;
    next week the deadlift 14:00, 4 h 30 before Tuesday's interval run (an error). Ben: no
    plan at all (the deadlift missing: a warning every week)."""
    coach = CoachFactory(user__username="coach-ahead")
    ada = AthleteFactory(coach=coach, user__first_name="Ada", user__last_name="Abbot")
    AthleteFactory(coach=coach, user__first_name="Ben", user__last_name="Bell")
    tz = ada.tz

    def at(week: Week, day: int, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(week.days[day], time(hour, minute), tzinfo=tz)

    RunSessionFactory(athlete=ada, kind=RunKind.INTERVAL, start=at(this_week, 1, 7))
    RunSessionFactory(athlete=ada, kind=RunKind.INTERVAL, start=at(this_week, 3, 7))
    deadlift(ada, at(this_week, 1, 18))
    services.publish_week(athletes=[ada], week=this_week.monday)
    RunSessionFactory(athlete=ada, kind=RunKind.INTERVAL, start=at(this_week.next, 1, 19, 30))
    deadlift(ada, at(this_week.next, 1, 14))
    return coach, ada


def assert_scrolls_sideways_in_its_box(page: Page) -> None:
    """At 390 px the table keeps its columns and scrolls in its own box; the page does not."""
    wide = page.evaluate(
        """() => [...document.querySelectorAll("body *")]
            .filter((el) => !el.closest(".ahead-scroll") && el.getBoundingClientRect().right > 391)
            .map((el) => el.tagName + "." + el.className)"""
    )
    assert wide == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box = page.locator(".ahead-scroll")
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")


def serious_axe_violations(page: Page) -> list:
    # Loaded from the app itself: the CSP allows no inline script, not even a test's.
    page.add_script_tag(url="/static/vendor/axe/axe.min.js")
    results = page.evaluate("axe.run()")
    return [
        (v["id"], v["impact"], [node["target"] for node in v["nodes"]])
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_four_weeks_of_the_roster_and_a_season(page: Page, roster, this_week, screenshots):
    coach, ada = roster
    log_in(page, coach.user.username)
    page.get_by_role("link", name="Weeks ahead").click()
    expect(page).to_have_title(re.compile(f"Weeks ahead from {this_week}"))
    table = page.get_by_role("table")
    expect(table.locator("caption")).to_contain_text("The roster's plans for 4 weeks")
    weeks = [this_week, this_week.next, this_week.next.next, this_week.next.next.next]
    headers = table.locator("thead th[scope=col]")
    expect(headers).to_have_count(5)
    for n, week in enumerate(weeks, start=1):
        expect(headers.nth(n)).to_contain_text(str(week))
    expect(headers.nth(1)).to_have_attribute("aria-current", "date")

    row = page.locator(f'tr[data-athlete="{ada.user.username}"]')
    expect(row.locator("th[scope=row]")).to_have_text(re.compile("Ada Abbot"))
    now = row.locator(f'td[data-week="{this_week}"]')
    expect(now.locator('[data-field="hard-days"]')).to_have_text(re.compile(r"Hard\s+Tue, Thu"))
    expect(now.locator('[data-field="deadlift"]')).to_have_text(re.compile(r"Deadlift\s+Tue 18:00"))
    expect(now.locator('[data-field="plan"]')).to_have_text("Published")
    expect(now.locator("[data-severity]")).to_have_count(0)
    expect(now).to_contain_text("Clean")
    following = row.locator(f'td[data-week="{this_week.next}"]')
    expect(following.locator('[data-field="deadlift"]')).to_contain_text("Tue 14:00")
    expect(following.locator('[data-field="plan"]')).to_have_text("Draft")
    expect(following.locator('[data-severity="error"]')).to_have_text(re.compile("^1 error"))
    empty = page.locator("tbody tr", has_text="Ben Bell").locator(f'td[data-week="{weeks[-1]}"]')
    expect(empty.locator('[data-field="deadlift"]')).to_have_text(re.compile(r"Deadlift\s+none"))
    expect(empty.locator('[data-field="plan"]')).to_have_text("No plan")
    expect(empty.locator('[data-severity="warning"]')).to_have_text(re.compile("^1 warning"))
    page.screenshot(path=screenshots / "ahead-roster.png", full_page=True)
    assert serious_axe_violations(page) == []

    # Four weeks on: the next window, and back.
    page.get_by_role("link", name="Next 4 weeks →").click()
    expect(headers.nth(1)).to_contain_text(str(Week(this_week.monday + timedelta(weeks=4))))
    page.get_by_role("link", name="← Previous 4 weeks").click()
    expect(headers.nth(1)).to_contain_text(str(this_week))

    # A cell leads to that athlete's week.
    following.get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/athletes/{ada.pk}/week/{this_week.next}/$"))
    expect(page).to_have_title(re.compile(f"Ada Abbot · {this_week.next}"))

    # The week page leads to the season from that week: twelve rows, one per week.
    page.get_by_role("link", name="Season").click()
    expect(page).to_have_title(re.compile(f"Ada Abbot · season from {this_week.next}"))
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(12)
    first = page.locator(f'tr[data-week="{this_week.next}"]')
    expect(first.locator('[data-field="hard-days"]')).to_have_text("Tue")
    expect(first.locator('[data-field="deadlift"]')).to_have_text("Tue 14:00")
    expect(first.locator('[data-severity="error"]')).to_have_text(re.compile("^1 error"))
    later = page.locator(f'tr[data-week="{this_week.next.next}"]')
    expect(later.locator('[data-field="deadlift"]')).to_have_text("none")
    expect(later.locator('[data-field="plan"]')).to_have_text("No plan")
    page.screenshot(path=screenshots / "ahead-season.png", full_page=True)
    assert serious_axe_violations(page) == []

    page.get_by_role("link", name="← Previous 12 weeks").click()
    season_start = Week(this_week.next.monday - timedelta(weeks=12))
    expect(page).to_have_title(re.compile(f"season from {season_start}"))
    # This week is the last but one row of that season, and its link opens it.
    current = page.locator(f'tr[data-week="{this_week}"]')
    expect(current.locator("th")).to_have_attribute("aria-current", "date")
    current.get_by_role("link", name=str(this_week)).click()
    expect(page).to_have_url(re.compile(rf"/athletes/{ada.pk}/week/{this_week}/$"))


def test_both_views_scroll_sideways_on_a_phone(page: Page, roster, screenshots):
    coach, ada = roster
    log_in(page, coach.user.username)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/ahead/")
    expect(page.get_by_role("table")).to_be_visible()
    assert_scrolls_sideways_in_its_box(page)
    page.screenshot(path=screenshots / "ahead-roster-390.png", full_page=True)
    page.goto(f"/athletes/{ada.pk}/season/")
    expect(page.locator("tbody tr")).to_have_count(12)
    assert_scrolls_sideways_in_its_box(page)
    page.screenshot(path=screenshots / "ahead-season-390.png", full_page=True)
