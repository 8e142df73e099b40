from django.db import migrations, models

# SQLite adds a NOT NULL column by rebuilding the table, and the rebuild drops the table's
# triggers: the athlete's revision triggers (plans migrations 0003 and 0004, as 0004 left
# them, with 0004_units' `units`) are made again here. The new column is not one the rules read, so it does not revise.
REVISE = "UPDATE plans_athleterevision SET revision = revision + 1 WHERE athlete_id = NEW.id"
REVISED_BY = [
    "user_id",
    "coach_id",
    "time_zone",
    "training_window_start",
    "training_window_end",
    "load_increment_kg",
    "units",
    "is_active",
]
CHANGED = " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in REVISED_BY)
SQLITE_ATHLETE_TRIGGERS = [
    "CREATE TRIGGER IF NOT EXISTS plans_revision_athlete_insert AFTER INSERT ON athletes_athlete "
    "BEGIN INSERT OR IGNORE INTO plans_athleterevision (athlete_id, revision) "
    "VALUES (NEW.id, 0); END",
    "CREATE TRIGGER IF NOT EXISTS plans_revision_athlete_update AFTER UPDATE ON athletes_athlete "
    f"WHEN {CHANGED} BEGIN {REVISE}; END",
]


def restore_revision_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_ATHLETE_TRIGGERS:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("athletes", "0004_units"),
    ]

    operations = [
        migrations.AddField(
            model_name="athlete",
            name="autoregulate_coach_targets",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Adjust the loads you set by hand after each logged set, as the "
                    "scheduler's are."
                ),
            ),
        ),
        migrations.RunPython(restore_revision_triggers, migrations.RunPython.noop),
    ]
