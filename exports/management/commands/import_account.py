import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from athletes.models import Coach
from exports.account import BadAccountFile, import_account


class Command(BaseCommand):
    help = (
        "Load an athlete's account file (the 'Account file' download, or export_account) as a "
        "new user and athlete: new ids, in one transaction; a file that cannot be loaded whole "
        "writes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the account file (JSON)")
        parser.add_argument("--coach", help="the coach to put the athlete on (username)")
        parser.add_argument("--username", help="log in under this name instead of the file's")

    def handle(
        self, *args: Any, file: str, coach: str | None, username: str | None, **options: Any
    ) -> None:
        try:
            with open(file, encoding="utf-8") as stream:
                document = json.load(stream)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror or error}") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(f"{file} is not JSON: {error}") from None
        chosen = None
        if coach:
            try:
                chosen = Coach.objects.select_related("user").get(user__username=coach)
            except Coach.DoesNotExist:
                raise CommandError(f"No coach named '{coach}'; nothing was imported.") from None
        try:
            imported = import_account(document, coach=chosen, username=username)
        except BadAccountFile as error:
            raise CommandError(f"{error} Nothing was imported.") from None
        athlete = imported.athlete
        counts = ", ".join(
            f"{count} {key.replace('_', ' ')}" for key, count in imported.counts.items()
        )
        self.stdout.write(
            f"Imported {athlete} as '{athlete.user.username}' "
            f"({'coach ' + chosen.user.username if chosen else 'no coach'}): {counts}."
        )
        self.stdout.write(
            f"They have no password here yet: manage.py changepassword {athlete.user.username}"
        )
