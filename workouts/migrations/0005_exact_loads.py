"""Loads in exact kilograms, whatever unit they were typed in: 325 lb is 147.41752025 kg
(plans.domain.units), so the columns keep 10 decimals.

SQLite changes a column by rebuilding the table, which drops its triggers: the set's revision
triggers (plans migration 0003) are made again here."""

from django.db import migrations, models

REVISE = "UPDATE plans_athleterevision SET revision = revision + 1 WHERE athlete_id"
OF_SET = "(SELECT athlete_id FROM workouts_liftsession WHERE id = {row}.session_id)"
SQLITE_SET_TRIGGERS = [
    "CREATE TRIGGER IF NOT EXISTS plans_revision_liftset_insert AFTER INSERT ON workouts_liftset "
    f"BEGIN {REVISE} IN {OF_SET.format(row='NEW')}; END",
    "CREATE TRIGGER IF NOT EXISTS plans_revision_liftset_update AFTER UPDATE ON workouts_liftset "
    f"BEGIN {REVISE} IN {OF_SET.format(row='OLD')}; {REVISE} IN {OF_SET.format(row='NEW')}; END",
    "CREATE TRIGGER IF NOT EXISTS plans_revision_liftset_delete AFTER DELETE ON workouts_liftset "
    f"BEGIN {REVISE} IN {OF_SET.format(row='OLD')}; END",
]


def restore_revision_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_SET_TRIGGERS:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("workouts", "0004_run_unplanned"),
        ("plans", "0004_athlete_revision_skips_calendar_secret"),
    ]

    operations = [
        migrations.AlterField(
            model_name="liftset",
            name="load_kg",
            field=models.DecimalField(blank=True, decimal_places=10, max_digits=13, null=True),
        ),
        migrations.AlterField(
            model_name="liftset",
            name="target_load_kg",
            field=models.DecimalField(blank=True, decimal_places=10, max_digits=13, null=True),
        ),
        migrations.RunPython(restore_revision_triggers, migrations.RunPython.noop),
    ]
