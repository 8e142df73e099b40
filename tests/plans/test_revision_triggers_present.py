"""The revision triggers (plans migrations 0003 and 0005) are all there after every
migration: SQLite rebuilds a table to add a NOT NULL column and drops its triggers with the old
one, so a migration that forgets to make them again would leave the dashboard's stored verdicts
and the week API's cached answers stale without a sound."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

SQLITE = {
    f"plans_revision_{table}_{event}"
    for table, events in {
        "athlete": ("insert", "update"),
        "runsession": ("insert", "update", "delete"),
        "liftsession": ("insert", "update", "delete"),
        "liftset": ("insert", "update", "delete"),
        "weeklyplan": ("insert", "update", "delete"),
    }.items()
    for event in events
}
POSTGRESQL = {
    "plans_revision_athlete_insert",
    "plans_revision_athlete_update",
    "plans_revision_runsession",
    "plans_revision_liftsession",
    "plans_revision_liftset",
    "plans_revision_weeklyplan",
}


def test_every_revision_trigger_exists():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            expected = SQLITE
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
            expected = POSTGRESQL
        found = {name for (name,) in cursor.fetchall()}
    assert expected <= found, f"missing: {sorted(expected - found)}"
