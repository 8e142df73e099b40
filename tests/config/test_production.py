"""Production hardening: the deploy checks, the CSP header, structured security logs."""

import json
import logging
import os
import re
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.urls import reverse

from loadtest import harness
from tests.factories import AthleteFactory, login_request
from web.log_filters import JsonFormatter

# tests/weekdays.py runs these once, not under each weekday's clock.
pytestmark = pytest.mark.clock_free

ROOT = Path(__file__).resolve().parents[2]


def production_env(**extra: str) -> dict[str, str]:
    """This process's environment as a deployment would have it: PRODUCTION=1 and a
    SECRET_KEY, nothing else of ours (no SMTP_HOST, ALLOWED_HOSTS, DATABASE_URL, REDIS_URL)."""
    ours = {
        "DJANGO_ALLOW_ASYNC_UNSAFE",  # the browser tests' conftest sets it; no deployment does
        "DEBUG",
        "ALLOWED_HOSTS",
        "SMTP_HOST",
        "DATABASE_URL",
        "REDIS_URL",
        "TRUSTED_PROXY_COUNT",
    }
    env = {k: v for k, v in os.environ.items() if k not in ours}
    return env | {"PRODUCTION": "1", "SECRET_KEY": secrets.token_urlsafe(50)} | extra


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.mark.parametrize("extra", [{}, {"SMTP_HOST": "smtp.example"}], ids=["alone", "smtp"])
def test_deploy_checks_are_clean_in_production(extra):
    result = manage(production_env(**extra), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_static_file_names_a_file_that_is_not_there():
    # The manifest storage refuses to collect a file that names a missing one (a source map
    # left in a vendored file is the usual case): strip the comment when vendoring.
    dangling = []
    for path in (ROOT / "static").rglob("*"):
        if path.suffix not in {".css", ".js"}:
            continue
        for name in re.findall(r"sourceMappingURL=([^\s*]+)", path.read_text(errors="replace")):
            if not name.startswith("data:") and not (path.parent / name).exists():
                dangling.append(f"{path.relative_to(ROOT)} -> {name}")
    assert dangling == []


HASHED_STATIC = re.compile(r"/static/[\w/.-]+\.[0-9a-f]{12}\.(?:css|js|png|ico|svg)")


@pytest.fixture(scope="module")
def production_server(tmp_path_factory):
    """`make serve`'s steps in production mode on a SQLite file of its own: migrate, the demo
    roster, collectstatic (the manifest storage), gunicorn on a free loopback port."""
    tmp = tmp_path_factory.mktemp("production")
    env = production_env(SQLITE_PATH=str(tmp / "db.sqlite3"), STATIC_ROOT=str(tmp / "static"))
    for args in (["migrate", "--no-input"], ["seed_demo"], ["collectstatic", "--no-input"]):
        result = manage(env, *args)
        assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp / "static" / "staticfiles.json").exists()
    port = harness.free_port()
    log = (tmp / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application"]
        + ["--bind", f"127.0.0.1:{port}", "--workers", "2", "--timeout", "30"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while harness.Client(port).request("GET", "/healthz").status != 200:
            assert server.poll() is None, (tmp / "gunicorn.log").read_text()
            assert time.monotonic() < deadline, "gunicorn did not answer /healthz in 60 s"
            time.sleep(0.2)
        yield port
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
    assert "Traceback" not in (tmp / "gunicorn.log").read_text()


def crawl(browser: harness.Browser, start: list[str], limit: int = 80) -> dict[str, int]:
    """GET the start pages and the site's links found on them (and on those), one page of each
    kind (`/athletes/3/week/` stands for every athlete's), up to `limit`; leaves out logout and
    deletions. Every static file a page names is fetched too."""
    seen: dict[str, int] = {}
    kinds: set[str] = set()
    queue = list(start)
    while queue and len(seen) < limit:
        path = queue.pop(0)
        kind = re.sub(r"\d+", "N", path)
        if path in seen or kind in kinds:
            continue
        kinds.add(kind)
        page = browser.get(path)
        seen[path] = page.status
        if page.status != 200 or "text/html" not in page.headers.get("content-type", ""):
            continue
        for link in re.findall(r'href="(/[^"#?]*)', page.text):
            if not link.startswith(("/static/", "/logout", "/admin")) and "delete" not in link:
                queue.append(link)
        for asset in re.findall(r'(?:href|src)="(/static/[^"]+)"', page.text):
            assert HASHED_STATIC.fullmatch(asset), f"{path} names {asset} without its hash"
            if asset not in seen:
                served = browser.get(asset, {"Accept-Encoding": "gzip"})
                seen[asset] = served.status
                if asset.endswith((".css", ".js")):
                    assert served.headers.get("content-encoding") == "gzip", asset
    return seen


def test_production_serves_every_page_with_hashed_static_files(production_server):
    anonymous = harness.Browser(production_server)
    login = anonymous.get("/login/")
    assert login.status == 200
    assert HASHED_STATIC.search(login.text), login.text[:500]
    assert "Strict-Transport-Security".lower() in login.headers

    coach = harness.Browser(production_server)
    assert coach.login("coach", "ironstride-demo").status == 302
    pages = crawl(coach, ["/", "/dashboard/", "/roster/", "/api/docs/"])
    athlete = harness.Browser(production_server)
    assert athlete.login("anna", "athlete-demo").status == 302
    pages |= crawl(athlete, ["/", "/me/", "/me/week/", "/me/history/", "/sw.js"])

    failed = {path: status for path, status in pages.items() if status >= 400}
    assert failed == {}
    assert any(p.startswith("/athletes/") for p in pages)  # the crawl reached the roster
    assert any(p.startswith("/me/lifts/") for p in pages)  # and the phone's deadlift page
    assert any(p.startswith("/static/") for p in pages)


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"} | {"PRODUCTION": "1"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "needs SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_pages_carry_the_content_security_policy(client):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in policy.split("; ") if part.strip()}
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["script-src"][0] == "'self'"
    assert all(
        source == "'self'" or source.startswith("'nonce-") for source in directives["script-src"]
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_failed_logins_and_permission_denials_are_logged(client, caplog):
    athlete = AthleteFactory()
    with caplog.at_level(logging.INFO, logger="ironstride"):
        assert not client.login(
            username=athlete.user.username, password="wrong", request=login_request()
        )
        client.force_login(athlete.user)
        assert client.get(reverse("plans:dashboard")).status_code == 403
    events = [getattr(record, "event", None) for record in caplog.records]
    assert "login_failed" in events
    denied = next(r for r in caplog.records if getattr(r, "event", None) == "permission_denied")
    assert denied.path == "/dashboard/"
    assert denied.user_id == athlete.user.pk
    assert "wrong" not in caplog.text  # never the password


@pytest.mark.django_db
def test_the_request_log_never_shows_the_calendar_secret(client, caplog):
    with caplog.at_level(logging.INFO, logger="ironstride.request"):
        client.get("/calendar/s3cr3t-token-value.ics")
    lines = [r for r in caplog.records if getattr(r, "event", None) == "request"]
    assert lines
    assert all("s3cr3t" not in record.getMessage() for record in lines)
    assert all(record.path == "/calendar/<secret>.ics" for record in lines)


def test_json_log_lines_carry_the_structured_fields():
    record = logging.LogRecord("ironstride.request", logging.INFO, "", 0, "GET %s", ("/x",), None)
    record.status = 200
    record.event = "request"
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "GET /x"
    assert line["status"] == 200
    assert line["event"] == "request"
    assert line["level"] == "INFO"
