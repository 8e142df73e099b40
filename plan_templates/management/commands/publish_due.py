from typing import Any

from django.core.management.base import BaseCommand

from plan_templates.services import publish_due


class Command(BaseCommand):
    help = (
        "Publish every week of an applied template whose publish instant has come (the "
        "rollout). The worker runs it on schedule; this is the safety net for cron: running "
        "it again, or early, changes nothing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        published = publish_due()
        self.stdout.write(f"{published} weekly plan{'' if published == 1 else 's'} published.")
