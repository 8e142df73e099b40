from typing import Any

from django.core.management.base import BaseCommand

from notifications import services, tasks


class Command(BaseCommand):
    help = (
        "Send the email notifications that are due now (weeks published, published weeks "
        "changed, the daily emails) and make sure the worker's sweep every minute is queued. "
        "Idempotent: run it at deploy and from cron as a safety net."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = services.sweep()
        queued = tasks.schedule_next()
        self.stdout.write(
            f"Sent {result.published} published, {result.changed} changed and "
            f"{result.daily} daily email(s); "
            + ("the sweep is queued." if queued else "a sweep was queued already.")
        )
