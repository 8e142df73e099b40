"""The downloads as people make them: the coach from the roster's form with a date range, the
athlete from the phone's History page."""

import json
import re
from pathlib import Path

from playwright.sync_api import Page

from tests.browser.login import log_in
from tests.exports.conftest import make_history
from tests.factories import CoachFactory, UserFactory


def test_the_coach_downloads_a_month_of_the_roster_as_csv(page: Page) -> None:
    history = make_history(CoachFactory(user=UserFactory(username="carla")))
    log_in(page, "carla")
    page.goto("/roster/")
    page.get_by_label("From", exact=True).fill("2026-11-30")
    page.get_by_label("To", exact=True).fill("2026-11-30")
    with page.expect_download() as info:
        page.get_by_role("button", name="CSV").click()
    download = info.value
    assert download.suggested_filename == "ironstride-roster-carla-2026-11-30-to-2026-11-30.csv"
    lines = Path(download.path()).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("Athlete,Username,Date,Time,Time zone,Week,Session,Kind")
    # The run and the deadlift's three sets, not the draft run of the next week.
    assert [line.split(",")[14] for line in lines[1:]] == ["", "Warm-up 1", "Set 1", "Set 2"]
    assert history.athlete.user.username == "anna"


def test_the_athlete_downloads_their_account_from_the_phone(page: Page) -> None:
    history = make_history(CoachFactory())
    log_in(page, "anna")
    page.goto("/me/history/")
    with page.expect_download() as info:
        page.get_by_role("link", name="Account file (JSON)").click()
    download = info.value
    assert re.fullmatch(
        r"ironstride-account-anna-\d{4}-\d{2}-\d{2}\.json", download.suggested_filename
    )
    document = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert document["user"]["username"] == "anna"
    assert [plan["week_start"] for plan in document["plans"]] == ["2026-11-30"]
    assert len(document["lift_sets"]) == len(history.lift.sets.all())
