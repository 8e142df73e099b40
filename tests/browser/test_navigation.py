"""Where am I, in real Chromium: the coach's navigation marks the section a page belongs to (an
athlete's progress is part of the dashboard's work, not the roster's), the phone's tabs mark
Week on a session opened from the week, and the progress charts count in 1 / 2 / 5 steps as a
coach reads them on screen."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from plans.domain.weeks import Week
from tests.browser.login import log_in
from tests.factories import PASSWORD, AthleteFactory
from tests.workouts import phone_data

pytestmark = pytest.mark.django_db(transaction=True)


def nice_steps(ticks: list[str]) -> bool:
    values = [Decimal(t.removesuffix(" h")) for t in ticks]
    steps = {later - earlier for earlier, later in zip(values, values[1:], strict=False)}
    return (
        3 <= len(values) <= 7
        and len(steps) == 1
        and steps.pop().normalize().as_tuple().digits in ((1,), (2,), (5,))
    )


def test_progress_is_under_the_dashboard_and_its_ticks_are_round(page: Page):
    athlete = AthleteFactory()
    coach = athlete.coach
    assert coach is not None
    # Three weeks of logged working sets: e1RMs of about 108, 120 and 134 kg, which a chart
    # scaled to the data would label 107 / 114 / 120 / 127 / 134.
    for weeks_ago, load in ((3, "95"), (2, "105"), (1, "117.5")):
        lift = phone_data.deadlift(athlete, start=timezone.now() - timedelta(weeks=weeks_ago))
        lift.sets.filter(is_warmup=False).update(reps=3, load_kg=Decimal(load), rir=1)
    log_in(page, coach.user.username)
    page.goto(f"/athletes/{athlete.pk}/progress/")
    main_nav = page.get_by_role("navigation", name="Main")
    expect(main_nav.locator('[aria-current="page"]')).to_have_text(["Dashboard"])
    expect(main_nav.get_by_role("link", name="Roster")).not_to_have_attribute(
        "aria-current", "page"
    )
    charts = page.locator("main svg")
    expect(charts).to_have_count(3)
    axes = 0
    for index in range(3):
        chart = charts.nth(index)
        for axis in ("[data-tick='hours']", "[data-tick='kg']", "[data-tick='']"):
            ticks = [t.strip() for t in chart.locator(axis).all_text_contents()]
            if ticks:
                assert nice_steps(ticks), (index, axis, ticks)
                axes += 1
    assert axes == 4  # hours and kg on the volume chart, the e1RM's and compliance's own


def test_the_phone_marks_week_on_a_session_opened_from_the_week(page: Page):
    athlete = AthleteFactory()
    later = phone_data.deadlift(athlete, start=timezone.now() + timedelta(days=2))
    log_in(page, athlete.user.username, PASSWORD)
    expect(page).to_have_url(re.compile(r"/me/$"))
    tabs = page.get_by_role("navigation", name="Athlete pages")
    expect(tabs.locator('[aria-current="page"]')).to_have_text(["Today"])
    # The deadlift's own week (on a Saturday, two days on is next week): the Week tab, then on.
    page.get_by_role("link", name="Week", exact=True).click()
    expect(page).to_have_url(re.compile(r"/me/week/"))
    page.goto(f"/me/week/{Week.of(later.start, athlete.tz)}/")
    page.locator(f'a[href="/me/lifts/{later.pk}/"]').first.click()
    expect(page).to_have_url(re.compile(rf"/me/lifts/{later.pk}/$"))
    expect(tabs.locator('[aria-current="page"]')).to_have_text(["Week"])
