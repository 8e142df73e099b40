"""An athlete in pounds on the phone, in real Chromium: the prescription, the plate hints on a
45 lb bar, a set logged in pounds (converted to exact kilograms by the page's script) and the
same pounds read back; and the settings page that chose pounds."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from plans.domain.units import default_increment_kg, to_kg
from tests.browser.login import log_in
from tests.browser.test_phone import PHONE, assert_no_serious_axe_violations, wait_for
from tests.factories import AthleteFactory
from tests.workouts import phone_data
from workouts.models import LiftSet

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def phone_page(browser, live_server, transactional_db):
    context = browser.new_context(base_url=live_server.url, **PHONE)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_an_athlete_chooses_pounds_and_logs_a_set_in_pounds(phone_page: Page):
    athlete = AthleteFactory()
    lift = phone_data.deadlift(athlete)
    # The working sets' target: 225 lb, as a coach in pounds would have typed it.
    lift.sets.filter(is_warmup=False).update(target_load_kg=to_kg(Decimal(225), "lb"))
    page = log_in(phone_page, athlete.user.username)

    page.get_by_role("link", name="Settings").tap()
    expect(page.get_by_role("heading", name="Settings")).to_be_visible()
    assert_no_serious_axe_violations(page)
    page.get_by_label("Pounds (lb)").check()
    page.get_by_role("button", name="Save settings").tap()
    expect(page.get_by_text("Settings saved.")).to_be_visible()
    athlete.refresh_from_db()
    assert (athlete.units, athlete.load_increment_kg) == ("lb", default_increment_kg("lb"))

    page.goto(f"/me/lifts/{lift.pk}/")
    working = page.locator("#sets li").nth(3)
    expect(working.locator(".target")).to_have_text("3 × 225 lb · RIR 1")
    expect(working.locator(".plates")).to_have_text("Per side: 45 + 45")
    # The warm-ups were prescribed in kilograms: 40 kg reads as 88.18 lb, and its plates too.
    expect(page.locator("#sets li").first.locator(".target")).to_have_text("5 × 88.18 lb")

    # Log the three warm-ups as prescribed, then set 1 at 227.5 lb.
    for _ in range(3):
        page.get_by_role("button", name="Log set").tap()
    expect(page.get_by_role("heading", name="Log set 1")).to_be_visible()
    expect(page.get_by_label("Load (lb)")).to_have_value("225")
    expect(page.locator("#log-plates")).to_have_text("Per side: 45 + 45")
    page.get_by_label("Load (lb)").fill("227.5")
    page.get_by_role("button", name="Log set").tap()
    wait_for(
        lambda: LiftSet.objects.filter(session=lift, reps__isnull=False).count() == 4,
        what="four stored sets",
    )
    stored = LiftSet.objects.get(session=lift, order=4)
    assert stored.load_kg == Decimal("103.19226417500")  # 227.5 x 0.45359237, exactly
    warmup = LiftSet.objects.get(session=lift, order=1)
    assert warmup.load_kg == Decimal(40)  # logged as prescribed: the kilograms, untouched

    page.reload()
    expect(page.locator("#sets li").nth(3).locator("[data-done]")).to_have_text(
        "Done: 3 × 227.5 lb · RIR 1"
    )
    expect(page.locator("#sets li").first.locator("[data-done]")).to_have_text("Done: 5 × 88.18 lb")
    # Editing shows the same pounds back.
    page.get_by_role("button", name=re.compile("Edit set 1")).tap()
    expect(page.get_by_label("Load (lb)")).to_have_value("227.5")
    assert_no_serious_axe_violations(page)
