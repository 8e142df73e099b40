from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from athletes.models import Athlete, Coach
from plans.domain.weeks import InvalidWeek, Week
from plans.services import NO_SLOT, OUTCOMES, ServiceError, clock, schedule_athletes


class Command(BaseCommand):
    help = "Schedule every active athlete's deadlift for a week (default: next week)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--week", help="ISO week, e.g. 2026-W49 (default: next week)")
        parser.add_argument("--coach", help="only this coach's athletes (username)")
        parser.add_argument("--sets", type=int, help="working sets, 3 or 4")
        parser.add_argument("--reps", type=int, help="reps per working set, 3 or 4")

    def handle(
        self,
        *args: Any,
        week: str | None,
        coach: str | None,
        sets: int | None,
        reps: int | None,
        **options: Any,
    ) -> None:
        try:
            chosen = Week.parse(week) if week else Week.containing(clock().date()).next
        except InvalidWeek as error:
            raise CommandError(f"--week {week}: {error}") from None
        athletes = Athlete.objects.filter(is_active=True).select_related("user")
        if coach:
            try:
                athletes = athletes.filter(coach=Coach.objects.get(user__username=coach))
            except Coach.DoesNotExist:
                raise CommandError(f"No coach named '{coach}'.") from None
        roster = list(athletes.order_by("user__username"))

        def progress(items: Sequence[Any]) -> Iterable[Any]:
            return tqdm(items, desc=chosen.name, unit="athlete", file=self.stderr)

        try:
            results = schedule_athletes(
                athletes=roster, week=chosen.monday, sets=sets, reps=reps, progress=progress
            )
        except ServiceError as error:
            raise CommandError(f"Nothing was changed: {error}") from None

        counts = Counter(result.outcome for result in results)
        summary = ", ".join(f"{counts[o]} {o.replace('_', ' ')}" for o in OUTCOMES)
        self.stdout.write(f"{chosen}: {len(results)} athletes: {summary}.")
        for result in results:
            if result.outcome == NO_SLOT:
                self.stdout.write(f"  no slot for {result.athlete}: {result.reason}")
