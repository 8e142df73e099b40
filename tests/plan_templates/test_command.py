"""`manage.py apply_template`: apply or preview a template for athletes from the command line,
with a progress bar; bad input is a CommandError and writes nothing."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_tasks_db.models import DBTaskResult

from plan_templates import services
from plan_templates.models import TemplateApplication
from plans.models import PlanStatus, WeeklyPlan
from tests.conftest import clock_before
from tests.factories import AthleteFactory, CoachFactory
from tests.plan_templates.documents import FOUR_WEEKS, START
from workouts.models import LiftSession, RunSession

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def before_the_block():
    with clock_before(START):
        yield


@pytest.fixture
def template(coach):
    return services.replace_template(None, coach=coach, data=FOUR_WEEKS)


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("apply_template", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_apply_template_applies_with_a_progress_bar(template, coach):
    athletes = [AthleteFactory(coach=coach, time_zone=z) for z in ("UTC", "Asia/Tokyo")]
    ids = ",".join(str(a.pk) for a in athletes)
    out, err = run(str(template.pk), "--athletes", ids, "--start-week", "2026-W50")
    assert "Base block from 2026-W50: 2 applied, 0 already applied, 0 failed." in out
    assert "2/2" in err  # tqdm's bar
    assert RunSession.objects.count() == 32 and LiftSession.objects.count() == 6
    # By name too; a second time changes nothing.
    out, _ = run("Base block", "--athletes", ids, "--start-week", "2026-W50")
    assert "0 applied, 2 already applied" in out
    assert RunSession.objects.count() == 32


def test_apply_template_with_a_rollout(template, coach):
    athlete = AthleteFactory(coach=coach, time_zone="UTC")
    run(str(template.pk), "--athletes", str(athlete.pk), "--start-week", "2026-W50")
    other = AthleteFactory(coach=coach, time_zone="UTC")
    run(
        str(template.pk),
        "--athletes",
        str(other.pk),
        "--start-week",
        "2026-W50",
        "--publish-days-before",
        "7",
    )
    application = TemplateApplication.objects.get(athlete=other)
    assert application.publish_days_before == 7
    assert WeeklyPlan.objects.get(athlete=other, week_start=START).status == PlanStatus.PUBLISHED
    assert WeeklyPlan.objects.get(athlete=athlete, week_start=START).status == PlanStatus.DRAFT
    # The later weeks publish on the queue, as after applying on a page or through the API:
    # weeks 2-4 at 7 days before their Mondays (week 1's instant had come: published now).
    queued = DBTaskResult.objects.filter(task_path="plan_templates.tasks.publish_due_task")
    assert sorted(task.run_after.date() for task in queued) == [
        START + timedelta(days=7 * n - 7) for n in (1, 2, 3)
    ]


def test_apply_template_preview_writes_nothing(template, coach):
    athlete = AthleteFactory(coach=coach, time_zone="America/New_York")
    out, _ = run(
        str(template.pk), "--athletes", str(athlete.pk), "--start-week", "2026-W50", "--preview"
    )
    assert "(America/New_York) from 2026-W50:" in out
    assert "week 1 (2026-W50):" in out
    assert "+ Tue 08 Dec 18:00 interval run, 60 min" in out
    assert "deadlift 3 x 3: placed Tue 08 Dec" in out
    assert "rule deadlift.missing" in out  # week 4 has no deadlift
    assert not RunSession.objects.exists() and not TemplateApplication.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["999", "--athletes", "{a}", "--start-week", "2026-W50"], "No template"),
        pytest.param(["{t}", "--athletes", "{a}", "--start-week", "2026-W54"], "ISO week"),
        pytest.param(["{t}", "--athletes", "x", "--start-week", "2026-W50"], "athlete ids"),
        pytest.param(["{t}", "--athletes", "{a},{a}", "--start-week", "2026-W50"], "twice"),
        pytest.param(["{t}", "--athletes", "99999", "--start-week", "2026-W50"], "No athlete"),
        pytest.param(
            ["{t}", "--athletes", "{a}", "--start-week", "2026-W50", "--publish-days-before", "29"],
            "days",
        ),
        pytest.param(["{t}", "--athletes", "{s}", "--start-week", "2026-W50"], "failed"),
    ],
)
def test_apply_template_refuses_bad_input(template, coach, args, message):
    athlete, stranger = AthleteFactory(coach=coach), AthleteFactory(coach=CoachFactory())
    values = {"t": template.pk, "a": athlete.pk, "s": stranger.pk}
    with pytest.raises(CommandError, match=message):
        run(*[arg.format(**values) for arg in args])
    assert not RunSession.objects.exists() and not TemplateApplication.objects.exists()


def test_apply_template_asks_for_the_id_when_names_clash(template):
    services.replace_template(None, coach=CoachFactory(), data=FOUR_WEEKS)
    with pytest.raises(CommandError, match="give its id"):
        run("Base block", "--athletes", "1", "--start-week", "2026-W50")
