"""axe-core (vendored in static/vendor/axe, loaded from the app itself: the CSP allows no
inline script) on every coach page, in the light and the dark scheme: no serious or critical
violation, colour contrast included."""

from datetime import UTC, datetime, timedelta
from io import StringIO
from pprint import pformat

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from athletes.models import Athlete
from notifications.tokens import make_token
from plan_templates import services as template_services
from plan_templates import tasks
from plan_templates.models import ApplyBatch, PlanTemplate
from plans.domain.weeks import Week
from tests.browser.login import log_in
from tests.factories import PASSWORD, AthleteFactory
from tests.workouts import phone_data
from workouts.models import LiftSession

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(on_a_monday):
    call_command("seed_demo", stdout=StringIO())


def serious_axe_violations(page: Page) -> list[tuple[str, str, list]]:
    # axe reads computed colours: let any finite CSS transition or animation finish first.
    # (evaluate, not wait_for_function: the CSP forbids the eval that one would need.)
    page.evaluate(
        "() => Promise.all(document.getAnimations()"
        ".filter(a => a.effect.getTiming().iterations !== Infinity)"
        ".map(a => a.finished.catch(() => null))).then(() => true)"
    )
    page.add_script_tag(url="/static/vendor/axe/axe.min.js")
    results = page.evaluate("axe.run()")
    return [
        (v["id"], v["impact"], [node["target"] for node in v["nodes"]][:8])
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def a_template(athlete: Athlete) -> tuple[PlanTemplate, ApplyBatch]:
    """A 2-week template of the demo coach's and a batch applying it, still queued."""
    coach = athlete.coach
    assert coach is not None
    week = {"has_deadlift": True, "deadlift_sets": 3, "deadlift_reps": 3}
    run = {"weekday": 1, "start_time": "07:00", "kind": "interval", "duration_minutes": 50}
    template = template_services.replace_template(
        None,
        coach=coach,
        data={
            "name": "Base block",
            "weeks": 2,
            "week_list": [{"number": n, **week, "runs": [run]} for n in (1, 2)],
        },
    )
    monday = Week.of(datetime.now(UTC), athlete.tz).next.monday
    batch = tasks.start_batch(
        coach=coach,
        template=template,
        targets=[template_services.Target(athlete=athlete, start_week=monday)],
    )
    return template, batch


def coach_pages() -> dict[str, str]:
    athlete = Athlete.objects.get(user__username="ben")
    week = Week.of(datetime.now(UTC), athlete.tz).name
    lift = LiftSession.objects.filter(athlete=athlete).latest("start")
    template, batch = a_template(athlete)
    return {
        "dashboard": "/dashboard/",
        "roster": "/roster/",
        "add athlete": "/roster/add/",
        "edit athlete": f"/roster/{athlete.pk}/edit/",
        "athlete week": f"/athletes/{athlete.pk}/week/",
        "add run": f"/athletes/{athlete.pk}/week/{week}/runs/add/",
        "upload runs": f"/athletes/{athlete.pk}/week/{week}/run-files/",
        "add deadlift": f"/athletes/{athlete.pk}/week/{week}/deadlift/add/",
        "edit deadlift": f"/athletes/{athlete.pk}/lifts/{lift.pk}/",
        "progress": f"/athletes/{athlete.pk}/progress/",
        "weeks ahead": "/ahead/",
        "season": f"/athletes/{athlete.pk}/season/",
        "password change": "/password/",
        "settings": "/settings/",
        "templates": "/templates/",
        "new template": "/templates/new/",
        "edit template": f"/templates/{template.pk}/",
        "apply template": f"/templates/{template.pk}/apply/",
        "copy template": f"/templates/{template.pk}/copy/",
        "delete template": f"/templates/{template.pk}/delete/",
        "save as template": f"/templates/from-athlete/{athlete.pk}/",
        "template batch": f"/templates/batches/{batch.pk}/",
        "email settings": "/settings/email/",
        "unsubscribe": f"/unsubscribe/{make_token(athlete.user.pk, 'daily')}/",
        "unsubscribe, bad link": "/unsubscribe/not-a-token/",
    }


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_coach_page_passes_axe(page: Page, demo, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto("/login/")
    # The scheme really is applied: Bootstrap's colour mode follows it.
    expect(page.locator("html")).to_have_attribute("data-bs-theme", scheme)
    found = {"login": serious_axe_violations(page)}
    log_in(page, "coach", "ironstride-demo")
    coach_pages_seen = coach_pages()
    for name, path in coach_pages_seen.items():
        page.goto(path)
        found[name] = serious_axe_violations(page)
    # A form with errors: the summary, the invalid fields, the password note.
    page.goto("/roster/add/")
    page.get_by_role("button", name="Add athlete").click()
    expect(page.locator(".error-summary")).to_be_visible()
    page.wait_for_load_state("load")  # its stylesheets too: axe reads the computed colours
    found["add athlete, with errors"] = serious_axe_violations(page)
    # The template editor with errors, and the apply page's preview.
    page.goto("/templates/new/")
    page.get_by_role("button", name="Save template").first.click()
    expect(page.locator(".error-summary")).to_be_visible()
    page.wait_for_load_state("load")
    found["new template, with errors"] = serious_axe_violations(page)
    page.goto(coach_pages_seen["apply template"])
    page.get_by_label("Ben", exact=False).first.check()
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("[data-preview-athlete]")).to_have_count(1)
    page.wait_for_load_state("load")
    found["apply template, preview"] = serious_axe_violations(page)
    failing = {name: v for name, v in found.items() if v}
    assert failing == {}, pformat(failing, width=120)


def test_the_phone_pages_pass_axe_in_the_dark(page: Page):
    # Light is checked by test_phone.py at 360 px; the tokens' dark scheme reaches the phone too.
    athlete = AthleteFactory()
    lift = phone_data.deadlift(athlete)
    run = phone_data.run(athlete, start=timezone.now() + timedelta(hours=1))
    page.emulate_media(color_scheme="dark")
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, athlete.user.username, PASSWORD)
    found = {}
    for path in [
        "/me/",
        "/me/week/",
        f"/me/lifts/{lift.pk}/",
        f"/me/runs/{run.pk}/",
        "/me/history/",
        "/settings/email/",
        "/settings/",
    ]:
        page.goto(path)
        found[path] = serious_axe_violations(page)
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(20, 24, 29)"  # --color-surface, dark
    failing = {name: v for name, v in found.items() if v}
    assert failing == {}, pformat(failing, width=120)
