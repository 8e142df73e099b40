"""Compliance colours on the coach's week board in real Chromium, light and dark: each past
card carries its colour with an icon and a word, the tint is the token's, and axe finds no
contrast problem; the dashboard sorts by the 7-day percentage."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from athletes.models import Athlete
from plans.domain.weeks import Week, week_bounds
from tests.browser.login import log_in
from tests.browser.test_axe import serious_axe_violations
from workouts.models import RunSession, SessionStatus

pytestmark = pytest.mark.django_db(transaction=True)

# The tokens (static/css/tokens.css) of each scheme, as computed colours.
CHIP_COLOURS = {
    "light": {
        "green": ("rgb(30, 107, 52)", "rgb(227, 241, 231)"),
        "yellow": ("rgb(107, 78, 0)", "rgb(255, 244, 214)"),
        "red": ("rgb(161, 29, 29)", "rgb(253, 236, 236)"),
    },
    "dark": {
        "green": ("rgb(127, 214, 155)", "rgb(21, 48, 31)"),
        "yellow": ("rgb(240, 205, 106)", "rgb(51, 42, 12)"),
        "red": ("rgb(255, 158, 158)", "rgb(59, 28, 28)"),
    },
}


@pytest.fixture
def last_week(on_a_monday):
    """The demo, with one of Ben's done runs of last week cut short (partial) and one
    skipped (off plan); the others stay done as planned (on plan)."""
    call_command("seed_demo", stdout=StringIO())
    ben = Athlete.objects.get(user__username="ben")
    week = Week.of(timezone.now(), ben.tz).previous
    start, end = week_bounds(week.monday, ben.tz)
    runs = list(RunSession.objects.filter(athlete=ben, start__gte=start, start__lt=end))
    assert len(runs) >= 3, "the demo gives Ben runs every week"
    short, skipped = runs[0], runs[1]
    short.status = SessionStatus.DONE
    short.actual_start = short.start
    short.actual_duration_minutes = short.duration_minutes * 6 // 10  # 60 %
    short.save()
    skipped.status = SessionStatus.SKIPPED
    skipped.save()
    return ben, week, short, skipped


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_board_shows_compliance_in_colour_and_words(page: Page, last_week, scheme, screenshots):
    ben, week, short, skipped = last_week
    page.emulate_media(color_scheme=scheme)
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, "coach", "ironstride-demo")
    page.goto(f"/athletes/{ben.pk}/week/{week.name}/")
    expect(page.locator("html")).to_have_attribute("data-bs-theme", scheme)

    partial = page.locator(f"#card-run-{short.pk} .compliance")
    expect(partial).to_have_text(re.compile(r"◐ Partial · short, 60 %"))
    expect(page.locator(f"#card-run-{skipped.pk} .compliance")).to_have_text(
        re.compile(r"✗ Off plan · skipped")
    )
    on_plan = page.locator(".board-card .compliance-green")
    expect(on_plan.first).to_contain_text("On plan")
    for colour, chip in (
        ("green", on_plan.first),
        ("yellow", partial),
        ("red", page.locator(f"#card-run-{skipped.pk} .compliance")),
    ):
        shown = chip.evaluate(
            "el => [getComputedStyle(el).color, getComputedStyle(el).backgroundColor]"
        )
        assert tuple(shown) == CHIP_COLOURS[scheme][colour], colour
    page.screenshot(path=screenshots / f"board-compliance-{scheme}.png")
    assert serious_axe_violations(page) == []


def test_the_dashboard_sorts_by_7_day_compliance(page: Page, last_week):
    ben, *_ = last_week
    log_in(page, "coach", "ironstride-demo")
    page.goto("/dashboard/")
    page.get_by_role("link", name="By 7-day compliance").click()
    expect(page).to_have_url(re.compile(r"sort=compliance_7d"))
    cells = page.locator('td[data-field="compliance-7d"]')
    expect(cells.first).to_be_visible()
    percents = [
        int(p) if p else None
        for p in cells.evaluate_all("cells => cells.map(c => c.dataset.percent)")
    ]
    known = [p for p in percents if p is not None]
    assert known == sorted(known)
    assert percents[: len(known)] == known  # athletes with nothing to judge come last
    # Ben's partial and skipped runs of last week are within the 7 days when they fall on the
    # last seven local days; on the 28 days they always count.
    page.get_by_role("link", name="By 28-day compliance").click()
    row = page.locator(f'tr[data-athlete="{ben.user.username}"] td[data-field="compliance-28d"]')
    expect(row).not_to_have_attribute("data-percent", "100")
