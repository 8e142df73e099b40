"""Production hardening: the deploy checks, the CSP header, structured security logs."""

import json
import logging
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from config.log_filters import JsonFormatter
from tests.factories import AthleteFactory, login_request

ROOT = Path(__file__).resolve().parents[2]


def test_deploy_checks_are_clean_in_production():
    # The browser tests' conftest sets DJANGO_ALLOW_ASYNC_UNSAFE in this process; a deployment
    # never has it.
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "PRODUCTION": "1",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "ironstride.example",
        "SMTP_HOST": "smtp.example",
        "DEBUG": "0",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


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
