"""Light on the wire: the session page and everything it loads, gzipped, under 150 KB."""

import gzip
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.workouts import phone_data

pytestmark = pytest.mark.django_db

BUDGET_BYTES = 150 * 1024


def test_the_session_page_weighs_under_150_kb_compressed(client, athlete):
    lift = phone_data.deadlift(athlete)
    client.force_login(athlete.user)
    html = client.get(reverse("workouts:phone_lift", args=[lift.pk])).content
    assets = re.findall(rb'(?:href|src)="/static/([^"]+\.(?:css|js))"', html)
    # The shared design tokens, the page's own stylesheet and scripts (autoregulation's
    # arithmetic apart), and no framework or web font on top.
    assert sorted(assets) == [
        b"css/tokens.css",
        b"phone/autoreg.js",
        b"phone/phone.css",
        b"phone/phone.js",
    ]
    total = len(gzip.compress(html))
    for asset in assets:
        path = finders.find(asset.decode())
        assert path is not None, asset
        with open(path, "rb") as file:
            total += len(gzip.compress(file.read()))
    assert b"@font-face" not in html
    assert total < BUDGET_BYTES, f"{total} bytes gzipped"
    print(f"session page, HTML + CSS + JS gzipped: {total} bytes")
