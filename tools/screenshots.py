"""Screenshots for the README (docs/screenshots/*.png): the dashboard, an athlete's week, the
phone's Today and its deadlift page, at 1280, 768 and 390 px wide, in the light scheme (and the
week once in the dark one). The app runs against a throwaway SQLite database seeded with the
demo, on a free port, in Debian's Chromium (/usr/bin/chromium), as the browser tests do.

    .venv/bin/python tools/screenshots.py [--out docs/screenshots]

Viewport shots at a device scale of 1 keep each PNG small (the README's are under 150 KB)."""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
WIDTHS = {1280: 800, 768: 1024, 390: 844}
COACH = ("coach", "ironstride-demo")
ATHLETE = ("anna", "athlete-demo")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True
    )


def wait_until_up(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"The app did not answer at {url}")


def log_in(page: Page, username: str, password: str) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("networkidle")


def week_of_a_flagged_athlete(page: Page) -> str:
    """The week page of the first athlete with errors (else warnings, else anyone)."""
    page.goto("/dashboard/")
    for state in ("errors", "warnings", ""):
        rows = page.locator(f"#roster-table tr[data-state{'=' + state if state else ''}] a")
        if rows.count():
            return str(rows.first.get_attribute("href"))
    raise SystemExit("The demo roster is empty")


def open_a_deadlift(page: Page) -> bool:
    """This week's deadlift on the phone, else the latest in the history."""
    for path in ("/me/week/", "/me/history/"):
        page.goto(path)
        links = page.locator('a[href*="/me/lifts/"]')
        if links.count():
            links.first.click()
            return True
    return False


def shoot(browser: Browser, base_url: str, out: Path) -> list[Path]:
    written = []
    for width, height in WIDTHS.items():
        for who, pages in (
            (COACH, ("dashboard", "week")),
            (ATHLETE, ("phone-today", "phone-deadlift")),
        ):
            context = browser.new_context(
                base_url=base_url, viewport={"width": width, "height": height}
            )
            page = context.new_page()
            log_in(page, *who)
            for name in pages:
                if name == "dashboard":
                    page.goto("/dashboard/")
                elif name == "week":
                    page.goto(week_of_a_flagged_athlete(page))
                elif name == "phone-today":
                    page.goto("/me/")
                elif not open_a_deadlift(page):
                    continue
                page.wait_for_load_state("networkidle")
                path = out / f"{name}-{width}.png"
                page.screenshot(path=path)
                written.append(path)
            context.close()
    dark = browser.new_context(
        base_url=base_url, viewport={"width": 1280, "height": 800}, color_scheme="dark"
    )
    page = dark.new_page()
    log_in(page, *COACH)
    page.goto(week_of_a_flagged_athlete(page))
    page.wait_for_load_state("networkidle")
    page.screenshot(path=out / "week-1280-dark.png")
    written.append(out / "week-1280-dark.png")
    dark.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    out = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ironstride-shots-") as tmp:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env.update(SQLITE_PATH=str(Path(tmp) / "db.sqlite3"), DEBUG="1")
        manage(env, "migrate", "--no-input")
        manage(env, "seed_demo")
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base_url = f"http://127.0.0.1:{port}"
            wait_until_up(base_url + "/healthz")
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
                )
                written = shoot(browser, base_url, out)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
    for path in written:
        print(f"{path}: {path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
