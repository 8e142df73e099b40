"""The athlete's phone in real Chromium: a 360 px touch screen, a basement gym's connection."""

import json
import re
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from tests.factories import PASSWORD, AthleteFactory
from tests.workouts import phone_data
from workouts.models import LiftSet

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {
    "viewport": {"width": 360, "height": 740},
    "has_touch": True,
    "is_mobile": True,
    "device_scale_factor": 2,
    "service_workers": "allow",
}


@pytest.fixture
def phone(browser, live_server, transactional_db) -> Iterator[BrowserContext]:
    # Service workers need a secure context; http://localhost counts as one.
    assert re.match(r"http://(localhost|127\.0\.0\.1)[:/]", live_server.url), live_server.url
    context = browser.new_context(base_url=live_server.url, **PHONE)
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def athlete(db):
    return AthleteFactory()


@pytest.fixture
def lift(athlete):
    return phone_data.deadlift(athlete)


def log_in(context: BrowserContext, athlete) -> Page:
    page = context.new_page()
    page.goto("/")
    page.get_by_label("Username").fill(athlete.user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").tap()
    expect(page).to_have_url(re.compile(r"/me/$"))
    return page


def logged(lift) -> int:
    return LiftSet.objects.filter(session=lift, reps__isnull=False).count()


def wait_for(condition, timeout=20.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"Timed out waiting for {what}")


def log_a_set(page: Page) -> None:
    # What was prescribed was done: reps, load and RIR are prefilled, one tap logs it.
    page.get_by_role("button", name="Log set").tap()


def waiting(page: Page):
    return page.locator("#sync-status")


def saved_copy_logged_sets(page: Page) -> int:
    html = page.evaluate(
        """() => caches.open("ironstride-pages")
            .then((cache) => cache.match(location.pathname))
            .then((response) => response ? response.text() : "")"""
    )
    return html.count("set-logged")


def assert_fits_360(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def assert_no_serious_axe_violations(page: Page) -> None:
    # Loaded from the app itself: the CSP allows no inline script, not even a test's.
    page.add_script_tag(url="/static/vendor/axe/axe.min.js")
    results = page.evaluate("axe.run()")
    serious = [
        (v["id"], v["impact"], [node["target"] for node in v["nodes"]])
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []


def assert_tap_targets(page: Page) -> None:
    small = page.evaluate(
        """() => [...document.querySelectorAll(
                "main button, main .chip, main input:not([type=radio]):not([type=checkbox]), "
                + "main .toggle label, main .card-link, .tabs a, main .btn")]
            .filter((el) => el.offsetParent !== null)
            .map((el) => [el.id || el.textContent.trim(), el.getBoundingClientRect()])
            .filter(([, box]) => box.height < 44 || box.width < 28)
            .map(([name, box]) => `${name}: ${box.width}x${box.height}`)"""
    )
    assert small == []


# ---------------------------------------------------------------------------- logging


def test_log_three_sets_and_see_them_stored(phone, athlete, lift, screenshots):
    page = log_in(phone, athlete)
    page.get_by_role("link", name=re.compile("Deadlift")).first.tap()
    expect(page.get_by_role("heading", name="Log warm-up 1")).to_be_visible()
    expect(page.get_by_label("Reps")).to_have_value("5")
    expect(page.get_by_label("Load (kg)")).to_have_value("40")
    for number in (1, 2, 3):
        log_a_set(page)
        expect(page.get_by_role("heading", name=re.compile("Log (warm-up|set)"))).to_have_text(
            "Log warm-up 2" if number == 1 else ("Log warm-up 3" if number == 2 else "Log set 1")
        )
    wait_for(lambda: logged(lift) == 3, what="three stored sets")
    stored = list(LiftSet.objects.filter(session=lift, reps__isnull=False).order_by("order"))
    assert [(s.order, s.reps, s.load_kg) for s in stored] == [
        (1, 5, Decimal(40)),
        (2, 3, Decimal(60)),
        (3, 2, Decimal(80)),
    ]
    expect(waiting(page)).to_be_hidden()
    # The working set is prefilled with its target, RIR 1 chip included.
    expect(page.get_by_label("Load (kg)")).to_have_value("100")
    expect(page.locator("#rir-1")).to_be_checked()
    page.screenshot(path=screenshots / "phone-session.png", full_page=True)


def test_a_set_to_failure_is_flagged_at_once_in_the_advices_words(phone, athlete, lift):
    lift.sets.filter(is_warmup=True).delete()
    page = log_in(phone, athlete)
    page.goto(f"/me/lifts/{lift.pk}/")
    page.locator("label[for=rir-0]").tap()
    log_a_set(page)
    flag = page.locator('#violations [data-code="deadlift.to_failure"]')
    expect(flag).to_contain_text("never go to failure")


def test_offline_sets_are_queued_survive_a_reload_and_sync_once(phone, athlete, lift):
    page = log_in(phone, athlete)
    page.goto(f"/me/lifts/{lift.pk}/")
    # A page that loaded while the worker was still installing is not controlled by it;
    # the next load is.
    page.evaluate("navigator.serviceWorker.ready")
    if not page.evaluate("!!navigator.serviceWorker.controller"):
        page.reload()
    page.wait_for_function("!!navigator.serviceWorker.controller")
    for _ in range(3):
        log_a_set(page)
    wait_for(lambda: logged(lift) == 3, what="three stored sets")
    # The copy the worker shows offline holds the three synced sets.
    wait_for(lambda: saved_copy_logged_sets(page) == 3, what="the saved page to catch up")

    phone.set_offline(True)
    log_a_set(page)
    log_a_set(page)
    expect(waiting(page)).to_have_text("2 sets waiting to sync")
    assert logged(lift) == 3

    page.reload()  # still offline: the worker serves the saved page, IndexedDB the queue
    expect(page.get_by_role("heading", name=re.compile("^Deadlift"))).to_be_visible()
    expect(waiting(page)).to_have_text("2 sets waiting to sync")
    expect(page.locator(".set-queued")).to_have_count(2)
    expect(page.locator("#done-form button")).to_be_disabled()
    # The worker really is offline too: a page never saved gets its offline notice.
    unsaved = phone.new_page()
    unsaved.goto("/me/history/")
    expect(unsaved.get_by_text("You are offline")).to_be_visible()
    unsaved.close()

    phone.set_offline(False)
    wait_for(lambda: logged(lift) == 5, what="five stored sets")
    expect(waiting(page)).to_be_hidden()
    time.sleep(1)  # a late retry must not add a sixth
    assert logged(lift) == 5
    assert LiftSet.objects.filter(session=lift).count() == 6  # the prescription's six rows


def test_a_set_logged_after_the_login_expired_is_kept_until_logged_in(phone, athlete, lift):
    page = log_in(phone, athlete)
    page.goto(f"/me/lifts/{lift.pk}/")
    phone.clear_cookies()  # the session expired between two sets
    log_a_set(page)
    expect(page.get_by_role("alert")).to_contain_text("Log in again")
    expect(waiting(page)).to_have_text("1 set waiting to sync")
    assert logged(lift) == 0

    again = log_in(phone, athlete)  # Today flushes the queue on load
    wait_for(lambda: logged(lift) == 1, what="the kept set")
    expect(waiting(again)).to_be_hidden()


def test_the_same_set_twice_is_one_row_and_other_values_a_conflict(phone, athlete, lift):
    page = log_in(phone, athlete)
    page.goto(f"/me/lifts/{lift.pk}/")
    client_id = str(uuid.uuid4())
    body = {"client_id": client_id, "reps": 3, "load_kg": "100", "rir": 1}
    statuses = page.evaluate(
        """async ([url, body]) => {
            const token = document.querySelector('meta[name="csrf-token"]').content;
            const send = () => fetch(url, {
                method: "POST",
                headers: {"Content-Type": "application/json", "X-CSRFToken": token},
                body: JSON.stringify(body),
            }).then((response) => response.status);
            const other = () => fetch(url, {
                method: "POST",
                headers: {"Content-Type": "application/json", "X-CSRFToken": token},
                body: JSON.stringify({...body, reps: 4}),
            }).then((response) => response.status);
            return [await send(), await send(), await other()];
        }""",
        [f"/me/lifts/{lift.pk}/sets/", body],
    )
    # The API's contract: the same values again is the stored set, other values a conflict.
    assert statuses == [201, 200, 409]
    assert LiftSet.objects.filter(client_id=client_id).count() == 1
    assert LiftSet.objects.get(client_id=client_id).reps == 3


def test_a_double_tap_on_log_set_is_one_set(phone, athlete, lift):
    page = log_in(phone, athlete)
    page.goto(f"/me/lifts/{lift.pk}/")
    expect(page.get_by_role("heading", name="Log warm-up 1")).to_be_visible()
    # Two taps in the same instant, as a thumb bouncing on the button gives them: Playwright's
    # own tap would wait for the button to be enabled again, which is the point of the fix.
    page.evaluate(
        """() => {
            const button = document.getElementById("log-submit");
            button.click();
            button.click();
        }"""
    )
    wait_for(lambda: logged(lift) >= 1, what="the first set stored")
    expect(page.get_by_role("heading", name=re.compile("^Log "))).to_have_text("Log warm-up 2")
    expect(page.get_by_role("button", name="Log set")).to_be_enabled()
    expect(waiting(page)).to_be_hidden()
    assert logged(lift) == 1
    # A set a moment later is a set of its own.
    log_a_set(page)
    wait_for(lambda: logged(lift) == 2, what="the second set stored")
    expect(page.get_by_role("heading", name=re.compile("^Log "))).to_have_text("Log warm-up 3")


def test_what_the_athlete_types_survives_a_sync(phone, athlete, lift):
    page = log_in(phone, athlete)
    page.goto(f"/me/lifts/{lift.pk}/")
    heading = page.get_by_role("heading", name=re.compile("^Log "))
    phone.set_offline(True)
    log_a_set(page)
    expect(waiting(page)).to_have_text("1 set waiting to sync")
    expect(heading).to_have_text("Log warm-up 2")
    page.get_by_label("Reps").fill("2")  # the athlete is typing the next set
    phone.set_offline(False)  # the queue flushes and the page repaints it
    wait_for(lambda: logged(lift) == 1, what="the queued set stored")
    expect(waiting(page)).to_be_hidden()
    expect(heading).to_have_text("Log warm-up 2")
    expect(page.get_by_label("Reps")).to_have_value("2")


def test_edit_then_a_locked_session_says_so(phone, athlete, lift):
    page = log_in(phone, athlete)
    page.goto(f"/me/lifts/{lift.pk}/")
    log_a_set(page)
    page.get_by_role("button", name="Edit warm-up 1").tap()
    page.get_by_label("Reps").fill("4")
    page.get_by_role("button", name="Save set").tap()
    expect(page.locator("[data-set-id] [data-done]").first).to_have_text("Done: 4 × 40 kg")
    assert LiftSet.objects.get(session=lift, order=1).reps == 4

    # Marked done meanwhile (another tab, the coach): the server says 409, the page says why.
    lift.status = "done"
    lift.save()
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete warm-up 1").tap()
    expect(page.get_by_role("alert")).to_have_text(
        "This session is marked done; its sets are locked."
    )
    assert LiftSet.objects.get(session=lift, order=1).reps == 4


def test_mark_the_session_done_locks_it(phone, athlete, lift):
    page = log_in(phone, athlete)
    page.goto(f"/me/lifts/{lift.pk}/")
    page.get_by_role("button", name="Mark session done").tap()
    expect(page.get_by_text("Session done. Its sets are now locked.")).to_be_visible()
    expect(page.get_by_role("button", name="Log set")).to_have_count(0)


# ---------------------------------------------------------------------------- access


def test_another_athletes_session_is_404_and_a_coach_page_403(phone, athlete, lift):
    other = AthleteFactory()
    page = log_in(phone, other)
    for path, status in ((f"/me/lifts/{lift.pk}/", 404), ("/dashboard/", 403)):
        response = page.goto(path)
        assert response is not None and response.status == status


# ---------------------------------------------------------------------------- quality


def test_pages_fit_360_px_pass_axe_and_have_big_targets(phone, athlete, lift, screenshots):
    run = phone_data.run(athlete, start=timezone.now() + timedelta(hours=1))
    # A logged week before this one, so History has an e1RM to draw.
    earlier = phone_data.deadlift(athlete, start=timezone.now() - timedelta(days=7))
    earlier.sets.filter(is_warmup=False).update(reps=3, load_kg=100, rir=1)
    page = log_in(phone, athlete)
    assert_fits_360(page)
    assert_no_serious_axe_violations(page)
    assert_tap_targets(page)
    page.screenshot(path=screenshots / "phone-today.png", full_page=True)

    page.goto(f"/me/lifts/{lift.pk}/")
    page.locator("label[for=rir-more]").tap()
    expect(page.get_by_label("RIR, 5 to 10")).to_be_visible()
    assert_fits_360(page)
    assert_no_serious_axe_violations(page)
    assert_tap_targets(page)

    for name, url in (
        ("week", "/me/week/"),
        ("run", f"/me/runs/{run.pk}/"),
        ("history", "/me/history/"),
    ):
        page.goto(url)
        assert_fits_360(page)
        assert_no_serious_axe_violations(page)
        page.screenshot(path=screenshots / f"phone-{name}.png", full_page=True)


def test_the_logging_form_works_by_keyboard(phone, athlete, lift):
    page = log_in(phone, athlete)
    page.goto(f"/me/lifts/{lift.pk}/")
    page.get_by_label("Reps").focus()
    page.keyboard.press("Control+a")
    page.keyboard.type("4")
    page.get_by_role("button", name="Log set").focus()
    page.keyboard.press("Enter")
    wait_for(lambda: logged(lift) == 1, what="the set from the keyboard")
    assert LiftSet.objects.get(session=lift, order=1).reps == 4


def test_manifest_is_linked(phone, athlete):
    page = log_in(phone, athlete)
    href = page.locator('link[rel="manifest"]').get_attribute("href")
    assert href is not None
    manifest = json.loads(page.request.get(href).text())
    assert manifest["start_url"] == "/me/"
