from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from athletes.models import Athlete
from tests.factories import login_request
from tests.workouts.run_file_factory import fit_file
from workouts.models import LiftSession
from workouts.run_imports import UploadedRunFile, import_run_files

pytestmark = pytest.mark.django_db

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
