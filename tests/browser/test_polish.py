"""Forgiving interactions in real Chromium: focus and the live region after an htmx swap, the
error summary that leads to its fields, 44 × 44 px tap targets on the coach's pages and the
phone's at 390 px, and the phone's set names."""

import re
from datetime import timedelta
from io import StringIO
from pprint import pformat

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, ViewportSize, expect

from athletes.models import Athlete, Coach
from plans import services
from plans.domain.weeks import Week
from tests.browser.login import log_in
from tests.browser.test_axe import a_template
from tests.factories import PASSWORD, AthleteFactory
from tests.workouts import phone_data
from workouts.models import LiftSession

pytestmark = pytest.mark.django_db(transaction=True)

NARROW = ViewportSize(width=390, height=844)


@pytest.fixture
def demo(page: Page, on_a_monday) -> Page:
    call_command("seed_demo", stdout=StringIO())
    log_in(page, "coach", "ironstride-demo")
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    return page


def fixable_athlete() -> Athlete:
    coach = Coach.objects.get()
    monday = Week.of(timezone.now(), coach.tz).monday
    for report in services.evaluate_roster(coach=coach, week=monday):
        if any(v.fix is not None for v in report.violations):
            return report.athlete
    pytest.fail("The demo week has no fixable violation")


# ---------------------------------------------------------------------------- htmx swaps


def test_after_apply_fix_focus_is_in_the_swapped_content_and_it_is_announced(demo: Page):
    page = demo
    athlete = fixable_athlete()
    page.goto(f"/athletes/{athlete.pk}/week/")
    button = page.get_by_role("button", name=re.compile("^Apply fix")).first
    # Whatever the week's markup, the swap replaces the element its form targets.
    target = button.evaluate("(b) => b.closest('[hx-target]').getAttribute('hx-target')")
    expect(page.locator("#live-region")).to_have_text("")
    button.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#live-region")).not_to_have_text("", timeout=10_000)
    where = page.evaluate(
        """(selector) => {
            const root = document.querySelector(selector);
            const active = document.activeElement;
            const wanted = root && (root.matches("[data-focus-after-swap]") ? root
                : root.querySelector("[data-focus-after-swap]"));
            return {
                onBody: active === document.body || active === null,
                inRoot: !!root && root.contains(active),
                isWanted: wanted ? active === wanted : null,
            };
        }""",
        target,
    )
    assert where["onBody"] is False
    assert where["inRoot"] is True
    assert where["isWanted"] in (True, None)  # the contract's element, where the page has one
    # The next Tab stays in the week, not on the page's far end.
    page.keyboard.press("Tab")
    assert page.evaluate(
        "(s) => document.querySelector(s).contains(document.activeElement)", target
    )


# ---------------------------------------------------------------------------- forms


def test_the_error_summary_takes_focus_and_its_links_focus_the_fields(demo: Page, screenshots):
    page = demo
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/roster/add/")
    page.get_by_label("Username").fill("maya")
    page.locator("#id_password").fill("short")
    page.get_by_label("First name").fill("Maya")
    page.locator("#id_load_increment_kg").fill("")
    page.get_by_role("button", name="Add athlete").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    # At the top, in the first screen.
    box = summary.bounding_box()
    assert box is not None and box["y"] < 800
    expect(page.get_by_label("Username")).to_have_value("maya")
    expect(page.get_by_text("For your security, type the password again.")).to_be_visible()
    page.screenshot(path=screenshots / "add-athlete-errors.png")
    summary.get_by_role("link", name=re.compile("^Password")).click()
    expect(page.locator("#id_password")).to_be_focused()
    summary.get_by_role("link", name=re.compile("^Load increment")).click()
    expect(page.locator("#id_load_increment_kg")).to_be_focused()
    assert "id_password_retype" in (
        page.locator("#id_password").get_attribute("aria-describedby") or ""
    )


# ---------------------------------------------------------------------------- tap targets

SMALL_TARGETS = """() => [
        ...document.querySelectorAll("a[href], button, input[type=submit], summary")]
    .filter((el) => el.offsetParent !== null
        && !el.closest(".visually-hidden-focusable, .skip"))
    .map((el) => [
        el.id || el.textContent.trim().replace(/\\s+/g, " ").slice(0, 40),
        el.getBoundingClientRect()])
    .filter(([, box]) => box.width > 1 && (box.height < 43.5 || box.width < 43.5))
    .map(([name, box]) => `${name}: ${Math.round(box.width)}x${Math.round(box.height)}`)"""


def test_every_coach_link_and_button_is_44_px_at_390(demo: Page):
    page = demo
    page.set_viewport_size(NARROW)
    athlete = Athlete.objects.get(user__username="ben")
    week = Week.of(timezone.now(), athlete.tz).name
    template, batch = a_template(athlete)
    small = {}
    for path in [
        "/dashboard/",
        "/roster/",
        "/roster/add/",
        f"/roster/{athlete.pk}/edit/",
        f"/athletes/{athlete.pk}/week/",
        f"/athletes/{athlete.pk}/week/{week}/runs/add/",
        f"/athletes/{athlete.pk}/week/{week}/run-files/",
        f"/athletes/{athlete.pk}/week/{week}/deadlift/add/",
        f"/athletes/{athlete.pk}/progress/",
        "/ahead/",
        f"/athletes/{athlete.pk}/season/",
        "/password/",
        "/templates/",
        "/templates/new/",
        f"/templates/{template.pk}/",
        f"/templates/{template.pk}/apply/",
        f"/templates/batches/{batch.pk}/",
    ]:
        page.goto(path)
        small[path] = page.evaluate(SMALL_TARGETS)
    page.context.clear_cookies()
    page.goto("/login/")
    small["/login/"] = page.evaluate(SMALL_TARGETS)
    failing = {path: found for path, found in small.items() if found}
    assert failing == {}, pformat(failing, width=120)


def test_every_phone_link_and_button_is_44_px_at_390(page: Page):
    athlete = AthleteFactory()
    lift = phone_data.deadlift(athlete)
    run = phone_data.run(athlete, start=timezone.now() + timedelta(hours=1))
    page.set_viewport_size(NARROW)
    log_in(page, athlete.user.username, PASSWORD)
    expect(page).to_have_url(re.compile(r"/me/$"))
    # The address changes when the answer starts; the sizes exist once its stylesheets have
    # loaded (measured before, every target is a line of unstyled text).
    page.wait_for_load_state("load")
    small = {"/me/": page.evaluate(SMALL_TARGETS)}
    for path in ["/me/week/", f"/me/lifts/{lift.pk}/", f"/me/runs/{run.pk}/", "/me/history/"]:
        page.goto(path)
        small[path] = page.evaluate(SMALL_TARGETS)
    assert {path: found for path, found in small.items() if found} == {}
    brand = page.get_by_role("link", name="Ironstride").bounding_box()
    assert brand is not None
    assert brand["width"] >= 44 and brand["height"] >= 44


# ---------------------------------------------------------------------------- phone


def test_the_phone_counts_working_sets_from_one(page: Page):
    athlete = AthleteFactory()
    lift: LiftSession = phone_data.deadlift(athlete)
    log_in(page, athlete.user.username, PASSWORD)
    page.goto(f"/me/lifts/{lift.pk}/")
    expect(page.locator("#sets .set-name")).to_have_text(
        ["Warm-up 1", "Warm-up 2", "Warm-up 3", "Set 1", "Set 2", "Set 3"]
    )
    heading = page.get_by_role("heading", name=re.compile("^Log "))
    expect(heading).to_have_text("Log warm-up 1")
    for expected in ("Log warm-up 2", "Log warm-up 3", "Log set 1", "Log set 2"):
        page.get_by_role("button", name="Log set").click()
        expect(heading).to_have_text(expected)
    # The logged sets' buttons name them the same way.
    expect(page.get_by_role("button", name="Edit set 1")).to_be_visible()
    expect(page.get_by_role("button", name="Edit warm-up 3")).to_be_visible()
