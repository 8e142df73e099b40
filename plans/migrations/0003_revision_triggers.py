"""Triggers that move AthleteRevision.revision on every change to an athlete's sessions, sets
or settings, on SQLite and on PostgreSQL. The database keeps the counter so that no write
path (a form, the API, the admin, a bulk update, raw SQL) can change a week without the
dashboard's stored verdict for it going stale (plans.verdicts)."""

from django.db import migrations

REVISE = "UPDATE plans_athleterevision SET revision = revision + 1 WHERE athlete_id"
OF_SET = "(SELECT athlete_id FROM workouts_liftsession WHERE id = {row}.session_id)"

SQLITE = [
    "CREATE TRIGGER plans_revision_athlete_insert AFTER INSERT ON athletes_athlete BEGIN "
    "INSERT OR IGNORE INTO plans_athleterevision (athlete_id, revision) VALUES (NEW.id, 0); END",
    f"CREATE TRIGGER plans_revision_athlete_update AFTER UPDATE ON athletes_athlete BEGIN "
    f"{REVISE} = NEW.id; END",
]
for table in ("runsession", "liftsession"):
    SQLITE += [
        f"CREATE TRIGGER plans_revision_{table}_insert AFTER INSERT ON workouts_{table} BEGIN "
        f"{REVISE} = NEW.athlete_id; END",
        f"CREATE TRIGGER plans_revision_{table}_update AFTER UPDATE ON workouts_{table} BEGIN "
        f"{REVISE} IN (OLD.athlete_id, NEW.athlete_id); END",
        f"CREATE TRIGGER plans_revision_{table}_delete AFTER DELETE ON workouts_{table} BEGIN "
        f"{REVISE} = OLD.athlete_id; END",
    ]
SQLITE += [
    "CREATE TRIGGER plans_revision_liftset_insert AFTER INSERT ON workouts_liftset BEGIN "
    f"{REVISE} IN {OF_SET.format(row='NEW')}; END",
    "CREATE TRIGGER plans_revision_liftset_update AFTER UPDATE ON workouts_liftset BEGIN "
    f"{REVISE} IN {OF_SET.format(row='OLD')}; {REVISE} IN {OF_SET.format(row='NEW')}; END",
    "CREATE TRIGGER plans_revision_liftset_delete AFTER DELETE ON workouts_liftset BEGIN "
    f"{REVISE} IN {OF_SET.format(row='OLD')}; END",
]
SQLITE_TRIGGERS = [statement.split()[2] for statement in SQLITE]


def _plpgsql(name: str, old: str, new: str) -> str:
    """A trigger function that revises the athlete of the OLD row and of the NEW row."""
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN {REVISE} IN ({old}); END IF;
    IF TG_OP <> 'DELETE' THEN {REVISE} IN ({new}); END IF;
    RETURN NULL;
END $$"""


POSTGRESQL = [
    """
CREATE OR REPLACE FUNCTION plans_revision_for_new_athlete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO plans_athleterevision (athlete_id, revision) VALUES (NEW.id, 0)
    ON CONFLICT (athlete_id) DO NOTHING;
    RETURN NULL;
END $$""",
    _plpgsql("plans_revise_for_athlete", "OLD.id", "NEW.id"),
    _plpgsql("plans_revise_for_session", "OLD.athlete_id", "NEW.athlete_id"),
    _plpgsql(
        "plans_revise_for_set",
        "SELECT athlete_id FROM workouts_liftsession WHERE id = OLD.session_id",
        "SELECT athlete_id FROM workouts_liftsession WHERE id = NEW.session_id",
    ),
    "CREATE TRIGGER plans_revision_athlete_insert AFTER INSERT ON athletes_athlete "
    "FOR EACH ROW EXECUTE FUNCTION plans_revision_for_new_athlete()",
    "CREATE TRIGGER plans_revision_athlete_update AFTER UPDATE ON athletes_athlete "
    "FOR EACH ROW EXECUTE FUNCTION plans_revise_for_athlete()",
    "CREATE TRIGGER plans_revision_runsession AFTER INSERT OR UPDATE OR DELETE "
    "ON workouts_runsession FOR EACH ROW EXECUTE FUNCTION plans_revise_for_session()",
    "CREATE TRIGGER plans_revision_liftsession AFTER INSERT OR UPDATE OR DELETE "
    "ON workouts_liftsession FOR EACH ROW EXECUTE FUNCTION plans_revise_for_session()",
    "CREATE TRIGGER plans_revision_liftset AFTER INSERT OR UPDATE OR DELETE "
    "ON workouts_liftset FOR EACH ROW EXECUTE FUNCTION plans_revise_for_set()",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS plans_revision_athlete_insert ON athletes_athlete",
    "DROP TRIGGER IF EXISTS plans_revision_athlete_update ON athletes_athlete",
    "DROP TRIGGER IF EXISTS plans_revision_runsession ON workouts_runsession",
    "DROP TRIGGER IF EXISTS plans_revision_liftsession ON workouts_liftsession",
    "DROP TRIGGER IF EXISTS plans_revision_liftset ON workouts_liftset",
    "DROP FUNCTION IF EXISTS plans_revision_for_new_athlete()",
    "DROP FUNCTION IF EXISTS plans_revise_for_athlete()",
    "DROP FUNCTION IF EXISTS plans_revise_for_session()",
    "DROP FUNCTION IF EXISTS plans_revise_for_set()",
]


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(vendor)
    if statements is None:
        raise NotImplementedError(f"No revision triggers for {vendor}.")
    for statement in statements:
        schema_editor.execute(statement)
    # The athletes that exist already start at revision 0.
    schema_editor.execute(
        "INSERT INTO plans_athleterevision (athlete_id, revision) "
        "SELECT id, 0 FROM athletes_athlete"
    )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        statements = [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS]
    else:
        statements = POSTGRESQL_DROP
    for statement in statements:
        schema_editor.execute(statement)
    schema_editor.execute("DELETE FROM plans_athleterevision")


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0002_week_verdicts"),
        ("workouts", "0002_set_client_id_only_when_logged"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
