"""Every benchmark, on SQLite and (when DATABASE_URL is set) on PostgreSQL, into one Markdown
report, bench/results/REPORT.md by default. Each benchmark runs in a process of its own, so
each database's settings are read afresh.

    .venv/bin/python bench/run_all.py [--quick] [--out bench/results/REPORT.md]

--quick is a smoke run (a few athletes, a second of load): it checks that the scripts work,
its figures mean nothing.
"""

import argparse
import contextlib
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS: dict[str, tuple[str, list[str], list[str]]] = {
    "dashboard": ("bench/dashboard_bench.py", [], ["--sizes", "5,10", "--weeks", "3"]),
    "scheduling": ("bench/plans_bench.py", [], ["--athletes", "10", "--weeks", "2"]),
    "templates": (
        "bench/template_bench.py",
        [],
        ["--athletes", "10", "--weeks", "2", "--rounds", "1", "--query-sizes", "10,20"],
    ),
    "api": (
        "bench/api_bench.py",
        [],
        ["--athletes", "5", "--weeks", "3", "--duration", "1", "--rounds", "1", "--workers", "1"]
        + ["--warmup", "0"],
    ),
}


def machine() -> str:
    import platform

    memory = ""
    try:
        kib = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal:")
        )
        memory = f", {kib / 1024 / 1024:.1f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    model = ""
    with contextlib.suppress(OSError, StopIteration):
        model = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    load = ", load average {:.2f} {:.2f} {:.2f} at the start".format(*os.getloadavg())
    return (
        f"{platform.platform()}; {model or platform.machine()}, {os.cpu_count()} CPUs"
        f"{memory}{load}; Python {platform.python_version()}"
    )


def run(script: str, args: list[str], env: dict) -> tuple[str, float]:
    began = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-W", "ignore", script, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    took = time.monotonic() - began
    if done.returncode != 0:
        raise SystemExit(f"{script} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout, took


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run: tiny and fast")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "REPORT.md"))
    parser.add_argument(
        "--only", choices=list(BENCHMARKS), action="append", help="run only these (repeatable)"
    )
    parser.add_argument(
        "--databases",
        default="sqlite,postgresql",
        help="which of sqlite,postgresql (PostgreSQL only when DATABASE_URL is set)",
    )
    args = parser.parse_args(argv)

    databases = []
    if "sqlite" in args.databases:
        databases.append(("SQLite", {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}))
    if "postgresql" in args.databases and os.environ.get("DATABASE_URL"):
        databases.append(("PostgreSQL", dict(os.environ)))
    machine_at_start = machine()
    sections = []
    for label, env in databases:
        for name, (script, full, quick) in BENCHMARKS.items():
            if args.only and name not in args.only:
                continue
            print(f"{label}: {script} ...", file=sys.stderr, flush=True)
            output, took = run(script, quick if args.quick else full, env)
            sections.append(
                f"{output.rstrip()}\n\n_({took:.0f} s in all, data generation included.)_\n"
            )
    command = " ".join([".venv/bin/python", "bench/run_all.py", *(argv or sys.argv[1:])])
    report = "\n".join(
        [
            "# Ironstride benchmarks\n",
            f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
            f"- machine: {machine_at_start}",
            "- load average at the end: {:.2f} {:.2f} {:.2f} (the machine may be shared: "
            "ratios measured turn about carry over, absolute figures less)".format(
                *os.getloadavg()
            ),
            f"- databases: {', '.join(label for label, _ in databases)}",
            f"- command: `{command}`"
            + (" (quick: smoke figures, not measurements)" if args.quick else ""),
            "",
            *sections,
        ]
    )
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report)
    print(report)
    print(f"Written to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
