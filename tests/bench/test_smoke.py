"""The benchmark scripts still run: all of them, tiny, through the runner that writes the
report. Their figures are not checked (a benchmark is not a timed test); that they produce
their tables is. The API one needs wrk and is left out without it."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# tests/weekdays.py runs these once, not under each weekday's clock.
pytestmark = pytest.mark.clock_free

ROOT = Path(__file__).resolve().parent.parent.parent


def test_every_benchmark_runs_in_a_smoke_run(tmp_path):
    report = tmp_path / "REPORT.md"
    only = ["dashboard", "scheduling", "templates"] + (["api"] if shutil.which("wrk") else [])
    done = subprocess.run(
        # On the database of this test run only: CI runs the suite on each.
        [sys.executable, "bench/run_all.py", "--quick", "--out", str(report), "--databases"]
        + ["postgresql" if os.environ.get("DATABASE_URL") else "sqlite"]
        + [arg for name in only for arg in ("--only", name)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    text = report.read_text()
    assert text.startswith("# Ironstride benchmarks")
    assert "### Coach dashboard" in text
    # Ten athletes: ten queries on the first visit (and SQLite's BEGIN IMMEDIATE), then three;
    # judging reads the runs within reach once, for the rules and the tally alike; the 7- and
    # 28-day compliance reads the roster's recent sessions once, then comes from the cache.
    first_visit = "11" if not os.environ.get("DATABASE_URL") else "10"
    assert f"| 10 | {first_visit} / 3 |" in text
    assert "### Scheduling and the plans engine" in text
    assert "### Applying a plan template" in text
    # Queries constant in the number of athletes: 10 and 20 take the same.
    assert re.search(r"\| queries per apply, 10 vs 20 athletes \| (\d+) vs \1 \|", text), text
    if "api" in only:
        assert "### The API through gunicorn, down to the bare stack" in text
        for ratio in ("| healthz / bare |", "| ping / healthz |", "| week / ping |"):
            assert ratio in text


# The two scripts run_all does not run (they explain rather than hold a goal), tiny.
@pytest.mark.parametrize(
    ("script", "args", "expected"),
    [
        (
            "bench/stack_bench.py",
            ["--requests", "5", "--rounds", "1", "--each-middleware"],
            ["| healthz / bare |", "| ping / healthz |", "| MessageMiddleware |"],
        ),
        (
            "bench/export_bench.py",
            ["--athletes", "3", "--weeks", "2", "--memory"],
            ["csv: 48 rows", "json: 48 rows"],
        ),
    ],
)
def test_the_explaining_benchmarks_run(script, args, expected):
    done = subprocess.run(
        [sys.executable, script, *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for text in expected:
        assert text in done.stdout, done.stdout
