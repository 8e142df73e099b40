"""The coach's plan template pages: list, new/edit (a formset that works without JavaScript),
copy, delete, "save as template", the apply page's preview, the batch page with progress,
result and undo. Access (another coach's things are 404, an athlete 403), CSRF, query counts of
the list and batch pages, and bad input that writes nothing."""

import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from plan_templates.models import (
    ApplyBatch,
    BatchStatus,
    PlanTemplate,
    TemplateApplication,
    TemplateRun,
    TemplateWeek,
)
from plans.domain.weeks import Week
from tests.conftest import clock_before
from tests.factories import (
    AthleteFactory,
    CoachFactory,
    LiftSessionFactory,
    LiftSetFactory,
    RunSessionFactory,
)
from workouts.models import LiftSession, RunKind, RunSession, SessionStatus

pytestmark = pytest.mark.django_db

START = date(2026, 12, 7)  # 2026-W50, a Monday
START_WEEK = Week(START)


@pytest.fixture(autouse=True)
def before_the_block():
    # Saturday noon UTC before the block's first week: "next week" is 2026-W50 in every zone.
    with clock_before(START):
        yield


@pytest.fixture
def coach_client(client, coach):
    client.force_login(coach.user)
    return client


def make_template(coach, name="Base block", weeks=2, runs=((1, 7, "interval"), (3, 7, "easy"))):
    """A template of `weeks` weeks, each with the same runs (weekday, hour, kind) and a 3 x 3
    deadlift."""
    template = PlanTemplate.objects.create(coach=coach, name=name, weeks=weeks)
    for number in range(1, weeks + 1):
        week = TemplateWeek.objects.create(template=template, number=number)
        for weekday, hour, kind in runs:
            TemplateRun.objects.create(
                week=week, weekday=weekday, start_time=time(hour), kind=kind, duration_minutes=50
            )
    return template


def editor_data(name="Base block", weeks=None, **overrides):
    """The editor's POST for a template whose weeks each have the given runs."""
    weeks = weeks or [[("1", "07:00", "interval", "50", "10")], [("3", "07:30", "easy", "40", "")]]
    data = {"action": "save", "name": name, "description": "", "weeks": str(len(weeks))}
    data["shown_weeks"] = str(len(weeks))
    for number, runs in enumerate(weeks, start=1):
        prefix = f"week{number}"
        data |= {
            f"{prefix}-has_deadlift": "on",
            f"{prefix}-deadlift_sets": "3",
            f"{prefix}-deadlift_reps": "4",
            f"{prefix}-runs-TOTAL_FORMS": str(len(runs) + 1),
            f"{prefix}-runs-INITIAL_FORMS": "0",
        }
        for row, (weekday, start, kind, minutes, km) in enumerate(runs):
            data |= {
                f"{prefix}-runs-{row}-weekday": weekday,
                f"{prefix}-runs-{row}-start_time": start,
                f"{prefix}-runs-{row}-kind": kind,
                f"{prefix}-runs-{row}-duration_minutes": minutes,
                f"{prefix}-runs-{row}-distance_km": km,
            }
        # The blank row the page always has: left as it came, it is no run.
        data[f"{prefix}-runs-{len(runs)}-duration_minutes"] = "60"
    return data | overrides


def written() -> tuple[int, int, int]:
    return (
        PlanTemplate.objects.count(),
        TemplateWeek.objects.count(),
        TemplateRun.objects.count(),
    )


# ---------------------------------------------------------------------------- the list


def test_the_list_shows_weeks_runs_per_week_and_applications(coach_client, coach):
    template = make_template(coach, weeks=3)
    # Week 3 has one run more: the list says the range.
    TemplateRun.objects.create(
        week=template.template_weeks.get(number=3),
        weekday=5,
        start_time=time(9),
        kind=RunKind.LONG,
    )
    athlete = AthleteFactory(coach=coach)
    TemplateApplication.objects.create(template=template, athlete=athlete, start_week=START)
    make_template(CoachFactory(), name="Someone else's")
    response = coach_client.get(reverse("plan_templates:list"))
    assert response.status_code == 200
    html = response.content.decode()
    row = re.search(rf'<tr data-template="{template.pk}">(.*?)</tr>', html, re.S)
    assert row
    assert '<td data-field="weeks">3</td>' in row[1]
    assert '<td data-field="runs-per-week">2–3</td>' in row[1]
    assert '<td data-field="applications">1 time</td>' in row[1]
    assert "Someone else&#x27;s" not in html
    assert 'aria-current="page" href="/templates/">Templates</a>' in html


def test_the_list_runs_a_fixed_number_of_queries(coach_client, coach, django_assert_num_queries):
    make_template(coach, name="one")
    # user, coach, templates with their applications counted, runs per week
    with django_assert_num_queries(4):
        coach_client.get(reverse("plan_templates:list"))
    for n in range(10):
        make_template(coach, name=f"more {n}", weeks=4)
    with django_assert_num_queries(4):
        coach_client.get(reverse("plan_templates:list"))


# ---------------------------------------------------------------------------- access, CSRF


def test_another_coachs_template_batch_and_application_are_404(coach_client):
    other = CoachFactory()
    template = make_template(other)
    athlete = AthleteFactory(coach=other)
    batch = ApplyBatch.objects.create(coach=other, template=template, targets=[])
    application = TemplateApplication.objects.create(
        template=template, athlete=athlete, start_week=START, batch=batch
    )
    for name in ("edit", "copy", "delete", "apply"):
        assert (
            coach_client.get(reverse(f"plan_templates:{name}", args=[template.pk])).status_code
            == 404
        )
        assert (
            coach_client.post(reverse(f"plan_templates:{name}", args=[template.pk])).status_code
            == 404
        )
    assert coach_client.get(reverse("plan_templates:batch", args=[batch.pk])).status_code == 404
    undo = reverse("plan_templates:undo", args=[application.pk])
    assert coach_client.post(undo).status_code == 404
    assert (
        coach_client.get(reverse("plan_templates:save_weeks", args=[athlete.pk])).status_code == 404
    )
    assert PlanTemplate.objects.filter(pk=template.pk).exists()
    assert TemplateApplication.objects.filter(pk=application.pk).exists()


def test_an_athlete_gets_403_and_anonymous_users_the_login_page(client, athlete):
    client.force_login(athlete.user)
    assert client.get(reverse("plan_templates:list")).status_code == 403
    assert client.get(reverse("plan_templates:new")).status_code == 403
    client.logout()
    response = client.get(reverse("plan_templates:list"))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_every_write_needs_the_csrf_token(coach):
    template = make_template(coach)
    client = Client(enforce_csrf_checks=True)
    client.force_login(coach.user)
    assert client.post(reverse("plan_templates:delete", args=[template.pk])).status_code == 403
    assert client.post(reverse("plan_templates:new"), editor_data(name="x")).status_code == 403
    assert PlanTemplate.objects.count() == 1
    # The pages carry the token in every form.
    html = client.get(reverse("plan_templates:edit", args=[template.pk])).content.decode()
    assert html.count('name="csrfmiddlewaretoken"') == html.count("<form")


# ---------------------------------------------------------------------------- new, edit


def test_a_new_template_is_saved_with_its_weeks_runs_and_deadlifts(coach_client, coach):
    response = coach_client.post(reverse("plan_templates:new"), editor_data())
    assert response.status_code == 302
    template = PlanTemplate.objects.get(coach=coach)
    assert (template.name, template.weeks) == ("Base block", 2)
    weeks = list(template.template_weeks.order_by("number"))
    assert [(w.number, w.has_deadlift, w.deadlift_sets, w.deadlift_reps) for w in weeks] == [
        (1, True, 3, 4),
        (2, True, 3, 4),
    ]
    runs = [
        (r.week.number, r.weekday, r.start_time, r.kind, r.duration_minutes, r.distance_km)
        for r in TemplateRun.objects.filter(week__template=template).order_by("week__number")
    ]
    assert runs == [
        (1, 1, time(7), "interval", 50, Decimal("10.00")),
        (2, 3, time(7, 30), "easy", 40, None),
    ]


def test_the_new_page_shows_four_weeks_with_blank_rows(coach_client):
    html = coach_client.get(reverse("plan_templates:new")).content.decode()
    assert html.count("<fieldset") == 4
    assert 'name="week4-runs-TOTAL_FORMS" value="2"' in html


def test_add_a_run_gives_one_more_row_and_writes_nothing(coach_client):
    data = editor_data(action="add-run-2")
    response = coach_client.post(reverse("plan_templates:new"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="week2-runs-TOTAL_FORMS" value="3"' in html
    assert 'name="week1-runs-TOTAL_FORMS" value="2"' in html
    assert 'value="07:30"' in html  # what was typed stays
    assert "There is a problem" not in html
    assert written() == (0, 0, 0)


def test_changing_the_number_of_weeks_shows_them_before_saving(coach_client):
    # Saving with another number of weeks than the page showed: the new weeks are shown first.
    response = coach_client.post(reverse("plan_templates:new"), editor_data() | {"weeks": "3"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<fieldset") == 3
    assert "now has 3 weeks" in html
    assert written() == (0, 0, 0)
    # Fewer weeks: the last ones go.
    response = coach_client.post(
        reverse("plan_templates:new"), editor_data(action="resize") | {"weeks": "1"}
    )
    assert response.content.decode().count("<fieldset") == 1
    assert written() == (0, 0, 0)


@pytest.mark.parametrize(
    ("change", "field_words"),
    [
        ({"week1-runs-0-start_time": "25:00"}, "Week 1, run 1, start (local)"),
        ({"week2-runs-0-weekday": "7"}, "Week 2, run 1, day"),
        ({"week1-runs-0-duration_minutes": "0"}, "Week 1, run 1, duration (min)"),
        ({"week1-runs-0-duration_minutes": "1441"}, "Week 1, run 1, duration (min)"),
        ({"week1-runs-0-kind": "sprint"}, "Week 1, run 1, kind"),
        ({"week1-runs-0-distance_km": "-1"}, "Week 1, run 1, distance (km)"),
        ({"week1-deadlift_sets": "5"}, "Week 1, working sets"),
        ({"week2-deadlift_reps": "2"}, "Week 2, reps per set"),
        ({"name": ""}, "Name"),
        ({"weeks": "27", "shown_weeks": "27"}, "Number of weeks"),
        ({"weeks": "0", "shown_weeks": "0"}, "Number of weeks"),
    ],
)
def test_bad_input_is_400_on_its_field_and_writes_nothing(coach_client, change, field_words):
    response = coach_client.post(reverse("plan_templates:new"), editor_data() | change)
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert field_words in html
    assert written() == (0, 0, 0)


def test_the_edges_of_each_range_are_accepted(coach_client):
    data = editor_data() | {
        "week1-runs-0-duration_minutes": "1",
        "week2-runs-0-duration_minutes": "1440",
        "week1-runs-0-distance_km": "0",
        "week1-deadlift_sets": "4",
        "week2-deadlift_reps": "3",
        "week2-runs-0-weekday": "6",
        "week1-runs-0-weekday": "0",
    }
    assert coach_client.post(reverse("plan_templates:new"), data).status_code == 302
    assert written() == (1, 2, 2)


def test_a_name_the_coach_already_has_is_refused_on_the_name(coach_client, coach):
    make_template(coach, name="Base block")
    before = written()
    response = coach_client.post(reverse("plan_templates:new"), editor_data(name="Base block"))
    assert response.status_code == 400
    assert 'href="#id_name"' in response.content.decode()
    assert written() == before


def test_edit_shows_the_template_and_saves_the_changes(coach_client, coach):
    template = make_template(coach, weeks=2)
    url = reverse("plan_templates:edit", args=[template.pk])
    html = coach_client.get(url).content.decode()
    assert 'value="Base block"' in html
    assert html.count("<fieldset") == 2
    assert 'name="week1-runs-INITIAL_FORMS" value="2"' in html
    response = coach_client.post(
        url, editor_data(name="Renamed", weeks=[[("2", "06:30", "tempo", "45", "8")]])
    )
    assert response.status_code == 302
    template.refresh_from_db()
    assert (template.name, template.weeks) == ("Renamed", 1)
    assert list(
        TemplateRun.objects.filter(week__template=template).values_list("weekday", "kind")
    ) == [(2, "tempo")]


def test_remove_takes_a_run_out(coach_client, coach):
    data = editor_data() | {"week1-runs-0-DELETE": "on"}
    assert coach_client.post(reverse("plan_templates:new"), data).status_code == 302
    assert written() == (1, 2, 1)


# ---------------------------------------------------------------------------- copy, delete


def test_copy_makes_an_independent_template(coach_client, coach):
    template = make_template(coach)
    url = reverse("plan_templates:copy", args=[template.pk])
    assert 'value="Base block (copy)"' in coach_client.get(url).content.decode()
    response = coach_client.post(url, {"name": "Base block B"})
    copy = PlanTemplate.objects.get(name="Base block B")
    assert response["Location"] == reverse("plan_templates:edit", args=[copy.pk])
    assert TemplateRun.objects.filter(week__template=copy).count() == 4
    # The same name twice: on the field, nothing written.
    before = written()
    response = coach_client.post(url, {"name": "Base block"})
    assert response.status_code == 400
    assert written() == before


def test_delete_asks_first_then_deletes(coach_client, coach):
    template = make_template(coach)
    url = reverse("plan_templates:delete", args=[template.pk])
    html = coach_client.get(url).content.decode()
    assert "Delete Base block?" in html
    assert PlanTemplate.objects.exists()
    assert coach_client.post(url).status_code == 302
    assert not PlanTemplate.objects.exists()


# ---------------------------------------------------------------------------- save as template


def berlin(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo("Europe/Berlin"))


def test_save_as_template_takes_the_athletes_weeks(coach_client, coach):
    athlete = AthleteFactory(coach=coach)  # Europe/Berlin
    first = date(2026, 11, 23)
    RunSessionFactory(athlete=athlete, kind=RunKind.INTERVAL, start=berlin(first, 7))
    RunSessionFactory(
        athlete=athlete, kind=RunKind.EASY, start=berlin(first + timedelta(days=8), 18, 30)
    )
    lift = LiftSessionFactory(athlete=athlete, start=berlin(first + timedelta(days=1), 17))
    for order in (1, 2, 3, 4):
        LiftSetFactory(session=lift, order=order, target_reps=4)
    url = reverse("plan_templates:save_weeks", args=[athlete.pk])
    html = coach_client.get(url, {"week": "2026-W48"}).content.decode()
    assert 'value="2026-W48"' in html
    response = coach_client.post(url, {"name": "From Anna", "first_week": "2026-W48", "weeks": "2"})
    template = PlanTemplate.objects.get(name="From Anna")
    assert response["Location"] == reverse("plan_templates:edit", args=[template.pk])
    weeks = {w.number: w for w in template.template_weeks.prefetch_related("runs")}
    assert [(r.weekday, r.start_time, r.kind) for r in weeks[1].runs.all()] == [
        (0, time(7), "interval")
    ]
    assert [(r.weekday, r.start_time, r.kind) for r in weeks[2].runs.all()] == [
        (1, time(18, 30), "easy")
    ]
    assert (weeks[1].has_deadlift, weeks[1].deadlift_sets, weeks[1].deadlift_reps) == (
        True,
        4,
        4,
    )


@pytest.mark.parametrize(
    "change",
    [{"first_week": "2026-W54"}, {"weeks": "0"}, {"weeks": "27"}, {"name": ""}],
)
def test_save_as_template_refuses_bad_input(coach_client, coach, change):
    athlete = AthleteFactory(coach=coach)
    url = reverse("plan_templates:save_weeks", args=[athlete.pk])
    data = {"name": "From Anna", "first_week": "2026-W48", "weeks": "2"} | change
    assert coach_client.post(url, data).status_code == 400
    assert written() == (0, 0, 0)


# ---------------------------------------------------------------------------- apply, preview


@pytest.fixture
def roster(coach):
    return [
        AthleteFactory(coach=coach, time_zone="Europe/Berlin", user__first_name="Anna"),
        AthleteFactory(coach=coach, time_zone="America/New_York", user__first_name="Ben"),
        AthleteFactory(coach=coach, time_zone="Asia/Tokyo", user__first_name="Cleo"),
    ]


def apply_data(athletes, action="preview", week="2026-W50", **extra):
    data = {"action": action, "publish_days_before": ""}
    for athlete in athletes:
        data[f"pick_{athlete.pk}"] = "on"
        data[f"start_{athlete.pk}"] = week
    return data | extra


def test_the_apply_page_offers_next_week_in_each_athletes_zone(coach_client, coach, roster):
    template = make_template(coach)
    html = coach_client.get(reverse("plan_templates:apply", args=[template.pk])).content.decode()
    for athlete in roster:
        assert f'name="start_{athlete.pk}" value="2026-W50"' in html


def test_preview_shows_each_athlete_and_week_and_writes_nothing(coach_client, coach, roster):
    template = make_template(coach)
    url = reverse("plan_templates:apply", args=[template.pk])
    response = coach_client.post(url, apply_data(roster))
    assert response.status_code == 200
    html = response.content.decode()
    for athlete in roster:
        assert f'data-preview-athlete="{athlete.pk}"' in html
    # Local times in each athlete's zone: Tuesday 07:00 wherever they are.
    assert html.count("Tue 07:00") >= 3 * 2
    assert RunSession.objects.count() == 0
    assert LiftSession.objects.count() == 0
    assert TemplateApplication.objects.count() == 0
    assert ApplyBatch.objects.count() == 0


@pytest.mark.parametrize(
    ("data_for", "words"),
    [
        (lambda roster: {"action": "preview"}, "Choose at least one athlete."),
        (lambda roster: apply_data(roster, week="2026-W54"), "no ISO week 54"),
        (lambda roster: apply_data(roster, week=""), "first week"),
        (lambda roster: apply_data(roster, publish_days_before="29"), "less than or equal to 28"),
        (lambda roster: apply_data(roster, publish_days_before="-1"), "greater than or equal to 0"),
    ],
)
def test_bad_apply_input_is_400_and_writes_nothing(coach_client, coach, roster, data_for, words):
    template = make_template(coach)
    url = reverse("plan_templates:apply", args=[template.pk])
    response = coach_client.post(url, data_for(roster) | {"action": "apply"})
    assert response.status_code == 400
    assert words in response.content.decode()
    assert ApplyBatch.objects.count() == 0
    assert TemplateApplication.objects.count() == 0


def test_another_coachs_athlete_cannot_be_picked(coach_client, coach, roster):
    template = make_template(coach)
    stranger = AthleteFactory()
    url = reverse("plan_templates:apply", args=[template.pk])
    response = coach_client.post(url, apply_data([stranger], action="apply"))
    assert response.status_code == 400
    assert ApplyBatch.objects.count() == 0


def run_the_queue() -> None:
    call_command("db_worker", "--batch", verbosity=0)


def apply_through_the_page(client, template, athletes, **extra) -> ApplyBatch:
    url = reverse("plan_templates:apply", args=[template.pk])
    response = client.post(url, apply_data(athletes, action="apply", **extra))
    batch = ApplyBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("plan_templates:batch", args=[batch.pk])
    return batch


@pytest.mark.django_db(transaction=True)
def test_apply_queues_a_batch_the_worker_runs_and_the_page_shows(coach_client, coach, roster):
    coach.time_zone = "America/Los_Angeles"
    coach.save()
    template = make_template(coach)
    batch = apply_through_the_page(coach_client, template, roster, publish_days_before="2")
    assert batch.status == BatchStatus.QUEUED
    assert (batch.athletes_total, batch.publish_days_before) == (3, 2)
    url = reverse("plan_templates:batch", args=[batch.pk])
    html = coach_client.get(url).content.decode()
    assert "Queued" in html
    assert 'hx-trigger="every 2s"' in html
    assert '<meta http-equiv="refresh"' in html  # inside <noscript>: the page without JS
    run_the_queue()
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE
    response = coach_client.get(url)
    html = response.content.decode()
    assert "hx-trigger" not in html
    assert html.count('btn-outline-danger">Undo<') == 3
    # When it finished, on the coach's own clock and named so.
    assert batch.finished_at is not None
    finished = batch.finished_at.astimezone(coach.tz)
    assert f"at {finished:%a} {finished.day} {finished:%b, %H:%M} ({coach.time_zone})" in html
    # htmx asks for the status part only.
    fragment = coach_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith("<section") or "<section" in fragment
    assert "<html" not in fragment


@pytest.mark.django_db(transaction=True)
def test_the_batch_page_runs_a_fixed_number_of_queries(coach, django_assert_num_queries):
    client = Client()
    client.force_login(coach.user)
    template = make_template(coach)
    counts = []
    for size in (1, 5):
        athletes = [AthleteFactory(coach=coach) for _ in range(size)]
        ApplyBatch.objects.all().delete()
        apply_through_the_page(client, template, athletes)
        run_the_queue()
        batch = ApplyBatch.objects.get()
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("plan_templates:batch", args=[batch.pk])).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


@pytest.mark.django_db(transaction=True)
def test_undo_removes_what_the_application_created(coach_client, coach, roster):
    template = make_template(coach)
    batch = apply_through_the_page(coach_client, template, roster[:1])
    run_the_queue()
    application = TemplateApplication.objects.get()
    assert RunSession.objects.filter(athlete=roster[0]).count() == 4
    response = coach_client.post(reverse("plan_templates:undo", args=[application.pk]))
    assert response["Location"] == reverse("plan_templates:batch", args=[batch.pk])
    assert RunSession.objects.filter(athlete=roster[0]).count() == 0
    assert LiftSession.objects.filter(athlete=roster[0]).count() == 0
    assert not TemplateApplication.objects.exists()
    html = coach_client.get(response["Location"]).content.decode()
    assert "Undid Base block" in html
    assert ">Undone<" in html


@pytest.mark.django_db(transaction=True)
def test_undo_is_refused_with_the_reason_once_something_is_logged(coach_client, coach, roster):
    template = make_template(coach)
    apply_through_the_page(coach_client, template, roster[:1])
    run_the_queue()
    application = TemplateApplication.objects.get()
    applied = application.applied_runs.select_related("run").first()
    assert applied is not None
    run = applied.run
    run.status = SessionStatus.DONE
    run.save(update_fields=["status"])
    response = coach_client.post(reverse("plan_templates:undo", args=[application.pk]), follow=True)
    html = response.content.decode()
    assert "Not undone for" in html
    assert TemplateApplication.objects.filter(pk=application.pk).exists()
    assert RunSession.objects.filter(athlete=roster[0]).count() == 4


def test_undo_is_post_only(coach_client, coach, roster):
    template = make_template(coach)
    application = TemplateApplication.objects.create(
        template=template, athlete=roster[0], start_week=START
    )
    assert (
        coach_client.get(reverse("plan_templates:undo", args=[application.pk])).status_code == 405
    )


def test_the_week_and_season_pages_link_to_save_as_template(coach_client, coach):
    athlete = AthleteFactory(coach=coach)
    save = reverse("plan_templates:save_weeks", args=[athlete.pk])
    week = coach_client.get(reverse("plans:athlete_week", args=[athlete.pk, "2026-W49"]))
    assert f'href="{save}?week=2026-W49"' in week.content.decode()
    season = coach_client.get(reverse("plans:ahead_athlete", args=[athlete.pk]))
    assert f'href="{save}?week=' in season.content.decode()


def test_a_week_without_a_row_is_shown_without_a_deadlift(coach_client, coach):
    template = make_template(coach, weeks=1)
    template.weeks = 2  # week 2 has no row: it is empty
    template.save(update_fields=["weeks"])
    html = coach_client.get(reverse("plan_templates:edit", args=[template.pk])).content.decode()
    boxes = dict(re.findall(r'<input type="checkbox" name="(week\d)-has_deadlift"([^>]*)>', html))
    assert "checked" in boxes["week1"]
    assert "checked" not in boxes["week2"]


def test_the_preview_says_what_is_reported_and_which_rules_the_week_would_break(
    coach_client, coach, roster
):
    anna = roster[0]  # Europe/Berlin, training window 06:00-21:00
    # Week 1 without a deadlift; its 05:00 run starts before Anna's training window.
    template = make_template(coach, weeks=1, runs=((1, 5, "easy"), (3, 7, "interval")))
    template.template_weeks.update(has_deadlift=False)
    TemplateApplication.objects.create(template=template, athlete=anna, start_week=START)
    url = reverse("plan_templates:apply", args=[template.pk])
    response = coach_client.post(url, apply_data([anna]))
    html = response.content.decode()
    section = html[html.index(f'data-preview-athlete="{anna.pk}"') :]
    assert "Already applied from 2026-W50: applying again changes nothing." in section
    assert "<li data-created>Thu 07:00 Interval run · 50 min</li>" in section
    reported = re.search(r"<li data-reported>(.*?)</li>", section, re.S)
    assert reported
    assert "outside the training window (06:00-21:00)" in reported[1]
    assert 'data-code="deadlift.missing"' in section
    assert "none in this week of the template" in section


def test_a_failed_batch_says_why_and_stops_polling(coach_client, coach):
    template = make_template(coach)
    batch = ApplyBatch.objects.create(
        coach=coach,
        template=template,
        targets=[],
        status=BatchStatus.FAILED,
        athletes_total=3,
        athletes_done=1,
        error="OperationalError: the database went away",
    )
    html = coach_client.get(reverse("plan_templates:batch", args=[batch.pk])).content.decode()
    assert "The task failed:</strong> OperationalError: the database went away" in html
    assert "1 of 3 athletes done" in html
    assert "hx-trigger" not in html
    assert "http-equiv" not in html


@pytest.mark.parametrize(
    "forged",
    [
        {"shown_weeks": "26", "weeks": "26"},  # weeks the page never showed: no data for them
        {"shown_weeks": "abc"},
        {"action": "add-run-99"},
        {"action": "add-run-x"},
        {"week1-runs-TOTAL_FORMS": "100000"},
        {"week2-runs-INITIAL_FORMS": "5"},
    ],
)
def test_forged_editor_posts_are_answered_and_write_nothing(coach_client, forged):
    response = coach_client.post(reverse("plan_templates:new"), editor_data() | forged)
    assert response.status_code in (200, 400)
    assert written() == (0, 0, 0)


def test_the_edit_page_lists_the_applications_and_undoes_them_in_place(coach_client, coach, roster):
    template = make_template(coach)
    application = TemplateApplication.objects.create(
        template=template, athlete=roster[1], start_week=START, publish_days_before=2
    )
    url = reverse("plan_templates:edit", args=[template.pk])
    html = coach_client.get(url).content.decode()
    row = re.search(rf'<tr data-application="{application.pk}">(.*?)</tr>', html, re.S)
    assert row
    assert "2026-W50" in row[1]
    assert "2 days before each week" in row[1]
    undo = reverse("plan_templates:undo", args=[application.pk])
    response = coach_client.post(undo, {"next": url})
    assert response["Location"] == url
    assert not TemplateApplication.objects.exists()


def test_undo_goes_back_only_to_this_site(coach_client, coach, roster):
    template = make_template(coach)
    application = TemplateApplication.objects.create(
        template=template, athlete=roster[0], start_week=START
    )
    undo = reverse("plan_templates:undo", args=[application.pk])
    response = coach_client.post(undo, {"next": "https://evil.example/"})
    assert response["Location"] == reverse("plan_templates:edit", args=[template.pk])
