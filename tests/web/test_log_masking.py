"""The calendar feed's secret never reaches a log line, whatever a client sends after
/calendar/: through the real request log (web/request_log.py) and Django's "Not Found"
warning, with the handlers' filter as configured in settings."""

import logging

import pytest

from tests.factories import AthleteFactory
from web.log_filters import mask

pytestmark = pytest.mark.django_db

SECRET = "s3cr3t-token-value"


@pytest.mark.parametrize(
    ("path", "status"),
    [
        (f"/calendar/{SECRET}.ics", 404),
        (f"/calendar/{SECRET}", 404),
        (f"/calendar/{SECRET}.ICS", 404),
        (f"/calendar//{SECRET}.ics", 404),
        (f"/calendar///{SECRET}", 404),
        (f"/CALENDAR/{SECRET}.ics", 404),
        (f"/Calendar/{SECRET}", 404),
        (f"/calendar/{SECRET}.ics/", 404),
        (f"/calendar/{SECRET}/more.ics", 404),
        (f"/calendar/{SECRET}.ics?x=1", 404),
        (f"/calendar/%73{SECRET}.ics", 404),
        (f"/calendar%2F{SECRET}.ics", 404),
    ],
)
def test_no_log_line_carries_what_follows_calendar(client, caplog, path, status):
    with caplog.at_level(logging.INFO):
        response = client.get(path)
    assert response.status_code == status
    requests = [r for r in caplog.records if getattr(r, "event", None) == "request"]
    not_found = [r for r in caplog.records if r.getMessage().startswith("Not Found")]
    assert requests and not_found
    assert "/calendar/<secret>" in requests[0].path
    assert "/calendar/<secret>" in not_found[0].getMessage()
    assert SECRET not in caplog.text
    assert SECRET[1:] not in caplog.text  # not even most of it


def test_a_real_feed_is_logged_without_its_secret(client, caplog):
    athlete = AthleteFactory()
    with caplog.at_level(logging.INFO):
        response = client.get(f"/calendar/{athlete.calendar_token}.ics")
    assert response.status_code == 200
    assert athlete.calendar_token not in caplog.text
    assert "GET /calendar/<secret>.ics 200" in caplog.text


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        ('"GET /calendar/abc.ics HTTP/1.1" 200', '"GET /calendar/<secret>.ics HTTP/1.1" 200'),
        ('"GET /%63alendar%2fabc.ics HTTP/1.1" 404', '"GET /calendar/<secret>.ics HTTP/1.1" 404'),
        ("GET /calendar/abc?token=x 404", "GET /calendar/<secret> 404"),
        ("Not Found: /calendar/", "Not Found: /calendar/<secret>"),
        ("/calendar/<secret>.ics", "/calendar/<secret>.ics"),  # masking twice changes nothing
        ("GET /calendars/ 404", "GET /calendars/ 404"),
        ("GET /dashboard/?week=2026-W49 200", "GET /dashboard/?week=2026-W49 200"),
    ],
)
def test_mask(line, masked):
    assert mask(line) == masked
