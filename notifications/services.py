"""The email notifications: what each athlete is told, and when. One entry point, `sweep`,
run by the task worker every minute (notifications.tasks) and by `manage.py
send_notifications`; it is idempotent, so a second worker, a late run or a duplicate task is
harmless.

Why one sweep that reads the database rather than a hook in each write path: a week is
published in four places (plans.services.publish_week from the dashboard, the athlete page and
the API; plan_templates.services' apply when the rollout is due already, and its publish_due)
and a published week's sessions are written by a dozen more (forms, the API, the scheduler's
bulk moves, templates applied into a published week, undo, a time-zone change), half of them
in bulk, where model signals never fire. A hook in each would be forgotten by the next one.
The sweep asks the database instead: a week published without a notice is announced; an
athlete whose revision counter (kept by database triggers on every write, plans.models.
AthleteRevision) moved since a week was told has that week compared with what was told
(notifications.changes), and a real difference is emailed once the edits have stopped for
QUIET (a burst of edits makes one email).

Each email is claimed before it is sent (a unique row, or a conditional update) and the claim
is undone when the mailer fails, so it goes at most once and is retried on the next sweep."""

import email.policy
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from athletes.models import Athlete
from notifications import changes
from notifications.models import FIELD_OF_KIND, EmailKind, EmailPreferences, WeekNotice
from notifications.tokens import make_token
from plans.domain.format import (
    MONTHS_SHORT,
    dated_time_label,
    local_time_label,
    weekday_short,
)
from plans.domain.units import format_load
from plans.domain.weeks import Week, local_midnight
from plans.models import AthleteRevision, PlanStatus, WeeklyPlan
from workouts.models import LiftSession, LiftSet, RunKind, RunSession, SessionStatus

log = logging.getLogger("ironstride.notifications")

# A burst of edits makes one email: it goes once the week has not changed for this long.
QUIET = timedelta(minutes=5)
# A week published longer ago than this is not announced (a worker that was down a day, or
# the first sweep after this app is deployed, does not mail every week ever published).
ANNOUNCE_WITHIN = timedelta(days=1)
# The daily email goes at the chosen local time, or up to this much later (a worker that was
# busy, a local time that a DST jump skipped); after that, not that day.
DAILY_GRACE = timedelta(hours=1)


@dataclass(frozen=True)
class SweepResult:
    published: int
    changed: int
    daily: int


def sweep(*, now: datetime | None = None) -> SweepResult:
    now = now or timezone.now()
    return SweepResult(
        published=announce_published(now=now),
        changed=announce_changes(now=now),
        daily=send_daily(now=now),
    )


# ---------------------------------------------------------------------------- preferences


def preferences_for(user: User) -> EmailPreferences:
    """The user's preferences, the defaults (unsaved) when they never changed any."""
    return EmailPreferences.objects.filter(user=user).first() or EmailPreferences(user=user)


def _preferences(user_ids: Iterable[int]) -> dict[int, EmailPreferences]:
    found = {p.user_id: p for p in EmailPreferences.objects.filter(user_id__in=set(user_ids))}
    return defaultdict(EmailPreferences, found)


def set_preference(*, user_id: int, kind: EmailKind, on: bool) -> None:
    """Turn one kind of email on or off (the unsubscribe link)."""
    EmailPreferences.objects.update_or_create(user_id=user_id, defaults={FIELD_OF_KIND[kind]: on})


def _reachable(athlete: Athlete) -> bool:
    user = athlete.user
    return bool(athlete.is_active and user.is_active and user.email)


# ---------------------------------------------------------------------------- snapshots


def _sets_detail(sets: Sequence[LiftSet], unit: str) -> str:
    """The deadlift's prescription in a line: "warm-up 5 at 60 kg, 3 at 90 kg; 3 × 3 at 150 kg,
    RIR 1" (consecutive equal working sets grouped), in the athlete's unit."""

    def load(lift_set: LiftSet) -> str:
        if lift_set.target_load_kg is None:
            return "load to choose"
        return format_load(lift_set.target_load_kg, unit)

    warmups = [s for s in sets if s.is_warmup]
    working = [s for s in sets if not s.is_warmup]
    parts = []
    if warmups:
        parts.append("warm-up " + ", ".join(f"{s.target_reps} at {load(s)}" for s in warmups))
    groups: list[tuple[tuple[Any, ...], int]] = []
    for s in working:
        key = (s.target_reps, load(s), s.target_rir)
        if groups and groups[-1][0] == key:
            groups[-1] = (key, groups[-1][1] + 1)
        else:
            groups.append((key, 1))
    for (reps, label, rir), count in groups:
        text = f"{count} × {reps} at {label}"
        if rir is not None:
            text += f", RIR {rir}"
        parts.append(text)
    return "; ".join(parts)


def _run_entry(run: RunSession) -> dict[str, Any]:
    detail = f"{kg_free(run.distance_km)} km" if run.distance_km is not None else ""
    return {
        "what": f"{RunKind(run.kind).label} run",
        "start": run.start.isoformat(),
        "minutes": run.duration_minutes,
        "detail": detail,
        "logged": run.status == SessionStatus.DONE,
    }


def kg_free(value: Any) -> str:
    # A distance, not a load: the number as written, without trailing zeros.
    return format(value.normalize(), "f")


def _lift_entry(lift: LiftSession, unit: str) -> dict[str, Any]:
    sets = list(lift.sets.all())
    return {
        "what": lift.get_exercise_display(),
        "start": lift.start.isoformat(),
        "minutes": lift.duration_minutes,
        # In the athlete's unit: an athlete who switches unit is told the deadlift's new
        # words once (as a change), which is what they then read everywhere.
        "detail": _sets_detail(sets, unit),
        "logged": lift.status == SessionStatus.DONE or any(s.reps is not None for s in sets),
    }


type WeekKey = tuple[int, date]  # (athlete id, Monday)


def snapshots(keys: Iterable[WeekKey]) -> dict[WeekKey, dict[str, dict[str, Any]]]:
    """The weeks' planned sessions as the athlete is told them, in three queries whatever the
    number of weeks. Runs a run file made (nobody planned them) are not part of the plan."""
    wanted = set(keys)
    result: dict[WeekKey, dict[str, dict[str, Any]]] = {key: {} for key in wanted}
    if not wanted:
        return result
    athletes = {a for a, _ in wanted}
    mondays = {m for _, m in wanted}
    runs = RunSession.objects.filter(
        athlete_id__in=athletes, plan__week_start__in=mondays, unplanned=False
    ).annotate(week=F("plan__week_start"))
    for run in runs:
        if (key := (run.athlete_id, run.week)) in wanted:
            result[key][f"run:{run.pk}"] = _run_entry(run)
    lifts = (
        LiftSession.objects.filter(athlete_id__in=athletes, plan__week_start__in=mondays)
        .annotate(week=F("plan__week_start"), athlete_units=F("athlete__units"))
        .prefetch_related(Prefetch("sets", queryset=LiftSet.objects.order_by("order")))
    )
    for lift in lifts:
        if (key := (lift.athlete_id, lift.week)) in wanted:
            result[key][f"lift:{lift.pk}"] = _lift_entry(lift, lift.athlete_units)
    return result


def _revision() -> Coalesce:
    return Coalesce(
        Subquery(
            AthleteRevision.objects.filter(athlete=OuterRef("athlete")).values("revision")[:1]
        ),
        Value(0),
    )


def _week_over(athlete: Athlete, monday: date, now: datetime) -> bool:
    return local_midnight(monday + timedelta(days=7), athlete.tz) <= now


# ---------------------------------------------------------------------------- the emails


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def unsubscribe_url(user_id: int, kind: EmailKind) -> str:
    return _absolute(reverse("notifications:unsubscribe", args=[make_token(user_id, kind)]))


class _Email(EmailMultiAlternatives):
    """Headers are folded at RFC 5322's 998 characters, not 78: Python's email package folds a
    longer word of an unstructured header, such as the unsubscribe link in List-Unsubscribe,
    into RFC 2047 encoded words, which mail clients do not read as a URL (RFC 8058 needs it
    verbatim)."""

    def message(self, *, policy: Any = None) -> Any:
        return super().message(policy=(policy or email.policy.default).clone(max_line_length=998))


def _send(*, user: User, kind: EmailKind, subject: str, context: dict[str, Any]) -> None:
    """Text and HTML bodies from notifications/email/<kind>.{txt,html}, with the one-click
    unsubscribe of RFC 8058 (the headers and the same link in the body)."""
    link = unsubscribe_url(user.pk, kind)
    context = {
        **context,
        "name": user.first_name or user.get_username(),
        "unsubscribe_url": link,
        "settings_url": _absolute(reverse("notifications:settings")),
        "kind_label": kind.label,
    }
    message = _Email(
        subject=subject,
        body=render_to_string(f"notifications/email/{kind}.txt", context),
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(
        render_to_string(f"notifications/email/{kind}.html", context), "text/html"
    )
    message.send()


def _sessions(snapshot: dict[str, dict[str, Any]], tz: ZoneInfo) -> list[dict[str, Any]]:
    """The snapshot's sessions in order, with their local times, for the templates."""
    rows = []
    for entry in sorted(snapshot.values(), key=lambda e: e["start"]):
        start = datetime.fromisoformat(entry["start"])
        rows.append({**entry, "when": local_time_label(start, tz)})
    return rows


def _week_url(monday: date) -> str:
    return _absolute(reverse("workouts:phone_week", args=[Week(monday)]))


# ---------------------------------------------------------------------------- published


def announce_published(*, now: datetime) -> int:
    """One email per athlete for each week published (by any path) in the last day that is
    not over and not announced yet. Returns how many were sent."""
    notice = WeekNotice.objects.filter(
        athlete=OuterRef("athlete"), week_start=OuterRef("week_start")
    )
    plans = list(
        WeeklyPlan.objects.filter(
            status=PlanStatus.PUBLISHED,
            published_at__gte=now - ANNOUNCE_WITHIN,
            week_start__gte=(now - timedelta(days=8)).date(),
        )
        .exclude(Exists(notice))
        .annotate(athlete_revision=_revision())
        .select_related("athlete__user")
        .order_by("pk")
    )
    plans = [p for p in plans if not _week_over(p.athlete, p.week_start, now)]
    if not plans:
        return 0
    weeks = snapshots((p.athlete_id, p.week_start) for p in plans)
    preferences = _preferences(p.athlete.user_id for p in plans)
    sent = 0
    for plan in plans:
        athlete, snapshot = plan.athlete, weeks[plan.athlete_id, plan.week_start]
        try:
            with transaction.atomic():
                claimed = WeekNotice.objects.create(
                    athlete=athlete,
                    week_start=plan.week_start,
                    revision=plan.athlete_revision,
                    snapshot=snapshot,
                )
        except IntegrityError:
            continue  # another worker announced it
        if not (preferences[athlete.user_id].week_published and _reachable(athlete)):
            continue
        week = Week(plan.week_start)
        try:
            _send(
                user=athlete.user,
                kind=EmailKind.PUBLISHED,
                subject=f"Your training week {week.name} is ready",
                context={
                    "week": week.name,
                    "coach_note": plan.coach_note,
                    "sessions": _sessions(snapshot, athlete.tz),
                    "week_url": _week_url(plan.week_start),
                },
            )
        except Exception:
            claimed.delete()  # the next sweep tries again
            log.exception("published-week email for athlete %s failed", athlete.pk)
            continue
        WeekNotice.objects.filter(pk=claimed.pk).update(published_sent_at=now)
        sent += 1
    return sent


# ---------------------------------------------------------------------------- changed


def _change_rows(found: Sequence[changes.Change], athlete: Athlete) -> list[dict[str, str]]:
    tz = athlete.tz
    rows = []
    for change in found:
        when = dated_time_label(change.start, tz)
        match change.kind:
            case changes.ADDED:
                text = f"Added: {change.what}, {when}"
                if change.detail:
                    text += f" ({change.detail})"
            case changes.MOVED:
                assert change.was is not None
                text = f"Moved: {change.what}, from {dated_time_label(change.was, tz)} to {when}"
            case changes.REMOVED:
                text = f"Removed: {change.what}, {when}"
            case _:
                text = (
                    f"Changed: {change.what}, {when}: now {change.detail} (was {change.was_detail})"
                )
        rows.append({"kind": change.kind, "text": text})
    return rows


def announce_changes(*, now: datetime) -> int:
    """Told weeks whose athlete's revision moved: compared with what was told; a difference is
    emailed once the week has been quiet for QUIET. Returns how many emails were sent."""
    notices = list(
        WeekNotice.objects.filter(week_start__gte=(now - timedelta(days=8)).date())
        .annotate(current=_revision())
        .exclude(revision=F("current"))
        .select_related("athlete__user")
        .order_by("pk")
    )
    notices = [n for n in notices if not _week_over(n.athlete, n.week_start, now)]
    if not notices:
        return 0
    weeks = snapshots((n.athlete_id, n.week_start) for n in notices)
    preferences = _preferences(n.athlete.user_id for n in notices)
    sent = 0
    for notice in notices:
        current = weeks[notice.athlete_id, notice.week_start]
        found = changes.diff(notice.snapshot, current)
        mine = WeekNotice.objects.filter(pk=notice.pk, revision=notice.revision)
        if not found:
            # The athlete logged, or an edit was undone: nothing to tell; follow from here.
            mine.update(revision=notice.current, snapshot=current, pending_revision=None)
            continue
        if notice.pending_revision != notice.current:
            # A change the sweep sees for the first time (or the week moved again since):
            # wait until it has been quiet.
            mine.update(pending_revision=notice.current, pending_since=now)
            continue
        assert notice.pending_since is not None
        if now - notice.pending_since < QUIET:
            continue
        claimed = mine.filter(pending_revision=notice.current).update(
            revision=notice.current, snapshot=current, pending_revision=None, pending_since=None
        )
        if not claimed:
            continue  # another worker told it
        athlete = notice.athlete
        if not (preferences[athlete.user_id].week_changed and _reachable(athlete)):
            continue
        week = Week(notice.week_start)
        try:
            _send(
                user=athlete.user,
                kind=EmailKind.CHANGED,
                subject=f"Your training week {week.name} changed",
                context={
                    "week": week.name,
                    "changes": _change_rows(found, athlete),
                    "sessions": _sessions(current, athlete.tz),
                    "week_url": _week_url(notice.week_start),
                },
            )
        except Exception:
            WeekNotice.objects.filter(pk=notice.pk).update(
                revision=notice.revision,
                snapshot=notice.snapshot,
                pending_revision=notice.current,
                pending_since=notice.pending_since,
            )
            log.exception("changed-week email for athlete %s failed", athlete.pk)
            continue
        sent += 1
    return sent


# ---------------------------------------------------------------------------- daily


def daily_due(preferences: EmailPreferences, tz: ZoneInfo, now: datetime) -> date | None:
    """The athlete's local date whose daily email is due now, or None: due from the chosen
    local wall-clock time for DAILY_GRACE, once a local day. Wall clocks compare, so a time a
    DST jump skips (02:30 on a spring-forward night) goes at the first minute after the jump,
    and one that happens twice (fall back) goes the first time only."""
    local = now.astimezone(tz)
    today = local.date()
    if preferences.daily_sent_on == today:
        return None
    chosen = datetime.combine(today, preferences.daily_time)
    wall = local.replace(tzinfo=None)
    return today if chosen <= wall < chosen + DAILY_GRACE else None


def _day_label(day: date) -> str:
    return f"{weekday_short(day)} {day.day} {MONTHS_SHORT[day.month - 1]}"


@dataclass
class _Reader:
    """Whoever a daily email goes to: an athlete (their own sessions, published weeks only: what
    they see) or a coach (their active athletes' sessions, drafts too, on the coach's clock)."""

    preferences: EmailPreferences
    user: User
    tz: ZoneInfo
    day: date
    athletes: dict[int, str]  # id -> name (shown in a coach's email)
    is_coach: bool

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        return local_midnight(self.day, self.tz), local_midnight(self.day + timedelta(1), self.tz)


def _daily_readers(now: datetime) -> list[_Reader]:
    candidates = EmailPreferences.objects.filter(daily=True, user__is_active=True).select_related(
        "user__athlete", "user__coach"
    )
    readers, coaches = [], {}
    for preferences in candidates:
        user = preferences.user
        athlete = getattr(user, "athlete", None)
        coach = getattr(user, "coach", None)
        tz = athlete.tz if athlete is not None else coach.tz if coach is not None else None
        if tz is None or (athlete is not None and not _reachable(athlete)) or not user.email:
            continue
        day = daily_due(preferences, tz, now)
        if day is None:
            continue
        reader = _Reader(preferences, user, tz, day, {}, is_coach=athlete is None)
        if athlete is not None:
            reader.athletes[athlete.pk] = str(athlete)
        else:
            assert coach is not None
            coaches[coach.pk] = reader
        readers.append(reader)
    if coaches:
        roster = Athlete.objects.filter(coach_id__in=coaches, is_active=True).select_related("user")
        for athlete in roster:
            assert athlete.coach_id is not None
            coaches[athlete.coach_id].athletes[athlete.pk] = str(athlete)
    return readers


def send_daily(*, now: datetime) -> int:
    """Today's sessions, skipped ones left out, to each user with the daily email on whose
    local time has come: an athlete their own (published weeks only), a coach their roster's
    (by athlete). A day with nothing planned sends nothing."""
    readers = _daily_readers(now)
    if not readers:
        return 0
    earliest = min(reader.bounds[0] for reader in readers)
    latest = max(reader.bounds[1] for reader in readers)
    common = {
        "athlete_id__in": {a for reader in readers for a in reader.athletes},
        "start__gte": earliest,
        "start__lt": latest,
    }
    found: list[tuple[str, RunSession | LiftSession, dict[str, Any]]] = []
    runs = RunSession.objects.filter(**common).exclude(status=SessionStatus.SKIPPED)
    for run in runs.annotate(week_status=F("plan__status")):
        found.append((f"run:{run.pk}", run, _run_entry(run)))
    lifts = (
        LiftSession.objects.filter(**common)
        .exclude(status=SessionStatus.SKIPPED)
        .annotate(week_status=F("plan__status"), athlete_units=F("athlete__units"))
        .prefetch_related(Prefetch("sets", queryset=LiftSet.objects.order_by("order")))
    )
    for lift in lifts:
        found.append((f"lift:{lift.pk}", lift, _lift_entry(lift, lift.athlete_units)))
    sent = 0
    for reader in readers:
        start, end = reader.bounds
        mine: dict[int, dict[str, dict[str, Any]]] = defaultdict(dict)
        for key, session, entry in found:
            if session.athlete_id not in reader.athletes or not start <= session.start < end:
                continue
            if not reader.is_coach and session.week_status != PlanStatus.PUBLISHED:  # type: ignore[union-attr]
                continue
            mine[session.athlete_id][key] = entry
        claimed = (
            EmailPreferences.objects.filter(pk=reader.preferences.pk)
            .exclude(daily_sent_on=reader.day)
            .update(daily_sent_on=reader.day)
        )
        if not claimed or not mine:
            continue
        groups = [
            {
                "name": reader.athletes[athlete_id] if reader.is_coach else "",
                "sessions": _sessions(sessions, reader.tz),
            }
            for athlete_id, sessions in sorted(
                mine.items(), key=lambda item: reader.athletes[item[0]]
            )
        ]
        try:
            _send(
                user=reader.user,
                kind=EmailKind.DAILY,
                subject=(
                    f"Your athletes today, {_day_label(reader.day)}"
                    if reader.is_coach
                    else f"Today's training, {_day_label(reader.day)}"
                ),
                context={
                    "groups": groups,
                    "is_coach": reader.is_coach,
                    "week_url": _absolute(
                        reverse("plans:dashboard" if reader.is_coach else "workouts:phone_today")
                    ),
                },
            )
        except Exception:
            EmailPreferences.objects.filter(pk=reader.preferences.pk).update(
                daily_sent_on=reader.preferences.daily_sent_on
            )
            log.exception("daily email for user %s failed", reader.user.pk)
            continue
        sent += 1
    return sent
