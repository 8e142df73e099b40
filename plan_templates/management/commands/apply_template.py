from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from athletes.models import Athlete
from plan_templates import services, tasks
from plan_templates.models import MAX_PUBLISH_DAYS_BEFORE, PlanTemplate, TemplateApplication
from plans.domain.errors import ServiceError
from plans.domain.weeks import InvalidWeek, Week


class Command(BaseCommand):
    help = (
        "Apply a plan template to athletes from a start week: the runs at the template's local "
        "times, each week's deadlift placed by the scheduler, plans as drafts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("template", help="the template's id, or its name")
        parser.add_argument("--athletes", required=True, help="athlete ids, comma-separated: 1,2,3")
        parser.add_argument(
            "--start-week", required=True, help="ISO week of the block's week 1, e.g. 2026-W50"
        )
        parser.add_argument(
            "--publish-days-before",
            type=int,
            help=f"publish each week this many days (0-{MAX_PUBLISH_DAYS_BEFORE}) before it starts",
        )
        parser.add_argument(
            "--preview", action="store_true", help="show what would be done; write nothing"
        )

    def handle(
        self,
        *args: Any,
        template: str,
        athletes: str,
        start_week: str,
        publish_days_before: int | None,
        preview: bool,
        **options: Any,
    ) -> None:
        chosen = self._template(template)
        try:
            week = Week.parse(start_week)
        except InvalidWeek as error:
            raise CommandError(f"--start-week {start_week}: {error}") from None
        roster = self._athletes(athletes)
        targets = [services.Target(athlete, week.monday) for athlete in roster]
        try:
            if preview:
                self._preview(chosen, targets)
                return
            with tqdm(
                total=len(targets), desc=chosen.name, unit="athlete", file=self.stderr
            ) as bar:

                def progress(done: int, total: int) -> None:
                    bar.update(done - bar.n)

                outcomes = services.apply(
                    chosen,
                    targets,
                    publish_days_before=publish_days_before,
                    progress=progress,
                )
        except ServiceError as error:
            raise CommandError(f"Nothing was changed: {error}") from None
        if publish_days_before is not None:
            # The rollout as the pages and the API queue it: a worker publishes each later week.
            tasks.schedule_rollout(
                TemplateApplication.objects.filter(
                    template=chosen, athlete__in=roster, start_week=week.monday
                )
            )
        counts = Counter(outcome.status for outcome in outcomes)
        self.stdout.write(
            f"{chosen.name} from {week}: {counts[services.APPLIED]} applied, "
            f"{counts[services.ALREADY_APPLIED]} already applied, "
            f"{counts[services.FAILED]} failed."
        )
        for outcome in outcomes:
            self.stdout.write(f"  {outcome.athlete}: {outcome.status}: {outcome.message}")
            for number, run in outcome.runs_reported:
                self.stdout.write(f"    week {number}: {run.message}")
        if counts[services.FAILED]:
            raise CommandError(f"{counts[services.FAILED]} athlete(s) failed; see above.")

    def _template(self, value: str) -> PlanTemplate:
        found = list(
            PlanTemplate.objects.filter(pk=int(value))
            if value.isascii() and value.isdigit()
            else PlanTemplate.objects.filter(name=value)
        )
        if not found:
            raise CommandError(f"No template '{value}'.")
        if len(found) > 1:
            ids = ", ".join(str(t.pk) for t in found)
            raise CommandError(f"Several templates are named '{value}' ({ids}); give its id.")
        return found[0]

    def _athletes(self, value: str) -> list[Athlete]:
        parts = [part.strip() for part in value.split(",") if part.strip()]
        if not parts or not all(part.isascii() and part.isdigit() for part in parts):
            raise CommandError(f"--athletes {value}: give athlete ids like 1,2,3.")
        ids = [int(part) for part in parts]
        if len(set(ids)) != len(ids):
            raise CommandError("--athletes: an athlete is listed twice.")
        found = Athlete.objects.select_related("user").in_bulk(ids)
        missing = [str(pk) for pk in ids if pk not in found]
        if missing:
            raise CommandError(f"No athlete with id {', '.join(missing)}.")
        return [found[pk] for pk in ids]

    def _preview(self, template: PlanTemplate, targets: list[services.Target]) -> None:
        for item in services.preview(template, targets):
            tz = item.athlete.tz
            head = f"{item.athlete} ({item.athlete.time_zone}) from {Week(item.start_week)}"
            if item.error:
                self.stdout.write(f"{head}: cannot be applied: {item.error}")
                continue
            if item.already_applied:
                self.stdout.write(f"{head}: already applied; applying changes nothing.")
                continue
            self.stdout.write(f"{head}:")
            for week in item.weeks:
                self.stdout.write(f"  week {week.number} ({week.name}):")
                for run in week.created:
                    self.stdout.write(
                        f"    + {run.start.astimezone(tz):%a %d %b %H:%M} {run.spec.kind} run, "
                        f"{run.spec.duration_minutes} min"
                    )
                for reported in week.reported:
                    self.stdout.write(f"    ! {reported.message}")
                if week.deadlift is not None:
                    where = (
                        f"{week.deadlift.local_start:%a %d %b %H:%M}"
                        if week.deadlift.local_start is not None
                        else "no slot"
                    )
                    self.stdout.write(
                        f"    deadlift {week.deadlift.sets} x {week.deadlift.reps}: "
                        f"{week.deadlift.outcome} {where}: {week.deadlift.reason}"
                    )
                for violation in week.violations:
                    self.stdout.write(f"    rule {violation.code}: {violation.message}")
