"""Every page works under the Content-Security-Policy: no violation reported by Chromium on the
coach pages, the phone pages and the interactive API docs."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from athletes.models import Athlete
from tests.browser.login import log_in
from workouts.models import LiftSession


def csp_violations(page, path: str) -> list[str]:
    reports: list[str] = []
    page.on(
        "console",
        lambda message: (
            reports.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(path)
    page.wait_for_load_state("networkidle")
    return reports


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", verbosity=0)


def test_coach_pages_and_api_docs_raise_no_csp_violation(page, demo):
    log_in(page, "coach", "ironstride-demo")
    page.wait_for_load_state("networkidle")
    athlete = Athlete.objects.get(user__username="ben")
    for path in [
        "/dashboard/",
        f"/athletes/{athlete.pk}/week/",
        f"/athletes/{athlete.pk}/progress/",
        "/roster/",
        "/api/docs/",
    ]:
        assert csp_violations(page, path) == [], path
    # The docs really rendered under the policy: Swagger UI shows the API's title.
    page.goto("/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Ironstride API")


def test_phone_pages_raise_no_csp_violation(page, demo):
    log_in(page, "ben", "athlete-demo")
    page.wait_for_load_state("networkidle")
    lift = LiftSession.objects.filter(athlete__user__username="ben").latest("start")
    for path in ["/me/", f"/me/lifts/{lift.pk}/", "/me/history/"]:
        assert csp_violations(page, path) == [], path
