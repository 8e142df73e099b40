"""Forgiving forms and a navigation that knows where it is, on every coach page and the phone:
an error summary at the top linked to each field with an error (templates/_form_errors.html),
what was typed kept, a password that comes back empty saying so; the section the page belongs
to marked aria-current."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD
from tests.plans.test_session_forms import WEEK_NAME, lift_data, run_data
from tests.workouts import phone_data

pytestmark = pytest.mark.django_db

RETYPE = "For your security, type the password again."


@pytest.fixture
def coach_client(client, coach):
    client.force_login(coach.user)
    return client


def summary_links(html: str) -> list[tuple[str, str]]:
    """(href, text) of each link in the error summary."""
    match = re.search(r'<div class="error-summary"[^>]*>(.*?)</div>', html, re.S)
    assert match, "no error summary"
    return [
        (href, re.sub(r"\s+", " ", text).strip())
        for href, text in re.findall(r'<a href="([^"]+)">(.*?)</a>', match.group(1), re.S)
    ]


def field_ids(html: str) -> set[str]:
    return set(re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', html))


def test_add_athlete_error_summary_links_each_field_and_keeps_what_was_typed(coach_client):
    response = coach_client.post(
        reverse("athletes:add"),
        {
            "username": "maya",
            "password": "short",
            "first_name": "Maya",
            "last_name": "Lind",
            "time_zone": "Europe/Stockholm",
            "training_window_start": "20:00",
            "training_window_end": "06:00",
            "load_increment_kg": "abc",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    links = summary_links(html)
    hrefs = [href for href, _ in links]
    assert "#id_password" in hrefs and "#id_load_increment_kg" in hrefs
    # Every link leads to a field on the page.
    assert {href[1:] for href in hrefs} <= field_ids(html)
    assert 'role="alert"' in html and "There is a problem" in html
    # The summary comes before the first field.
    assert html.index("error-summary") < html.index('id="id_username"')
    # What was typed is kept, except the password, which says why it is empty.
    assert 'value="maya"' in html and 'value="Lind"' in html
    assert '<option value="Europe/Stockholm" selected>' in html
    assert re.search(r'<input type="password" name="password"(?![^>]*value=)', html)
    assert html.count(RETYPE) == 1
    assert 'data-describes="id_password"' in html


def test_a_form_without_errors_has_no_summary_nor_retype_note(coach_client):
    html = coach_client.get(reverse("athletes:add")).content.decode()
    assert "error-summary" not in html
    assert RETYPE not in html


def test_edit_athlete_new_password_says_to_type_it_again(coach_client, athlete):
    response = coach_client.post(
        reverse("athletes:edit", args=[athlete.pk]),
        {
            "first_name": "",
            "last_name": "",
            "time_zone": "Europe/Berlin",
            "training_window_start": "06:00",
            "training_window_end": "21:00",
            "load_increment_kg": "2.5",
            "new_password": "a-good-long-new-password",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert ("#id_first_name", "First name: This field is required.") in summary_links(html)
    assert RETYPE in html


def test_run_form_summary(coach_client, athlete):
    url = reverse("workouts:run_add", args=[athlete.pk, WEEK_NAME])
    response = coach_client.post(url, run_data(duration_minutes="0", distance_km="x"))
    html = response.content.decode()
    hrefs = [href for href, _ in summary_links(html)]
    assert hrefs == ["#id_duration_minutes", "#id_distance_km"]
    assert 'value="2026-12-01T07:00"' in html  # the start, as typed


def test_deadlift_form_summary_names_the_set(coach_client, athlete):
    url = reverse("workouts:deadlift_add", args=[athlete.pk, WEEK_NAME])
    rows = [{"target_reps": "3", "target_load_kg": "100", "target_rir": "1"}] * 2
    rows = [rows[0], {**rows[1], "target_reps": "0"}]
    html = coach_client.post(url, lift_data(rows)).content.decode()
    links = summary_links(html)
    assert {href for href, _ in links} == {"#id_sets-1-target_reps"}
    assert links[0][1].startswith("Set 2, ")
    assert "id_sets-1-target_reps" in field_ids(html)


def test_login_error_is_summarised_and_the_password_note_shown(client, athlete):
    response = client.post(
        reverse("login"), {"username": athlete.user.username, "password": "wrong"}
    )
    html = response.content.decode()
    [(href, text)] = summary_links(html)
    assert href == "#id_username"
    assert "correct username and password" in text
    assert f'value="{athlete.user.username}"' in html
    assert RETYPE in html


def test_password_change_error_is_summarised(client, coach):
    client.force_login(coach.user)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "abc", "new_password2": "abd"},
    )
    html = response.content.decode()
    assert "#id_new_password2" in [href for href, _ in summary_links(html)]
    assert html.count(RETYPE) == 3  # all three come back empty


# ---------------------------------------------------------------------------- navigation


def current_sections(html: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", text).strip()
        for text in re.findall(r'<a[^>]*aria-current="page"[^>]*>(.*?)</a>', html, re.S)
    ]


@pytest.mark.parametrize(
    ("page", "section"),
    [
        ("dashboard", "Dashboard"),
        ("roster", "Roster"),
        ("add", "Roster"),
        ("edit", "Roster"),
        ("week", "Dashboard"),
        ("progress", "Dashboard"),
        ("run", "Dashboard"),
        ("password", None),
    ],
)
def test_the_coach_navigation_marks_the_pages_section(coach_client, athlete, page, section):
    url = {
        "dashboard": reverse("plans:dashboard"),
        "roster": reverse("athletes:roster"),
        "add": reverse("athletes:add"),
        "edit": reverse("athletes:edit", args=[athlete.pk]),
        "week": reverse("plans:athlete_current_week", args=[athlete.pk]),
        "progress": reverse("plans:progress", args=[athlete.pk]),
        "run": reverse("workouts:run_add", args=[athlete.pk, WEEK_NAME]),
        "password": reverse("password_change"),
    }[page]
    html = coach_client.get(url, follow=True).content.decode()
    assert current_sections(html) == ([section] if section else [])


def test_a_session_opened_from_the_week_marks_week_and_todays_marks_today(client, athlete):
    now = timezone.now()
    today_lift = phone_data.deadlift(athlete, start=now + timedelta(minutes=5))
    if today_lift.start.astimezone(athlete.tz).date() != now.astimezone(athlete.tz).date():
        today_lift.start = now  # just before local midnight: still today
        today_lift.save()
    later_lift = phone_data.deadlift(athlete, start=now + timedelta(days=3))
    later_run = phone_data.run(athlete, start=now + timedelta(days=3))
    client.force_login(athlete.user)
    pages = {
        "today's deadlift": (reverse("workouts:phone_lift", args=[today_lift.pk]), "Today"),
        "a later deadlift": (reverse("workouts:phone_lift", args=[later_lift.pk]), "Week"),
        "a later run": (reverse("workouts:phone_run", args=[later_run.pk]), "Week"),
    }
    for name, (url, section) in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        assert current_sections(response.content.decode()) == [section], name


# ---------------------------------------------------------------------------- charts


def test_the_progress_charts_count_in_nice_steps(coach_client, athlete):
    # Three weeks of logged working sets: e1RMs of about 108, 120 and 134 kg.
    for weeks_ago, load in ((3, "95"), (2, "105"), (1, "117.5")):
        lift = phone_data.deadlift(athlete, start=timezone.now() - timedelta(weeks=weeks_ago))
        lift.sets.filter(is_warmup=False).update(reps=3, load_kg=Decimal(load), rir=1)
    html = coach_client.get(reverse("plans:progress", args=[athlete.pk])).content.decode()
    volume_svg, e1rm_svg, compliance_svg = re.findall(r"<svg.*?</svg>", html, re.S)
    # The volume chart's two axes: running hours on the left, the e1RM's kg on the right.
    hours_svg = "".join(re.findall(r'<text[^>]*data-tick="hours"[^>]*>[^<]+</text>', volume_svg))
    kg_svg = "".join(re.findall(r'<text[^>]*data-tick="kg"[^>]*>[^<]+</text>', volume_svg))
    for svg in (e1rm_svg, compliance_svg, hours_svg.replace(" h<", "<"), kg_svg):
        ticks = [Decimal(t) for t in re.findall(r"<text[^>]*data-tick[^>]*>([^<]+)</text>", svg)]
        assert 3 <= len(ticks) <= 7, ticks
        steps = {later - earlier for earlier, later in zip(ticks, ticks[1:], strict=False)}
        assert len(steps) == 1, ticks
        assert steps.pop().normalize().as_tuple().digits in ((1,), (2,), (5,)), ticks
    compliance = re.findall(r"<text[^>]*data-tick[^>]*>([^<]+)</text>", compliance_svg)
    assert compliance == ["0", "20", "40", "60", "80", "100"]
