"""The whole suite once under a clock on each day of the week: `make test-weekdays`.

A test that builds "this week" from the real clock can pass on the day it was written and fail
on another (the demo's logged sessions, the present, a week's edge). Each run sets
IRONSTRIDE_CLOCK (tests/conftest.py travels there, ticking), so every weekday is tried on any
day the suite runs. The instants are in the coming week, never the past, so the browser's own
clock still accepts the cookies the travelled server sets; their hours straddle the local
midnights of the demo's time zones (Pacific/Auckland is UTC+13, America/Los_Angeles UTC-8).

    .venv/bin/python tests/weekdays.py [--days mon,sun] [pytest arguments ...]
"""

import argparse
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", default=",".join(day for day, _, _ in CLOCKS))
    args, pytest_args = parser.parse_known_args()
    clocks = instants(datetime.now(UTC))
    results = []
    for day in args.days.split(","):
        clock = clocks[day].isoformat()
        print(f"== {day}: IRONSTRIDE_CLOCK={clock}", flush=True)
        started = time.monotonic()
        code = subprocess.call(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *pytest_args],
            # CI's longer hypothesis runs are made once per database, not once per day.
            env={**{k: v for k, v in os.environ.items() if k != "CI"}, "IRONSTRIDE_CLOCK": clock},
        )
        results.append((day, clock, code, time.monotonic() - started))
    print("\n== the suite under each weekday's clock")
    for day, clock, code, seconds in results:
        verdict = "passed" if code == 0 else f"FAILED (pytest exit {code})"
        print(f"{day}  {clock}  {verdict}  {seconds:.0f} s")
    return 0 if all(code == 0 for _, _, code, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
