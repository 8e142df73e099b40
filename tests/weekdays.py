"""The whole suite once under a clock on each day of the week: `make test-weekdays`.

A test that builds "this week" from the real clock can pass on the day it was written and fail
on another (the demo's logged sessions, the present, a week's edge). Each run sets
IRONSTRIDE_CLOCK (tests/conftest.py travels there, ticking), so every weekday is tried on any
day the suite runs. The instants are in the coming week, never the past, so the browser's own
clock still accepts the cookies the travelled server sets; their hours straddle the local
midnights of the demo's time zones (Pacific/Auckland is UTC+13, America/Los_Angeles UTC-8).

Tests marked `clock_free` (a benchmark smoke run, production start-up) read no clock and run
once, in `make test`, not seven times more. Each day runs on its own SQLite file, so `--jobs 2`
can run two side by side; its output is printed whole when it fails, its last lines when it
passes.

    .venv/bin/python tests/weekdays.py [--days mon,sun] [--jobs 1] [pytest arguments ...]
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

# (day, hours and minutes in UTC): early, late and around noon, Sunday just before the week ends.
CLOCKS = [
    ("mon", 0, 30),
    ("tue", 6, 15),
    ("wed", 11, 40),
    ("thu", 13, 5),
    ("fri", 17, 20),
    ("sat", 22, 45),
    ("sun", 23, 50),
]


def instants(today: datetime) -> dict[str, datetime]:
    next_monday = (today + timedelta(days=7 - today.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    return {
        day: next_monday + timedelta(days=offset, hours=hour, minutes=minute)
        for offset, (day, hour, minute) in enumerate(CLOCKS)
    }


def run_day(day: str, clock: str, pytest_args: list[str], workdir: Path) -> tuple[int, float, str]:
    """One day's run: (pytest's exit code, seconds, its output)."""
    env = {k: v for k, v in os.environ.items() if k != "CI"}  # CI's long hypothesis runs: once
    env["IRONSTRIDE_CLOCK"] = clock
    env["SQLITE_TEST_PATH"] = str(workdir / f"test-{day}.sqlite3")
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not clock_free"]
        + pytest_args,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return done.returncode, time.monotonic() - started, done.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", default=",".join(day for day, _, _ in CLOCKS))
    parser.add_argument("--jobs", type=int, default=1)
    args, pytest_args = parser.parse_known_args()
    clocks = instants(datetime.now(UTC))
    days = args.days.split(",")
    started = time.monotonic()
    with (
        tempfile.TemporaryDirectory(prefix="weekdays-") as workdir,
        ThreadPoolExecutor(args.jobs) as pool,
    ):
        runs = {
            day: pool.submit(run_day, day, clocks[day].isoformat(), pytest_args, Path(workdir))
            for day in days
        }
        results = []
        for day, run in runs.items():
            code, seconds, output = run.result()
            clock = clocks[day].isoformat()
            print(f"== {day}: IRONSTRIDE_CLOCK={clock}", flush=True)
            print(output if code else "\n".join(output.rstrip().splitlines()[-3:]), flush=True)
            results.append((day, clock, code, seconds))
    print(f"\n== the suite under each weekday's clock ({time.monotonic() - started:.0f} s in all)")
    for day, clock, code, seconds in results:
        verdict = "passed" if code == 0 else f"FAILED (pytest exit {code})"
        print(f"{day}  {clock}  {verdict}  {seconds:.0f} s")
    return 0 if all(code == 0 for _, _, code, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
