"""The coach's week board in real Chromium, on the demo roster seeded on the coming Monday at
noon UTC: drag a deadlift to another day and see the flags follow, the same with the keyboard
alone ("Move to…"), undo, the week on one 1280×800 screen, and hard days that are not alarms."""

import re
import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from athletes.models import Athlete
from plans.domain.weeks import Week, week_bounds
from tests.browser.test_phone import assert_no_serious_axe_violations
from workouts.models import Exercise, LiftSession
from workouts.services import DoneValues, log_set

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(page: Page, on_a_monday) -> Page:
    call_command("seed_demo", stdout=StringIO())
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/login/")
    page.get_by_label("Username").fill("coach")
    page.get_by_label("Password").fill("ironstride-demo")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    return page


def the_deadlift(athlete: Athlete) -> LiftSession:
    monday = Week.of(timezone.now(), athlete.tz).monday
    start, end = week_bounds(monday, athlete.tz)
    [lift] = LiftSession.objects.filter(
        athlete=athlete, exercise=Exercise.DEADLIFT, start__gte=start, start__lt=end
    )
    return lift


def open_week(page: Page, username: str) -> Athlete:
    athlete = Athlete.objects.get(user__username=username)
    page.goto(f"/athletes/{athlete.pk}/week/")
    expect(page).to_have_title(re.compile(athlete.name))
    return athlete


def column(page: Page, name: str):
    return page.locator(".board-day").filter(has=page.get_by_role("heading", name=re.compile(name)))


def test_drag_a_deadlift_to_the_hard_day_and_the_flag_goes(demo: Page, screenshots):
    page = demo
    dev = open_week(page, "dev")  # his deadlift is on Saturday, his interval run on Tuesday
    lift = the_deadlift(dev)
    card = page.locator(f"#card-lift-{lift.pk}")
    expect(column(page, "Saturday").locator(f"#card-lift-{lift.pk}")).to_be_visible()
    expect(page.locator('[data-code="deadlift.not_on_hard_day"]').first).to_be_visible()
    page.screenshot(path=screenshots / "board-before-drag.png")

    card.drag_to(column(page, "Tuesday"))

    moved = column(page, "Tuesday").locator(f"#card-lift-{lift.pk}")
    expect(moved).to_be_visible()
    expect(moved).to_have_attribute("data-focus-after-swap", "")
    expect(page.locator("#week-body")).to_have_attribute(
        "data-announce", re.compile(r"^Moved the deadlift to Tue 17:00; no flags left\.$")
    )
    expect(page.locator('[data-code="deadlift.not_on_hard_day"]')).to_have_count(0)
    expect(page.get_by_text("This week follows every rule.")).to_be_visible()
    lift.refresh_from_db()
    assert f"{lift.start.astimezone(dev.tz):%a %H:%M}" == "Tue 17:00"
    page.screenshot(path=screenshots / "board-after-drag.png")

    # Undo puts it back, flag and all, once.
    page.get_by_role("button", name=re.compile("^Undo")).click()
    expect(column(page, "Saturday").locator(f"#card-lift-{lift.pk}")).to_be_visible()
    expect(page.locator('[data-code="deadlift.not_on_hard_day"]').first).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Undo"))).to_have_count(0)
    lift.refresh_from_db()
    assert f"{lift.start.astimezone(dev.tz):%a %H:%M}" == "Sat 17:00"


def test_move_with_the_keyboard_alone(demo: Page):
    page = demo
    chloe = open_week(page, "chloe")  # deadlift Tuesday 21:00, three hours after intervals
    lift = the_deadlift(chloe)
    flag = page.locator('li[data-code="deadlift.too_close_to_intervals"]')
    expect(flag).to_be_visible()
    assert_no_serious_axe_violations(page)

    move = page.locator(f"#card-lift-{lift.pk} .card-move > summary")
    move.focus()
    page.keyboard.press("Enter")  # opens "Move to…"
    page.keyboard.press("Tab")  # the day: Tuesday already
    expect(page.locator(f"#move-lift-{lift.pk}-day")).to_be_focused()
    page.keyboard.press("Tab")
    time_input = page.locator(f"#move-lift-{lift.pk}-time")
    expect(time_input).to_be_focused()
    page.keyboard.type("1000AM")  # 10:00 in a 12-hour field (en-US) or a 24-hour one
    expect(time_input).to_have_value("10:00")
    page.keyboard.press("Enter")

    expect(page.locator("#week-body")).to_have_attribute(
        "data-announce", re.compile(r"^Moved the deadlift to Tue 10:00; ")
    )
    expect(flag).to_have_count(0)
    lift.refresh_from_db()
    assert f"{lift.start.astimezone(chloe.tz):%a %H:%M}" == "Tue 10:00"
    assert_no_serious_axe_violations(page)  # the board as the move left it, "Undo" and all

    # A time the checks refuse is said, and nothing moves.
    page.locator(f"#card-lift-{lift.pk} .card-move > summary").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.type("0500AM")  # 05:00 in a 12- or 24-hour field alike
    page.keyboard.press("Enter")
    expect(page.locator(".board-message")).to_contain_text("Not moved: ")
    expect(page.locator(".board-message")).to_contain_text("outside the training window")
    lift.refresh_from_db()
    assert f"{lift.start.astimezone(chloe.tz):%a %H:%M}" == "Tue 10:00"


def test_every_demo_week_fits_one_screen(demo: Page, screenshots):
    page = demo
    for athlete in Athlete.objects.filter(coach__user__username="coach").order_by("pk"):
        page.goto(f"/athletes/{athlete.pk}/week/")
        cards = page.locator(".board-card")
        expect(cards.first).to_be_visible()
        boxes = [card.bounding_box() for card in cards.all()]
        bottoms = [box["y"] + box["height"] for box in boxes if box is not None]
        assert len(bottoms) == cards.count()
        assert max(bottoms) <= 800, (athlete.user.username, max(bottoms))
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    page.screenshot(path=screenshots / "board-1280x800.png")


def rgb(value: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", value)[:3])


def test_a_hard_day_is_not_dressed_as_a_broken_rule(demo: Page):
    page = demo
    open_week(page, "chloe")  # Tuesday: the hard day, and an error on it
    hard_day = page.locator(".board-day.is-hard-day").first
    error = page.locator(".flag-error").first
    expect(error).to_be_visible()
    violation = error.evaluate("e => getComputedStyle(e).borderLeftColor")
    styles = hard_day.evaluate(
        "e => [getComputedStyle(e).borderTopColor, getComputedStyle(e).backgroundColor,"
        " getComputedStyle(e.querySelector('.hard-day-tag')).borderTopColor]"
    )
    for colour in styles:
        assert colour != violation
        r, g, b = rgb(colour)
        assert not (r > g + 60 and r > b + 60), f"{colour} reads as red"
    # Today is marked, and apart from the hard day.
    today = page.locator('[aria-current="date"]')
    expect(today).to_have_count(1)
    expect(today.get_by_role("heading")).to_contain_text("Today")


def test_an_adjusted_set_shows_its_original_and_why(demo: Page, screenshots):
    page = demo
    dev = Athlete.objects.get(user__username="dev")
    dev.autoregulate_coach_targets = True  # the demo's working loads are the coach's own
    dev.save()
    lift = the_deadlift(dev)
    first, *rest = lift.sets.filter(is_warmup=False).order_by("order")
    assert first.target_load_kg is not None
    logged = log_set(
        session=lift,
        client_id=uuid.uuid4(),
        values=DoneValues(reps=3, load_kg=first.target_load_kg, rir=3),
        set_id=first.pk,
    )
    assert [s.pk for s in logged.retargeted] == [s.pk for s in rest]
    open_week(page, "dev")
    card = page.locator(f"#card-lift-{lift.pk}")
    card.locator("summary.card-line").click()
    adjusted = card.locator("tr[data-adjusted]")
    expect(adjusted).to_have_count(len(rest))
    original = adjusted.first.locator("del.set-original")
    expect(original).to_have_text(re.compile(rf"was {first.target_load_kg.normalize():f} kg"))
    expect(original).to_have_attribute(
        "title", re.compile(r"^adjusted after set 1: 3 reps at RIR 3")
    )
    expect(adjusted.first.locator(".set-adjustment")).to_be_visible()
    page.screenshot(path=screenshots / "board-adjusted-sets.png")
    assert_no_serious_axe_violations(page)
