"""Missed sessions and today, as the coach and the athlete see them in real Chromium: said in
words, readable (axe), on the week of a travelled clock."""

import re
from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from playwright.sync_api import Page, expect

from plans.domain.weeks import Week
from tests.browser.login import log_in
from tests.browser.test_phone import PHONE, assert_fits_360, assert_no_serious_axe_violations
from tests.factories import AthleteFactory, RunSessionFactory
from tests.workouts import phone_data

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def wednesday():
    """The coming Wednesday noon UTC, ticking: in the future, so the browser's real clock
    keeps the travelled cookies."""
    today = datetime.now(UTC).date()
    monday = today + timedelta(days=7 - today.weekday())
    noon = datetime.combine(monday + timedelta(days=2), time(12), UTC)
    with time_machine.travel(noon, tick=True):
        yield noon


@pytest.fixture
def athlete(transactional_db, wednesday):
    athlete = AthleteFactory()
    monday = wednesday - timedelta(days=2)
    # Monday's runs never happened; Friday's is still to come. The week is published.
    RunSessionFactory(athlete=athlete, start=monday.replace(hour=9))
    phone_data.run(athlete, start=monday.replace(hour=7))
    phone_data.run(athlete, start=monday.replace(hour=7) + timedelta(days=4))
    return athlete


def test_the_coach_sees_missed_cards_and_today(page: Page, athlete, wednesday, screenshots):
    log_in(page, athlete.coach.user.username)
    page.goto(f"/athletes/{athlete.pk}/week/{Week.containing(wednesday.date())}/")
    missed = page.locator(".session-card[data-missed]")
    expect(missed).to_have_count(2)
    expect(missed.first.get_by_text("Missed", exact=True)).to_be_visible()
    today = page.locator('[aria-current="date"]')
    expect(today).to_have_count(1)
    expect(today.get_by_role("heading")).to_contain_text(re.compile(r"Wednesday[\s\S]*Today"))
    assert_no_serious_axe_violations(page)
    page.screenshot(path=screenshots / "athlete-week-missed.png", full_page=True)


def test_the_athlete_sees_missed_sessions_and_today(browser, live_server, athlete, screenshots):
    context = browser.new_context(base_url=live_server.url, **PHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        log_in(page, athlete.user.username)
        expect(page).to_have_url(re.compile(r"/me/$"))
        page.goto("/me/week/")
        expect(page.locator(".status-missed")).to_have_text(["Missed", "Missed"])
        expect(page.locator(".status-planned")).to_have_count(1)
        expect(page.locator('[aria-current="date"] h2')).to_contain_text("Today")
        assert_fits_360(page)
        assert_no_serious_axe_violations(page)
        page.screenshot(path=screenshots / "phone-week-missed.png", full_page=True)
    finally:
        context.close()
