"""Logging in through the login form, the one way every browser test does it: it waits until the
login has landed on the page it leads to, so the test's next `goto` cannot cut the login's own
navigation short (and find itself back on the login page)."""

import re

from playwright.sync_api import Page, expect

from tests.factories import PASSWORD


def log_in(page: Page, username: str, password: str = PASSWORD) -> Page:
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page).not_to_have_url(re.compile(r"/login/"))
    page.wait_for_load_state("load")
    return page
