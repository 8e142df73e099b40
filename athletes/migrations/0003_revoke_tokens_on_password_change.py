"""A changed password deletes the user's API tokens, whatever changed it: a coach through
the API, the admin, the user on the password page, a management command, or a bulk
`User.objects.update(password=...)` that no signal would see. So the database does it.

Django rehashing a password at login (after a hasher upgrade) changes the stored hash too,
and so also ends that user's tokens, once; they log in again."""

from django.db import migrations

SQLITE = [
    "CREATE TRIGGER athletes_revoke_tokens_on_password_change "
    "AFTER UPDATE OF password ON auth_user WHEN OLD.password IS NOT NEW.password "
    "BEGIN DELETE FROM knox_authtoken WHERE user_id = NEW.id; END",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS athletes_revoke_tokens_on_password_change"]

POSTGRESQL = [
    """
CREATE OR REPLACE FUNCTION athletes_revoke_tokens() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM knox_authtoken WHERE user_id = NEW.id;
    RETURN NULL;
END $$""",
    "CREATE TRIGGER athletes_revoke_tokens_on_password_change "
    "AFTER UPDATE OF password ON auth_user FOR EACH ROW "
    "WHEN (OLD.password IS DISTINCT FROM NEW.password) "
    "EXECUTE FUNCTION athletes_revoke_tokens()",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS athletes_revoke_tokens_on_password_change ON auth_user",
    "DROP FUNCTION IF EXISTS athletes_revoke_tokens()",
]


def _run(schema_editor, statements: dict[str, list[str]]) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in statements:
        raise NotImplementedError(f"No token trigger for {vendor}.")
    for statement in statements[vendor]:
        schema_editor.execute(statement)


def create_trigger(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE, "postgresql": POSTGRESQL})


def drop_trigger(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP})


class Migration(migrations.Migration):
    dependencies = [
        ("athletes", "0002_calendar_token"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
