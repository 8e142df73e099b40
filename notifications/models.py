"""What each user wants by email, and what the app has told each athlete about each week."""

from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import Q

# The daily email's default local time: before the default training window opens (06:00), so
# the day's plan is in the inbox before the first run.
DEFAULT_DAILY_TIME = time(5, 30)


class EmailKind(models.TextChoices):
    """The kinds of email, each with its own switch and its own unsubscribe link."""

    PUBLISHED = "published", "Week published"
    CHANGED = "changed", "Published week changed"
    DAILY = "daily", "Today's sessions, each morning"


class EmailPreferences(models.Model):
    """One row per user who changed anything; a user without one has the defaults (published
    and changed on: an athlete would otherwise never learn of a new week or a moved session
    without opening the app, which is the point of the feature; the daily email off: a mail
    every day is a lot to receive unasked, so it is opt-in, as TrainingPeaks does)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preferences"
    )
    week_published = models.BooleanField(default=True)
    week_changed = models.BooleanField(default=True)
    daily = models.BooleanField(default=False)
    daily_time = models.TimeField(default=DEFAULT_DAILY_TIME)
    # The athlete's local date the daily email last went for (or was found empty): at most one
    # a day, whatever DST or a second worker does.
    daily_sent_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name_plural = "email preferences"
        indexes = [models.Index(fields=["user"], condition=Q(daily=True), name="prefs_daily_idx")]

    def __str__(self) -> str:
        return f"email preferences of {self.user}"

    def wants(self, kind: str) -> bool:
        return bool(getattr(self, FIELD_OF_KIND[EmailKind(kind)]))


FIELD_OF_KIND = {
    EmailKind.PUBLISHED: "week_published",
    EmailKind.CHANGED: "week_changed",
    EmailKind.DAILY: "daily",
}


class WeekNotice(models.Model):
    """What an athlete was last told of one published week: the week as it was then (a
    snapshot of its planned sessions) and the athlete's revision it was taken at. The sweep
    (notifications.services) compares it with the week as it is now to say what changed."""

    athlete = models.ForeignKey(
        "athletes.Athlete", on_delete=models.CASCADE, related_name="week_notices"
    )
    week_start = models.DateField()
    # When the "published" email went; null when the athlete had it off (the notice still
    # records the week, so its changes are followed from then on).
    published_sent_at = models.DateTimeField(null=True, blank=True)
    revision = models.BigIntegerField()
    snapshot = models.JSONField()
    # A change the sweep has seen and not told yet: at which revision, and when it saw the
    # revision move last (the email waits until the edits have stopped for a while).
    pending_revision = models.BigIntegerField(null=True, blank=True)
    pending_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # The "published" email goes once: a second worker's insert fails here.
            models.UniqueConstraint(fields=["athlete", "week_start"], name="notice_one_per_week"),
        ]

    def __str__(self) -> str:
        return f"notice {self.athlete_id} {self.week_start}"
