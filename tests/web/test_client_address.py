"""Behind a load balancer the client's address comes from X-Forwarded-For, counted from the
right: the lock-out and the API throttles read the same address, and a client's own entries
never move it."""

from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from rest_framework.throttling import AnonRateThrottle

from tests.factories import PASSWORD, CoachFactory
from web.request_log import client_address

CASES = {
    "no proxy: the socket's address, whatever the header says": (0, "1.2.3.4", "10.0.0.1"),
    "one proxy: the entry it appended": (1, "203.0.113.7", "203.0.113.7"),
    "one proxy: the client's own entry is ignored": (1, "1.2.3.4, 203.0.113.7", "203.0.113.7"),
    "one proxy: an unclosed quote cannot swallow the real entry": (
        1,
        '", 203.0.113.7',
        "203.0.113.7",
    ),
    "one proxy: garbage on the left is ignored": (1, "x, 203.0.113.7", "203.0.113.7"),
    "two proxies: the entry the outer one appended": (
        2,
        "1.2.3.4, 203.0.113.7, 10.0.0.2",
        "203.0.113.7",
    ),
    "one proxy, no header (a probe straight at the app)": (1, None, "10.0.0.1"),
    "two proxies, one malformed hop: the socket's address": (2, "nonsense", "10.0.0.1"),
}


def request_with(forwarded: str | None):
    headers: dict[str, Any] = {"REMOTE_ADDR": "10.0.0.1"}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


@pytest.mark.parametrize(("count", "forwarded", "expected"), CASES.values(), ids=CASES.keys())
def test_the_client_address_counts_trusted_proxies_from_the_right(
    settings, count, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = count
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": count}
    request = request_with(forwarded)
    assert client_address(request) == expected
    if forwarded != "nonsense":  # a throttle key need not be an address; a lock-out's must
        # The throttles key anonymous callers on the same address.
        assert AnonRateThrottle().get_ident(request) == expected


@pytest.mark.django_db
def test_a_lock_out_behind_the_balancer_holds_whatever_the_client_forwards(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.AXES_FAILURE_LIMIT = 5
    coach = CoachFactory()
    username = coach.user.username
    client = Client()

    def login(password: str, real: str, spoofed: int):
        # The balancer appends the address it saw to whatever the client sent.
        return client.post(
            reverse("login"),
            {"username": username, "password": password},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{spoofed}, {real}",
            REMOTE_ADDR="10.0.0.1",
        )

    failures = [login("wrong", "203.0.113.7", n).status_code for n in range(5)]
    assert failures == [200, 200, 200, 200, 429]
    # A fresh forwarded address each time changes nothing: still locked, right password or not.
    assert login(PASSWORD, "203.0.113.7", 99).status_code == 429
    # Another person (another real address) behind the same balancer logs in.
    assert login(PASSWORD, "203.0.113.8", 1).status_code == 302
