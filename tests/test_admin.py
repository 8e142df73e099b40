from datetime import UTC, date, datetime, time
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from athletes.models import Athlete
from notifications.models import EmailPreferences, WeekNotice
from tests.factories import login_request
from tests.workouts.run_file_factory import fit_file
from workouts.models import LiftSession
from workouts.run_imports import UploadedRunFile, import_run_files

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 23, 6, tzinfo=UTC)

CHANGELISTS = [
    "admin:athletes_coach_changelist",
    "admin:athletes_athlete_changelist",
    "admin:workouts_runsession_changelist",
    "admin:workouts_liftsession_changelist",
    "admin:plans_weeklyplan_changelist",
]


@pytest.fixture
def admin_client(client):
    call_command("seed_demo", stdout=StringIO())
    assert client.login(username="admin", password="ironstride-admin", request=login_request())
    return client


@pytest.mark.parametrize("name", CHANGELISTS)
def test_every_model_is_listed_in_the_admin_with_the_demo_data(admin_client, name):
    response = admin_client.get(reverse(name))
    assert response.status_code == 200
    assert response.context["cl"].result_count > 0


def test_the_athletes_list_shows_each_increment_in_the_athletes_unit(admin_client):
    page = admin_client.get(reverse("admin:athletes_athlete_changelist")).content.decode()
    assert "5 lb" in page  # Kate, in pounds
    assert "2.5 kg" in page
    assert "2.2679618500" not in page


def test_admin_search_and_filters_work(admin_client):
    response = admin_client.get(
        reverse("admin:athletes_athlete_changelist"), {"q": "Okafor", "is_active__exact": "1"}
    )
    assert [str(a) for a in response.context["cl"].result_list] == ["Ben Okafor"]


def test_a_lift_session_shows_its_sets_inline(admin_client):
    lift = LiftSession.objects.filter(sets__isnull=False).first()
    assert lift is not None
    response = admin_client.get(reverse("admin:workouts_liftsession_change", args=[lift.pk]))
    assert response.status_code == 200
    inline = response.context["inline_admin_formsets"][0]
    assert len(inline.formset.forms) == lift.sets.count()


def test_run_files_are_listed_read_only(admin_client):
    athlete = Athlete.objects.get(user__username="ben")
    start = datetime(2026, 11, 2, 7, tzinfo=UTC)
    import_run_files(
        athlete=athlete,
        files=[UploadedRunFile("morning.fit", fit_file(start))],
        now=datetime(2026, 11, 3, tzinfo=UTC),
        max_bytes=10_000,
    )
    response = admin_client.get(reverse("admin:workouts_runfile_changelist"))
    assert response.status_code == 200
    assert [f.filename for f in response.context["cl"].result_list] == ["morning.fit"]
    assert admin_client.get(reverse("admin:workouts_runfile_add")).status_code == 403


def test_email_preferences_and_what_each_athlete_was_told_are_in_the_admin(admin_client):
    kate = Athlete.objects.get(user__username="kate")
    EmailPreferences.objects.create(user=kate.user, daily=True, daily_time=time(6, 30))
    WeekNotice.objects.create(
        athlete=kate, week_start=date(2026, 11, 23), revision=1, snapshot={}, published_sent_at=NOW
    )

    response = admin_client.get(
        reverse("admin:notifications_emailpreferences_changelist"), {"daily__exact": "1"}
    )
    assert [str(p.user) for p in response.context["cl"].result_list] == ["kate"]
    notices = admin_client.get(reverse("admin:notifications_weeknotice_changelist"))
    assert [str(n.athlete) for n in notices.context["cl"].result_list] == ["Kate Nguyen"]
    # The sweep's record of what was told: read, never written by hand.
    assert admin_client.get(reverse("admin:notifications_weeknotice_add")).status_code == 403
    notice = WeekNotice.objects.first()
    assert notice is not None
    page = admin_client.get(reverse("admin:notifications_weeknotice_change", args=[notice.pk]))
    assert page.status_code == 200
    assert b'name="snapshot"' not in page.content
