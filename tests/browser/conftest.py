"""Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

Browser downloads don't work here, so the tests use /usr/bin/chromium from the `chromium`
package. Without it they skip, saying how to install it, unless REQUIRE_BROWSER=1 (as in CI),
when they fail instead."""

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine

# The sync Playwright API runs an event loop in this thread; Django's ORM calls from the test
# body would otherwise be refused as "called from an async context".
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
INSTALL_HINT = (
    "Chromium is missing at /usr/bin/chromium: install Debian's package with "
    "`apt-get update && apt-get install -y chromium` (or set REQUIRE_BROWSER=1 to fail instead)."
)
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(INSTALL_HINT)
        pytest.skip(INSTALL_HINT)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server, transactional_db):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def on_a_monday():
    """The coming Monday at noon UTC, ticking: the week ahead is still to come, whatever day
    the suite runs (and in the future, so the browser's real clock keeps the cookies the
    travelled server sets). The demo is seeded relative to now; the coach's flows are about
    the week ahead, so they run at its start."""
    today = datetime.now(UTC)
    monday = (today + timedelta(days=7 - today.weekday())).replace(
        hour=12, minute=0, second=0, microsecond=0
    )
    with time_machine.travel(monday, tick=True):
        yield monday
