"""The dashboard's stored verdicts: the database moves an athlete's revision on every kind of
write, a verdict is reused only at the athlete's current revision and the rules' current
version, and the dashboard always shows what judging the week afresh would show."""

import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.models import F, FilteredRelation, Q
from django.urls import reverse

from athletes.models import Athlete
from plans import selectors, services, verdicts
from plans.domain import rules
from plans.domain.rules import (
    DEADLIFT_MISSING,
    DEADLIFT_TO_FAILURE,
    DEADLIFT_TOO_CLOSE_TO_INTERVALS,
)
from plans.models import AthleteRevision, PlanStatus, WeeklyPlan, WeekVerdict
from tests.factories import (
    AthleteFactory,
    CoachFactory,
    LiftSessionFactory,
    LiftSetFactory,
    RunSessionFactory,
)
from workouts.models import LiftSession, LiftSet, RunKind, RunSession
from workouts.services import DoneValues, log_set

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
WEEK = date(2026, 11, 30)  # 2026-W49


def local(day: int, hour: int, minute: int = 0, tz: ZoneInfo = BERLIN) -> datetime:
    return datetime.combine(WEEK + timedelta(days=day), time(hour, minute), tzinfo=tz)


def revision(athlete: Athlete) -> int:
    return AthleteRevision.objects.get(athlete=athlete).revision


def good_week(athlete: Athlete) -> LiftSession:
    RunSessionFactory(athlete=athlete, kind=RunKind.INTERVAL, start=local(1, 7))
    lift = LiftSessionFactory(athlete=athlete, start=local(1, 18))
    for order in (1, 2, 3):
        LiftSetFactory(session=lift, order=order)
    return lift


def fresh(coach) -> dict[int, verdicts.Verdict]:
    """What judging every week afresh finds, never from a stored verdict."""
    reports = services.judge_athletes(selectors.roster(coach), WEEK)
    return {report.athlete.pk: verdicts.judged(report) for report in reports}


def shown(coach) -> dict[int, verdicts.Verdict]:
    judged = verdicts.roster_verdicts(coach=coach, week=WEEK)
    return {item.athlete_id: item.verdict for item in judged}


# ---------------------------------------------------------------------------- the revision


def test_a_new_athlete_starts_at_revision_zero():
    assert revision(AthleteFactory()) == 0


WRITES = {
    "run created": lambda a, lift: RunSessionFactory(athlete=a, start=local(3, 7)),
    "run moved (save)": lambda a, lift: _save(RunSession.objects.filter(athlete=a).first()),
    "runs moved (queryset update)": lambda a, lift: RunSession.objects.filter(athlete=a).update(
        start=local(2, 7)
    ),
    "runs deleted": lambda a, lift: RunSession.objects.filter(athlete=a).delete(),
    "runs bulk-created": lambda a, lift: RunSession.objects.bulk_create(
        [
            RunSession(
                athlete=a,
                plan=lift.plan,
                kind=RunKind.EASY,
                start=local(4, 7),
                duration_minutes=30,
            )
        ]
    ),
    "lift created": lambda a, lift: LiftSessionFactory(athlete=a, start=local(4, 18)),
    "lift updated": lambda a, lift: LiftSession.objects.filter(pk=lift.pk).update(
        duration_minutes=75
    ),
    "lift deleted": lambda a, lift: lift.delete(),
    "set created": lambda a, lift: LiftSetFactory(session=lift, order=4),
    "set updated": lambda a, lift: LiftSet.objects.filter(session=lift).update(target_rir=0),
    "set deleted": lambda a, lift: LiftSet.objects.filter(session=lift)[0].delete(),
    "athlete settings saved": lambda a, lift: _save(a, time_zone="Pacific/Auckland"),
    "athlete window updated": lambda a, lift: Athlete.objects.filter(pk=a.pk).update(
        training_window_end=time(20)
    ),
    "athlete deactivated": lambda a, lift: a.deactivate(),
    "athlete moved to another coach": lambda a, lift: _save(a, coach=CoachFactory()),
    # The week API's answer shows the plan (plans/migrations/0005).
    "plan published": lambda a, lift: _save(
        lift.plan, status=PlanStatus.PUBLISHED, published_at=lift.start
    ),
    "plan note written": lambda a, lift: WeeklyPlan.objects.filter(pk=lift.plan.pk).update(
        coach_note="Easy on the Friday."
    ),
    "next week's plan created": lambda a, lift: WeeklyPlan.objects.create(
        athlete=a, week_start=WEEK + timedelta(weeks=1)
    ),
    "plan deleted": lambda a, lift: WeeklyPlan.objects.filter(pk=lift.plan.pk).delete(),
    "raw SQL": lambda a, lift: _raw(
        "UPDATE workouts_liftset SET target_reps = 12 WHERE session_id = %s", lift.pk
    ),
}


def _save(instance, **changes):
    for name, value in changes.items():
        setattr(instance, name, value)
    instance.save()


def _raw(sql: str, *params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_every_kind_of_write_moves_the_athletes_revision_and_no_one_elses(write):
    athlete, bystander = AthleteFactory(), AthleteFactory()
    lift = good_week(athlete)
    good_week(bystander)
    before, bystander_before = revision(athlete), revision(bystander)
    write(athlete, lift)
    assert revision(athlete) > before
    assert revision(bystander) == bystander_before


def test_rotating_the_calendar_secret_does_not_move_the_revision():
    # The rules never read the secret (plans/migrations/0004); revising on it deadlocked
    # against the session writes.
    athlete = AthleteFactory()
    good_week(athlete)
    before = revision(athlete)
    athlete.rotate_calendar_token()
    Athlete.objects.filter(pk=athlete.pk).update(calendar_token="another-secret")
    assert revision(athlete) == before
    athlete.deactivate()
    deactivated = revision(athlete)
    athlete.activate()  # a new secret with the athlete active again: that moves it
    assert revision(athlete) > deactivated > before


def test_reading_does_not_move_the_revision():
    athlete = AthleteFactory()
    good_week(athlete)
    before = revision(athlete)
    list(RunSession.objects.filter(athlete=athlete))
    assert athlete.coach is not None
    verdicts.roster_verdicts(coach=athlete.coach, week=WEEK)
    assert revision(athlete) == before


# ---------------------------------------------------------------------------- the verdicts


def test_the_first_visit_stores_the_verdicts_and_the_next_reuses_them():
    coach = CoachFactory()
    athletes = [AthleteFactory(coach=coach) for _ in range(3)]
    for athlete in athletes:
        good_week(athlete)
    assert shown(coach) == fresh(coach)
    stored = WeekVerdict.objects.filter(week_start=WEEK)
    assert {v.athlete_id: v.revision for v in stored} == {a.pk: revision(a) for a in athletes}
    # Proof of reuse: a stored verdict at the current revision is shown as it is.
    planted = {**stored.get(athlete=athletes[0]).verdict, "hard_days": ["planted"]}
    stored.filter(athlete=athletes[0]).update(verdict=planted)
    assert shown(coach)[athletes[0].pk]["hard_days"] == ["planted"]


def test_the_roster_query_reads_what_the_orm_reads():
    """The roster's SQL (plans.verdicts) against the same read as a queryset: the same rows,
    values and order, for the whole roster and for one athlete; another coach's athletes, the
    inactive ones and other weeks' verdicts stay out. Names that tie sort by the next key."""
    coach = CoachFactory()
    same = {"first_name": "Sam", "last_name": "Lee"}
    athletes = [
        AthleteFactory(
            coach=coach, user__username=f"u{n}", user__first_name="A", user__last_name=f"Z{3 - n}"
        )
        for n in range(3)
    ]
    athletes += [
        AthleteFactory(
            coach=coach, user__username=name, **{f"user__{k}": v for k, v in same.items()}
        )
        for name in ("lee-b", "lee-a")
    ]
    athletes.append(AthleteFactory(coach=coach, user__first_name="", user__last_name=""))
    for athlete in athletes[:3]:
        good_week(athlete)
    AthleteFactory(coach=coach).deactivate()
    good_week(AthleteFactory())  # another coach's
    verdicts.roster_verdicts(coach=coach, week=WEEK)
    verdicts.roster_verdicts(coach=coach, week=WEEK + timedelta(weeks=1))
    AthleteRevision.objects.filter(athlete=athletes[1]).delete()  # no revision row

    def by_orm(athlete_id=None):
        query = Athlete.objects.filter(coach=coach, is_active=True)
        if athlete_id is not None:
            query = query.filter(pk=athlete_id)
        return list(
            query.annotate(
                stored=FilteredRelation("verdicts", condition=Q(verdicts__week_start=WEEK))
            )
            .order_by("user__last_name", "user__first_name", "user__username", "pk")
            .values(
                "pk",
                "time_zone",
                first_name=F("user__first_name"),
                last_name=F("user__last_name"),
                username=F("user__username"),
                current_revision=F("revision__revision"),
                stored_revision=F("stored__revision"),
                stored_rules_version=F("stored__rules_version"),
                stored_verdict=F("stored__verdict"),
            )
        )

    rows = verdicts._roster_with_verdicts(coach, WEEK)
    assert rows == by_orm()
    # Blank names first, then by last name, first name, username: one row per athlete, though
    # each has verdicts of two weeks.
    order = [athletes[5], athletes[4], athletes[3], athletes[2], athletes[1], athletes[0]]
    assert [row["pk"] for row in rows] == [athlete.pk for athlete in order]
    assert [row["pk"] for row in rows if row["current_revision"] is None] == [athletes[1].pk]
    # Decoded, and this week's: the sessions are in this week, none in the next.
    planned = {row["pk"]: row["stored_verdict"]["planned"] > 0 for row in rows}
    assert planned == {athlete.pk: athlete in athletes[:3] for athlete in athletes}
    assert verdicts._roster_with_verdicts(coach, WEEK, athletes[2].pk) == by_orm(athletes[2].pk)


def test_a_verdict_of_an_older_revision_is_judged_again():
    coach = CoachFactory()
    athlete = AthleteFactory(coach=coach)
    lift = good_week(athlete)
    assert shown(coach)[athlete.pk]["flags"] == []
    log_set(
        session=lift,
        client_id=uuid.uuid4(),
        values=DoneValues(reps=3, load_kg=Decimal("100"), rir=0),
        order=1,
    )
    assert shown(coach)[athlete.pk]["flags"] == [[DEADLIFT_TO_FAILURE, "error"]]
    assert shown(coach) == fresh(coach)


def test_a_new_rules_version_judges_every_week_again(monkeypatch):
    coach = CoachFactory()
    athlete = AthleteFactory(coach=coach)
    good_week(athlete)
    shown(coach)
    WeekVerdict.objects.update(verdict={**fresh(coach)[athlete.pk], "deadlifts": ["planted"]})
    monkeypatch.setattr(verdicts, "RULES_VERSION", "another-version")
    assert shown(coach)[athlete.pk]["deadlifts"] == ["Tue 18:00"]
    assert WeekVerdict.objects.get().rules_version == "another-version"


def test_the_rules_version_covers_what_the_rules_are_given():
    sources = {path.resolve() for path in verdicts.RULES_SOURCES}
    # The read model (what the rules are given), the services (how they are called), the
    # domain (the rules) and the verdicts themselves.
    assert Path(selectors.__file__).resolve() in sources
    assert Path(services.__file__).resolve() in sources
    assert Path(verdicts.__file__).resolve() in sources
    assert Path(rules.__file__).resolve() in sources
    assert verdicts.code_version(verdicts.RULES_SOURCES) == verdicts.RULES_VERSION


def test_a_change_to_the_read_model_alone_is_a_new_rules_version(tmp_path):
    changed = tmp_path / "selectors.py"
    changed.write_text(Path(selectors.__file__).read_text() + "\n# a deploy changes this\n")
    sources = tuple(
        changed if path.resolve() == Path(selectors.__file__).resolve() else path
        for path in verdicts.RULES_SOURCES
    )
    assert verdicts.code_version(sources) != verdicts.RULES_VERSION


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_after_every_kind_of_write_the_dashboard_shows_the_week_afresh(write):
    coach = CoachFactory()
    athlete, bystander = AthleteFactory(coach=coach), AthleteFactory(coach=coach)
    lift = good_week(athlete)
    good_week(bystander)
    shown(coach)
    write(athlete, lift)
    assert shown(coach) == fresh(coach)


def test_moving_the_interval_run_next_to_the_deadlift_raises_the_flag_at_once():
    coach = CoachFactory()
    athlete = AthleteFactory(coach=coach)
    good_week(athlete)
    assert shown(coach)[athlete.pk]["flags"] == []
    RunSession.objects.filter(athlete=athlete).update(start=local(1, 15))
    assert shown(coach)[athlete.pk]["flags"] == [[DEADLIFT_TOO_CLOSE_TO_INTERVALS, "error"]]
    LiftSession.objects.filter(athlete=athlete).delete()
    assert shown(coach)[athlete.pk]["flags"] == [[DEADLIFT_MISSING, "warning"]]


def test_a_deleted_athlete_takes_its_revision_and_verdicts_along():
    coach = CoachFactory()
    athlete = AthleteFactory(coach=coach)
    good_week(athlete)
    shown(coach)
    athlete.user.delete()
    assert not AthleteRevision.objects.exists()
    assert not WeekVerdict.objects.exists()


# ---------------------------------------------------------------------------- queries


@pytest.mark.parametrize("size", [5, 50])
def test_the_dashboard_judges_only_what_changed(size, client, django_assert_num_queries):
    coach = CoachFactory()
    athletes = [AthleteFactory(coach=coach) for _ in range(size)]
    for athlete in athletes:
        good_week(athlete)
    client.force_login(coach.user)
    url = reverse("plans:dashboard")
    week = {"week": "2026-W49"}
    # the session, the user with their coach; the roster with revisions, stored verdicts and
    # plans; then for the stale ones: the athletes, plans, runs, lifts, sets (one query fewer
    # than before: the runs within reach are read once, for the rules and the tally alike);
    # and storing them, in a savepoint here inside the test's transaction (two statements
    # more than when served); and the roster's sessions of the last 28 days, for the 7- and
    # 28-day compliance (one UNION of runs and lifts, then cached while the revisions and the
    # clock's horizon hold: none on the next visit)
    with django_assert_num_queries(12):
        assert len(client.get(url, week).context["rows"]) == size
    with django_assert_num_queries(3):
        assert len(client.get(url, week).context["rows"]) == size
    RunSessionFactory(athlete=athletes[0], start=local(3, 7))
    with django_assert_num_queries(12):
        rows = client.get(url, week).context["rows"]
    assert WeekVerdict.objects.filter(revision=revision(athletes[0])).count() == 1
    assert {row["compliance"] for row in rows} == {"0/2", "0/3"}


@pytest.mark.django_db(transaction=True)
def test_an_athlete_deleted_while_their_week_is_judged_is_no_error(monkeypatch):
    coach = CoachFactory()
    gone, staying = AthleteFactory(coach=coach), AthleteFactory(coach=coach)
    good_week(gone)
    good_week(staying)
    judge = services.judge_athletes

    def judge_then_delete(athletes, week):
        reports = judge(athletes, week)
        gone.user.delete()  # another request, between judging and storing
        return reports

    monkeypatch.setattr(verdicts.services, "judge_athletes", judge_then_delete)
    assert set(shown(coach)) == {gone.pk, staying.pk}
    assert not WeekVerdict.objects.exists()  # stored together, or not at all
    monkeypatch.undo()
    assert set(shown(coach)) == {staying.pk}
    assert WeekVerdict.objects.get().athlete_id == staying.pk
