import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from athletes.models import Athlete
from exports.account import export_account
from plans.services import clock


class Command(BaseCommand):
    help = "Write an athlete's account file (every week, drafts too) for import_account."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="the athlete's username")
        parser.add_argument("--output", "-o", help="the file to write (default: standard output)")

    def handle(self, *args: Any, username: str, output: str | None, **options: Any) -> None:
        try:
            athlete = Athlete.objects.select_related("user", "coach__user").get(
                user__username=username
            )
        except Athlete.DoesNotExist:
            raise CommandError(f"No athlete named '{username}'.") from None
        text = json.dumps(
            export_account(athlete, published_only=False, now=clock()),
            indent=1,
            ensure_ascii=False,
        )
        if output:
            with open(output, "w", encoding="utf-8") as stream:
                stream.write(text + "\n")
        else:
            self.stdout.write(text)
