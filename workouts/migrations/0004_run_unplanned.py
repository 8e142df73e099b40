from django.db import migrations, models

# SQLite adds a NOT NULL column by rebuilding the table, and the rebuild drops the table's
# triggers: the revision triggers (plans migration 0003) are made again for it here.
REVISE = "UPDATE plans_athleterevision SET revision = revision + 1 WHERE athlete_id"
SQLITE_RUN_TRIGGERS = [
    "CREATE TRIGGER IF NOT EXISTS plans_revision_runsession_insert AFTER INSERT ON "
    f"workouts_runsession BEGIN {REVISE} = NEW.athlete_id; END",
    "CREATE TRIGGER IF NOT EXISTS plans_revision_runsession_update AFTER UPDATE ON "
    f"workouts_runsession BEGIN {REVISE} IN (OLD.athlete_id, NEW.athlete_id); END",
    "CREATE TRIGGER IF NOT EXISTS plans_revision_runsession_delete AFTER DELETE ON "
    f"workouts_runsession BEGIN {REVISE} = OLD.athlete_id; END",
]


def restore_revision_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_RUN_TRIGGERS:
            schema_editor.execute(statement)


def mark_runs_made_from_files(apps, schema_editor):
    """The runs made from a run file that matched no planned run are the unplanned ones."""
    RunFile = apps.get_model("workouts", "RunFile")
    RunSession = apps.get_model("workouts", "RunSession")
    made = RunFile.objects.filter(unplanned=True).values("run")
    RunSession.objects.filter(pk__in=made).update(unplanned=True)


class Migration(migrations.Migration):
    dependencies = [
        ("workouts", "0003_run_files"),
        ("plans", "0004_athlete_revision_skips_calendar_secret"),
    ]

    operations = [
        migrations.AddField(
            model_name="runsession",
            name="unplanned",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(restore_revision_triggers, migrations.RunPython.noop),
        migrations.RunPython(mark_runs_made_from_files, migrations.RunPython.noop),
    ]
