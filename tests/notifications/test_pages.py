"""The email settings page and the one-click unsubscribe link."""

import logging
from datetime import time
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail, signing
from django.test import Client

from athletes.models import Coach
from notifications import services
from notifications.models import EmailKind, EmailPreferences
from notifications.tokens import SALT, make_token
from tests.factories import AthleteFactory, UserFactory
from tests.notifications.conftest import athlete_with_week, later, publish

pytestmark = pytest.mark.django_db


def strict_client(user: User | None = None) -> Client:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    return client


def emailed_link(coach: Coach) -> tuple[User, str]:
    athlete = athlete_with_week(coach)
    publish([athlete])
    services.sweep(now=later(1))
    (message,) = mail.outbox
    return athlete.user, message.extra_headers["List-Unsubscribe"][1:-1]


def path_of(link: str) -> str:
    return link.removeprefix("http://localhost:8000")


# ---------------------------------------------------------------------------- unsubscribe


def test_one_click_post_turns_that_kind_off(coach: Coach, at_now: Any) -> None:
    user, link = emailed_link(coach)
    # What a mail client sends (RFC 8058): no session, no CSRF token, this body.
    response = strict_client().post(
        path_of(link),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert "no longer receive “Week published” emails" in response.content.decode()
    preferences = EmailPreferences.objects.get(user=user)
    assert (preferences.week_published, preferences.week_changed, preferences.daily) == (
        False, True, False,
    )  # fmt: skip
    # Twice is harmless.
    assert strict_client().post(path_of(link)).status_code == 200


def test_get_only_asks_and_the_button_confirms(coach: Coach, at_now: Any) -> None:
    user, link = emailed_link(coach)
    client = strict_client()
    page = client.get(path_of(link))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Stop these emails?" in html and '<form method="post">' in html
    assert not EmailPreferences.objects.filter(user=user).exists()  # a scanner changes nothing
    assert client.post(path_of(link)).status_code == 200
    assert EmailPreferences.objects.get(user=user).week_published is False


@pytest.mark.parametrize("kind", list(EmailKind))
def test_each_kind_has_its_own_link(kind: EmailKind) -> None:
    user = UserFactory()
    EmailPreferences.objects.create(user=user, daily=True)
    assert strict_client().post(f"/unsubscribe/{make_token(user.pk, kind)}/").status_code == 200
    preferences = EmailPreferences.objects.get(user=user)
    assert not preferences.wants(kind)
    assert [k for k in EmailKind if preferences.wants(k)] == [k for k in EmailKind if k != kind]


@pytest.mark.parametrize(
    "token",
    [
        pytest.param("nonsense", id="not a token"),
        pytest.param(signing.dumps({"u": 1, "k": "daily"}, salt="another.salt"), id="other salt"),
        pytest.param(signing.dumps({"u": 1, "k": "weekly"}, salt=SALT), id="unknown kind"),
        pytest.param(signing.dumps({"u": "1", "k": "daily"}, salt=SALT), id="id not a number"),
        pytest.param(signing.dumps([1, "daily"], salt=SALT), id="not an object"),
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_bad_or_forged_token_is_400_and_writes_nothing(token: str, method: str) -> None:
    UserFactory()
    response = getattr(strict_client(), method)(f"/unsubscribe/{token}/")
    assert response.status_code == 400
    assert "This unsubscribe link is not valid." in response.content.decode()
    assert not EmailPreferences.objects.exists()


def test_a_token_tampered_with_is_400(coach: Coach, at_now: Any) -> None:
    user, link = emailed_link(coach)
    other = UserFactory()
    payload, _, signature = make_token(user.pk, "published").partition(":")
    forged = signing.dumps({"u": other.pk, "k": "published"}, salt="x").partition(":")[0]
    assert strict_client().post(f"/unsubscribe/{forged}:{signature}/").status_code == 400
    assert not EmailPreferences.objects.exists()
    assert payload


def test_a_deleted_user_is_404_and_writes_nothing() -> None:
    user = UserFactory()
    token = make_token(user.pk, "daily")
    user.delete()
    assert strict_client().post(f"/unsubscribe/{token}/").status_code == 404
    assert strict_client().get(f"/unsubscribe/{token}/").status_code == 404
    assert not EmailPreferences.objects.exists()


def test_other_methods_are_refused() -> None:
    token = make_token(UserFactory().pk, "daily")
    assert strict_client().put(f"/unsubscribe/{token}/").status_code == 405


def test_the_token_never_reaches_a_log_line(caplog: Any) -> None:
    token = make_token(UserFactory().pk, "daily")
    handlers = logging.getLogger("django").handlers + logging.getLogger("ironstride").handlers
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    keep = Keep()
    for name in ("django", "ironstride", "django.request"):
        logging.getLogger(name).addHandler(keep)
    keep.filters = list(handlers[0].filters) if handlers else []
    try:
        client = strict_client()
        client.get(f"/unsubscribe/{token}/")
        client.post(f"/unsubscribe/{token}/")
        client.get(f"/unsubscribe/{token}x/")  # 400: "Bad Request: ..." is logged
    finally:
        for name in ("django", "ironstride", "django.request"):
            logging.getLogger(name).removeHandler(keep)
    assert any("/unsubscribe/<token>/" in line for line in lines), lines
    assert not any(token[:20] in line for line in lines)
    assert not any(
        token[:20] in record.getMessage()
        for record in caplog.records
        if record.name == "ironstride.request"
    )


# ---------------------------------------------------------------------------- settings page


def test_login_required() -> None:
    response = Client().get("/settings/email/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_user_without_a_role_is_403() -> None:
    client = Client()
    client.force_login(UserFactory())
    assert client.get("/settings/email/").status_code == 403


@pytest.mark.parametrize("role", ["coach", "athlete"])
def test_the_defaults_then_a_change_saved(coach: Coach, role: str) -> None:
    user = coach.user if role == "coach" else AthleteFactory(coach=coach).user
    client = strict_client(user)
    page = client.get("/settings/email/")
    assert page.status_code == 200
    html = page.content.decode()
    week_switch = 'name="week_published" class="form-check-input" id="id_week_published" checked'
    assert (week_switch in html) == (role == "athlete")
    assert 'name="daily" class="form-check-input" id="id_daily">' in html
    assert 'value="05:30"' in html
    assert ("phone/phone.css" in html) == (role == "athlete")
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/settings/email/",
        {
            "csrfmiddlewaretoken": token,
            "week_published": "on",
            "daily": "on",
            "daily_time": "06:45",
        },
    )
    assert response.status_code == 302
    preferences = EmailPreferences.objects.get(user=user)
    # A coach has the daily switch only: the week emails are the athletes'.
    expected = (True, False, True) if role == "athlete" else (True, True, True)
    assert (preferences.week_published, preferences.week_changed, preferences.daily) == expected
    assert preferences.daily_time == time(6, 45)


def test_without_csrf_403_and_nothing_written(coach: Coach) -> None:
    response = strict_client(coach.user).post(
        "/settings/email/", {"daily": "on", "daily_time": "06:00"}
    )
    assert response.status_code == 403
    assert not EmailPreferences.objects.exists()


@pytest.mark.parametrize("value", ["", "25:00", "seven", "06:00:00:00"])
def test_a_bad_time_is_422_and_nothing_written(coach: Coach, value: str) -> None:
    client = Client()
    client.force_login(coach.user)
    response = client.post("/settings/email/", {"daily": "on", "daily_time": value})
    assert response.status_code == 422
    assert "Please correct the settings below." in response.content.decode()
    assert not EmailPreferences.objects.exists()


def test_only_the_users_own_preferences(coach: Coach) -> None:
    other = AthleteFactory(coach=coach)
    EmailPreferences.objects.create(user=other.user, daily=True, daily_time=time(4, 15))
    client = Client()
    client.force_login(coach.user)
    html = client.get("/settings/email/").content.decode()
    assert "04:15" not in html
    # No id in the address to point at someone else's: a posted user field is ignored.
    client.post("/settings/email/", {"user": other.user.pk, "daily_time": "07:00"})
    assert EmailPreferences.objects.get(user=other.user).daily_time == time(4, 15)
    assert EmailPreferences.objects.get(user=coach.user).daily_time == time(7, 0)
    assert client.get(f"/settings/email/{other.user.pk}/").status_code == 404


def test_the_page_in_a_fixed_number_of_queries(
    coach: Coach, django_assert_num_queries: Any
) -> None:
    client = Client()
    client.force_login(coach.user)
    client.get("/settings/email/")
    # The user (the session is cached), its coach (the role), the preferences.
    with django_assert_num_queries(3):
        assert client.get("/settings/email/").status_code == 200


def test_reached_from_settings_by_the_coach_and_the_athlete(coach: Coach) -> None:
    # The coach's nav and the phone's top bar lead to /settings/ (units), which links here.
    for user in (coach.user, AthleteFactory(coach=coach).user):
        client = Client()
        client.force_login(user)
        home = client.get("/", follow=True).content.decode()
        assert 'href="/settings/"' in home
        assert 'href="/settings/email/"' in client.get("/settings/").content.decode()
        assert 'href="/settings/"' in client.get("/settings/email/").content.decode()
