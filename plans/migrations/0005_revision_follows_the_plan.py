"""The athlete's revision moves on every change to their weekly plans too (created, published,
unpublished, a coach's note, deleted), on SQLite and on PostgreSQL.

The week API's answer depends on the week's plan (plans.api.show_week); with the revision
covering it, the answer's cache key and ETag need only the revision, and the request reads the
athlete and their revision in one single-join query instead of joining the week's plan too
(bench/api_bench.py). The dashboard's stored verdicts (plans.verdicts) are keyed on the same
revision: publishing a week recomputes its athletes' verdicts on the next visit."""

from django.db import migrations

REVISE = "UPDATE plans_athleterevision SET revision = revision + 1 WHERE athlete_id"
EVENTS = ("insert", "update", "delete")

SQLITE = [
    f"CREATE TRIGGER plans_revision_weeklyplan_insert AFTER INSERT ON plans_weeklyplan BEGIN "
    f"{REVISE} = NEW.athlete_id; END",
    f"CREATE TRIGGER plans_revision_weeklyplan_update AFTER UPDATE ON plans_weeklyplan BEGIN "
    f"{REVISE} IN (OLD.athlete_id, NEW.athlete_id); END",
    f"CREATE TRIGGER plans_revision_weeklyplan_delete AFTER DELETE ON plans_weeklyplan BEGIN "
    f"{REVISE} = OLD.athlete_id; END",
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS plans_revision_weeklyplan_{event}" for event in EVENTS]
# The sessions' trigger function (migration 0003) revises the OLD and the NEW row's athlete_id.
POSTGRESQL = [
    "CREATE TRIGGER plans_revision_weeklyplan AFTER INSERT OR UPDATE OR DELETE "
    "ON plans_weeklyplan FOR EACH ROW EXECUTE FUNCTION plans_revise_for_session()"
]
POSTGRESQL_DROP = ["DROP TRIGGER IF EXISTS plans_revision_weeklyplan ON plans_weeklyplan"]


def _run(schema_editor, sqlite: list[str], postgresql: list[str]) -> None:
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": sqlite, "postgresql": postgresql}.get(vendor)
    if statements is None:
        raise NotImplementedError(f"No revision triggers for {vendor}.")
    for statement in statements:
        schema_editor.execute(statement)


def create_triggers(apps, schema_editor):
    _run(schema_editor, SQLITE, POSTGRESQL)


def drop_triggers(apps, schema_editor):
    _run(schema_editor, SQLITE_DROP, POSTGRESQL_DROP)


class Migration(migrations.Migration):
    dependencies = [("plans", "0004_athlete_revision_skips_calendar_secret")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
