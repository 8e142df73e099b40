"""The athlete's revision moves only when a column other than the calendar secret changes.

Rotating the secret is no change the rules read, and it takes the athlete's row in the
strongest lock (the secret is unique, so PostgreSQL counts it as a key): revising from it made
the rotation wait for the revision row while holding the athlete's, the reverse of the order a
session write takes them in (session, revision, then a foreign-key lock on the athlete), and
the two deadlocked. Every other column listed here still revises; a new column of the
athlete that the rules read must be added to this list in a migration of its own."""

from django.db import migrations

COLUMNS = [
    "user_id",
    "coach_id",
    "time_zone",
    "training_window_start",
    "training_window_end",
    "load_increment_kg",
    "is_active",
]
REVISE = "UPDATE plans_athleterevision SET revision = revision + 1 WHERE athlete_id = NEW.id"


def _changed(distinct: str) -> str:
    return " OR ".join(f"OLD.{column} {distinct} NEW.{column}" for column in COLUMNS)


SQLITE_DROP = "DROP TRIGGER IF EXISTS plans_revision_athlete_update"
SQLITE_ALL = (
    f"CREATE TRIGGER plans_revision_athlete_update AFTER UPDATE ON athletes_athlete BEGIN "
    f"{REVISE}; END"
)
SQLITE_CHANGED = (
    f"CREATE TRIGGER plans_revision_athlete_update AFTER UPDATE ON athletes_athlete "
    f"WHEN {_changed('IS NOT')} BEGIN {REVISE}; END"
)
POSTGRESQL_DROP = "DROP TRIGGER IF EXISTS plans_revision_athlete_update ON athletes_athlete"
POSTGRESQL_ALL = (
    "CREATE TRIGGER plans_revision_athlete_update AFTER UPDATE ON athletes_athlete "
    "FOR EACH ROW EXECUTE FUNCTION plans_revise_for_athlete()"
)
POSTGRESQL_CHANGED = (
    "CREATE TRIGGER plans_revision_athlete_update AFTER UPDATE ON athletes_athlete "
    f"FOR EACH ROW WHEN ({_changed('IS DISTINCT FROM')}) "
    "EXECUTE FUNCTION plans_revise_for_athlete()"
)


def _replace(schema_editor, sqlite: str, postgresql: str) -> None:
    if schema_editor.connection.vendor == "sqlite":
        statements = [SQLITE_DROP, sqlite]
    else:
        statements = [POSTGRESQL_DROP, postgresql]
    for statement in statements:
        schema_editor.execute(statement)


def only_when_changed(apps, schema_editor):
    _replace(schema_editor, SQLITE_CHANGED, POSTGRESQL_CHANGED)


def on_every_update(apps, schema_editor):
    _replace(schema_editor, SQLITE_ALL, POSTGRESQL_ALL)


class Migration(migrations.Migration):
    dependencies = [("plans", "0003_revision_triggers")]

    operations = [migrations.RunPython(only_when_changed, on_every_update)]
