"""Kilograms or pounds per coach and athlete, and the load increment in exact kilograms (5 lb is
2.26796185 kg: plans.domain.units).

The athlete's update trigger (plans migration 0004) names the columns the rules read, and
PostgreSQL refuses to change the type of a column a trigger's WHEN names; SQLite rebuilds the
table to change a column and drops its triggers. So the trigger goes first and comes back after,
now also naming `units` (the empty bar and the increment the scheduler prescribes with)."""

import django.core.validators
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


COLUMNS = [
    "user_id",
    "coach_id",
    "time_zone",
    "training_window_start",
    "training_window_end",
    "load_increment_kg",
    "units",
    "is_active",
]
REVISE = "UPDATE plans_athleterevision SET revision = revision + 1 WHERE athlete_id = NEW.id"


def _changed(distinct: str) -> str:
    return " OR ".join(f"OLD.{column} {distinct} NEW.{column}" for column in COLUMNS)


SQLITE_CREATE = [
    "CREATE TRIGGER IF NOT EXISTS plans_revision_athlete_insert AFTER INSERT ON athletes_athlete "
    "BEGIN INSERT OR IGNORE INTO plans_athleterevision (athlete_id, revision) "
    "VALUES (NEW.id, 0); END",
    "CREATE TRIGGER plans_revision_athlete_update AFTER UPDATE ON athletes_athlete "
    f"WHEN {_changed('IS NOT')} BEGIN {REVISE}; END",
]
POSTGRESQL_CREATE = [
    "CREATE TRIGGER plans_revision_athlete_update AFTER UPDATE ON athletes_athlete "
    f"FOR EACH ROW WHEN ({_changed('IS DISTINCT FROM')}) "
    "EXECUTE FUNCTION plans_revise_for_athlete()"
]


def drop_update_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS plans_revision_athlete_update")
    else:
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS plans_revision_athlete_update ON athletes_athlete"
        )


def create_triggers(apps, schema_editor):
    drop_update_trigger(apps, schema_editor)
    sqlite = schema_editor.connection.vendor == "sqlite"
    for statement in SQLITE_CREATE if sqlite else POSTGRESQL_CREATE:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("athletes", "0003_revoke_tokens_on_password_change"),
        ("plans", "0004_athlete_revision_skips_calendar_secret"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(drop_update_trigger, migrations.RunPython.noop),
        migrations.AddField(
            model_name="athlete",
            name="units",
            field=models.CharField(
                choices=[("kg", "Kilograms (kg)"), ("lb", "Pounds (lb)")],
                default="kg",
                max_length=2,
            ),
        ),
        migrations.AddField(
            model_name="coach",
            name="default_athlete_units",
            field=models.CharField(
                choices=[("kg", "Kilograms (kg)"), ("lb", "Pounds (lb)")],
                default="kg",
                max_length=2,
            ),
        ),
        migrations.AddField(
            model_name="coach",
            name="units",
            field=models.CharField(
                choices=[("kg", "Kilograms (kg)"), ("lb", "Pounds (lb)")],
                default="kg",
                max_length=2,
            ),
        ),
        migrations.AlterField(
            model_name="athlete",
            name="load_increment_kg",
            field=models.DecimalField(
                decimal_places=10,
                default=Decimal("2.5"),
                max_digits=12,
                validators=[
                    django.core.validators.MinValueValidator(Decimal("0.25")),
                    django.core.validators.MaxValueValidator(Decimal("25")),
                ],
            ),
        ),
        migrations.AddConstraint(
            model_name="athlete",
            constraint=models.CheckConstraint(
                condition=models.Q(("units__in", ["kg", "lb"])), name="athlete_units_valid"
            ),
        ),
        migrations.AddConstraint(
            model_name="coach",
            constraint=models.CheckConstraint(
                condition=models.Q(("units__in", ["kg", "lb"])), name="coach_units_valid"
            ),
        ),
        migrations.AddConstraint(
            model_name="coach",
            constraint=models.CheckConstraint(
                condition=models.Q(("default_athlete_units__in", ["kg", "lb"])),
                name="coach_default_athlete_units_valid",
            ),
        ),
        migrations.RunPython(create_triggers, migrations.RunPython.noop),
    ]
