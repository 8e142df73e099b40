import getpass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from athletes.models import Coach, validate_time_zone


class Command(BaseCommand):
    help = "Create a coach login (prompts for the password when --password is not given)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--password")
        parser.add_argument("--time-zone", default="UTC")

    def handle(
        self, *args: Any, username: str, password: str | None, time_zone: str, **options: Any
    ) -> None:
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user named '{username}' already exists.")
        try:
            validate_time_zone(time_zone)
        except ValidationError as error:
            raise CommandError(error.messages[0]) from None
        if password is None:
            password = self._prompt_password()
        user = User(username=username)
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        with transaction.atomic():
            user.set_password(password)
            user.save()
            Coach.objects.create(user=user, time_zone=time_zone)
        self.stdout.write(self.style.SUCCESS(f"Coach '{username}' created."))

    def _prompt_password(self) -> str:
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The passwords do not match.")
        return first
