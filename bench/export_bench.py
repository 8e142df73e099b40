"""The roster export streamed: rows, size, queries, seconds and peak Python memory of the CSV
and the JSON of a generated roster (bench/common.make_roster: five runs and a deadlift of
three working sets a week), on a throw-away database. Not in run_all: README "Export" quotes it.

    .venv/bin/python bench/export_bench.py [--athletes 200] [--weeks 52] [--memory]

--memory measures the peak with tracemalloc (several times slower: the seconds then mean
nothing); each format is read twice and the second read reported, so the first request's
one-time costs (imports, URL resolver) are not counted as the export's.
"""

import argparse
import os
import sys
import time
import tracemalloc
from collections.abc import Iterable
from pathlib import Path
from typing import cast

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.test import Client  # noqa: E402

from bench.common import count_queries, make_roster, throwaway_database, vendor_name  # noqa: E402


def measure(client: Client, fmt: str, memory: bool) -> str:
    if memory:
        tracemalloc.start()
    began = time.perf_counter()
    with count_queries() as queries:
        response = client.get(f"/export/roster.{fmt}")
        size = lines = 0
        for chunk in cast(Iterable[bytes], getattr(response, "streaming_content")):  # noqa: B009
            size += len(chunk)
            lines += chunk.count(b"\n")
    seconds = time.perf_counter() - began
    peak = ""
    if memory:
        peak = f", peak {tracemalloc.get_traced_memory()[1] / 1e6:.1f} MB"
        tracemalloc.stop()
    figures = f"{size / 1e6:.1f} MB, {queries.count} queries, {seconds:.1f} s{peak}"
    rows = lines - (1 if fmt == "csv" else 2)  # the header; the JSON array's brackets
    return f"{fmt}: {rows} rows, {figures}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--athletes", type=int, default=200)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--memory", action="store_true")
    options = parser.parse_args()
    with throwaway_database():
        coach = make_roster("export", options.athletes, options.weeks)
        client = Client()
        client.force_login(coach.user)
        print(f"{vendor_name()}, {options.athletes} athletes x {options.weeks} weeks")
        for fmt in ("csv", "json"):
            measure(client, fmt, options.memory)
            print(measure(client, fmt, options.memory))


if __name__ == "__main__":
    main()
