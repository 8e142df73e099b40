"""How the app talks to PostgreSQL, read from the settings a process starts with."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.clock_free

ROOT = Path(__file__).resolve().parents[2]
POSTGRES = "postgres://app@db.example:5432/ironstride"


def database_options(**env: str) -> dict:
    """The default database's OPTIONS as settings.py builds them from `env` (no connection)."""
    code = "from django.conf import settings; print(json.dumps(settings.DATABASES['default']))"
    result = subprocess.run(
        [sys.executable, "-c", f"import json, django; django.setup(); {code}"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])["OPTIONS"]


def test_postgresql_binds_parameters_on_the_server_and_prepares_repeated_queries():
    options = database_options(DATABASE_URL=POSTGRES)
    assert options["server_side_binding"] is True
    assert options["prepare_threshold"] == 5


def test_a_pooler_that_cannot_keep_prepared_statements_can_turn_them_off():
    options = database_options(DATABASE_URL=POSTGRES, DATABASE_PREPARED_STATEMENTS="0")
    # Django's own defaults: parameters bound in the client, nothing prepared.
    assert "server_side_binding" not in options and "prepare_threshold" not in options


def test_sqlite_has_no_such_options():
    options = database_options(DATABASE_URL="")
    assert "server_side_binding" not in options and "prepare_threshold" not in options
