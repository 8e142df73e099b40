"""Where the downloads are: the roster (the roster's), the athlete's week (that athlete's) and the
phone's history (the athlete's own)."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.exports.conftest import History

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def test_the_roster_page_downloads_the_roster(client: Client, history: History) -> None:
    client.force_login(history.coach.user)
    page = client.get(reverse("athletes:roster")).content.decode()
    assert f'<form method="get" action="{reverse("exports:roster_csv")}"' in page
    assert f'formaction="{reverse("exports:roster_json")}"' in page
    assert 'type="date" id="export-from" name="from"' in page
    assert 'type="date" id="export-to" name="to"' in page


def test_the_week_page_downloads_that_athlete(client: Client, history: History) -> None:
    client.force_login(history.coach.user)
    url = reverse("plans:athlete_week", args=[history.athlete.pk, "2026-W49"])
    page = client.get(url).content.decode()
    for name in ("exports:athlete_csv", "exports:athlete_json", "exports:account"):
        assert f'href="{reverse(name, args=[history.athlete.pk])}" download' in page


def test_the_phone_downloads_the_athletes_own(client: Client, history: History) -> None:
    client.force_login(history.athlete.user)
    page = client.get(reverse("workouts:phone_history")).content.decode()
    assert "Your data" in page
    for name in ("exports:athlete_csv", "exports:account"):
        assert f'href="{reverse(name, args=[history.athlete.pk])}" download' in page
