"""The athlete uploads last week's FIT files from the phone (real Chromium, a 360 px touch
screen) and sees the runs done with the watch's times; a bad file is named, the others kept."""

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import FilePayload, expect

from plans.models import PlanStatus, WeeklyPlan
from tests.browser.test_phone import (
    PHONE,
    assert_fits_360,
    assert_no_serious_axe_violations,
    assert_tap_targets,
    log_in,
)
from tests.factories import AthleteFactory, RunSessionFactory
from tests.workouts.run_file_factory import fit_file
from workouts.models import RunKind, RunSession, SessionStatus

pytestmark = pytest.mark.django_db(transaction=True)

# Wednesday 9 December 2026 at noon UTC, ticking: last week (2026-W49) is over, and the server's
# clock is ahead of the browser's real one, so the session cookie it sets stays good.
NOW = datetime(2026, 12, 9, 12, tzinfo=UTC)


def berlin(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=ZoneInfo("Europe/Berlin"))


@pytest.fixture
def phone(browser, live_server, transactional_db):
    context = browser.new_context(base_url=live_server.url, **PHONE)
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=True):
        yield


def test_the_athlete_uploads_fit_files_and_sees_the_runs_done(
    clock, phone, screenshots, transactional_db
):
    athlete = AthleteFactory(time_zone="Europe/Berlin")
    interval = RunSessionFactory(
        athlete=athlete, kind=RunKind.INTERVAL, start=berlin(1, 7), duration_minutes=50
    )
    easy = RunSessionFactory(athlete=athlete, kind=RunKind.EASY, start=berlin(3, 7))
    WeeklyPlan.objects.filter(athlete=athlete).update(status=PlanStatus.PUBLISHED, published_at=NOW)
    page = log_in(phone, athlete)
    page.get_by_role("link", name="Upload runs from your watch").tap()
    expect(page.get_by_role("heading", name="Upload runs")).to_be_visible()
    assert_fits_360(page)
    assert_tap_targets(page)
    assert_no_serious_axe_violations(page)

    page.get_by_label("Run files").set_input_files(
        [
            FilePayload(
                name="tuesday.fit",
                mimeType="application/octet-stream",
                buffer=fit_file(berlin(1, 18, 5), minutes=52),
            ),
            FilePayload(
                name="thursday.fit",
                mimeType="application/octet-stream",
                buffer=fit_file(berlin(3, 7, 20), minutes=41, distance_m=7300),
            ),
            FilePayload(name="photo.fit", mimeType="image/png", buffer=b"\x89PNG\r\n\x1a\n"),
        ]
    )
    page.get_by_role("button", name="Upload").tap()
    results = page.get_by_role("list", name="Results").get_by_role("listitem")
    expect(results).to_have_count(3)
    expect(results.nth(0)).to_contain_text("Imported: tuesday.fit: the interval run planned")
    expect(results.nth(1)).to_contain_text("Imported: thursday.fit")
    expect(results.nth(2)).to_contain_text(
        "Rejected: photo.fit: this is not a FIT, GPX or TCX file."
    )
    assert_fits_360(page)
    assert_tap_targets(page)
    assert_no_serious_axe_violations(page)
    page.screenshot(path=screenshots / "phone-run-upload-360.png", full_page=True)

    page.goto("/me/week/2026-W49/")
    tuesday = page.locator("li.session", has_text="Interval run")
    expect(tuesday).to_contain_text("18:05 · 52 min (planned 07:00)")
    expect(tuesday).to_contain_text("Done")
    thursday = page.locator("li.session", has_text="Easy run")
    expect(thursday).to_contain_text("7.3 km")
    expect(thursday).to_contain_text("07:20 · 41 min")

    interval.refresh_from_db()
    easy.refresh_from_db()
    assert (interval.status, interval.actual_start) == (SessionStatus.DONE, berlin(1, 18, 5))
    assert (easy.status, easy.actual_duration_minutes) == (SessionStatus.DONE, 41)
    assert RunSession.objects.filter(athlete=athlete).count() == 2
    assert re.search(r"/me/week/2026-W49/$", page.url)
