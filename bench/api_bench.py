"""Benchmark of the week endpoint through gunicorn (issue 7, benchmark 2).

Starts gunicorn (config.wsgi) on a free loopback port against a throw-away database holding a
generated roster, logs the coach in for a token, and loads three addresses with wrk, turn about
in rounds so a busy machine favours none:

- GET /api/v1/athletes/{id}/weeks/{week}/ (the week as the engine judges it),
- GET /api/v1/ping/, a constant answer behind the same token authentication (the yardstick:
  the ratio week / ping is the price of our own work; goal >= 0.5),
- GET /healthz, unauthenticated (one database query).

Every request carries X-Forwarded-Proto: https, as a TLS-terminating load balancer's would.
Throttle rates are raised for the run (API_THROTTLE_USER / API_THROTTLE_ANON). gunicorn is
stopped whatever happens. Needs wrk (Debian package `wrk`; `make bench` installs it).

    .venv/bin/python bench/api_bench.py [--duration 30] [--connections 16] [--workers N]
"""

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.db import connection  # noqa: E402

from athletes.models import Athlete  # noqa: E402
from bench import common  # noqa: E402
from plans.domain.weeks import Week  # noqa: E402

HTTPS = {"X-Forwarded-Proto": "https"}
# High enough that no request of the run is throttled; the throttles still run.
NO_THROTTLE = "100000000/min"


def free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def request(url: str, *, token: str = "", body: dict | None = None) -> tuple[int, bytes]:
    headers = {**HTTPS, "Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    data = json.dumps(body).encode() if body is not None else None
    try:
        with urllib.request.urlopen(
            urllib.request.Request(url, data=data, headers=headers), timeout=10
        ) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def start_server(host: str, port: int, workers: int, db: Mapping[str, Any]) -> subprocess.Popen:
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": host,
        "API_THROTTLE_USER": NO_THROTTLE,
        "API_THROTTLE_ANON": NO_THROTTLE,
        "LOG_LEVEL": "WARNING",
        # Until collectstatic has run, WhiteNoise warns once per worker; the finders serve.
        "PYTHONWARNINGS": "ignore:No directory at",
    }
    if connection.vendor == "sqlite":
        env["SQLITE_PATH"] = db["NAME"]
        env.pop("DATABASE_URL", None)
    else:
        env["DATABASE_URL"] = common.database_url(db)
    gunicorn = Path(sys.executable).parent / "gunicorn"
    return subprocess.Popen(
        [
            str(gunicorn),
            "config.wsgi:application",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--timeout",
            "30",
        ],
        cwd=common.ROOT,
        env=env,
        # Its own process group, so stopping it stops its workers too.
        start_new_session=True,
    )


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=5)


def wait_until_up(base: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}")
        try:
            if request(f"{base}/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn did not answer /healthz in time")


UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def wrk(url: str, seconds: float, connections: int, token: str = "") -> dict:
    headers = [f"X-Forwarded-Proto: {HTTPS['X-Forwarded-Proto']}"]
    if token:
        headers.append(f"Authorization: Token {token}")
    command = ["wrk", "-t", str(min(2, connections)), "-c", str(connections)]
    # wrk takes whole seconds only ("3.3s" is a usage error): --duration 10 in 3 rounds is 3 s.
    command += ["-d", f"{max(1, round(seconds))}s", "--latency", "--timeout", "10s"]
    for header in headers:
        command += ["-H", header]
    out = subprocess.run(
        [*command, url], capture_output=True, text=True, timeout=seconds + 60, check=True
    ).stdout
    latency = {
        p: float(v) * UNITS_MS[u]
        for p, v, u in re.findall(r"^\s*(50|99)%\s+([\d.]+)\s*(us|ms|s|m)\s*$", out, re.M)
    }
    if set(latency) != {"50", "99"} or "Requests/sec" not in out:
        raise SystemExit(f"Unexpected output of wrk:\n{out}")
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    requests = re.search(r"(\d+) requests in", out)
    if rps is None or requests is None:
        raise SystemExit(f"Unexpected output of wrk:\n{out}")
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)$", out, re.M)
    return {
        "rps": float(rps.group(1)),
        "requests": int(requests.group(1)),
        "p50": latency["50"],
        "p99": latency["99"],
        "non_2xx": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(1) if errors else "",
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--athletes", type=int, default=1000)
    parser.add_argument("--weeks", type=int, default=12)
    parser.add_argument("--duration", type=float, default=30, help="seconds per endpoint")
    parser.add_argument("--rounds", type=int, default=3, help="turns the duration is split in")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--warmup", type=float, default=2, help="seconds per endpoint, untimed")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk (make bench does).")

    monday = common.FIRST_MONDAY + timedelta(weeks=max(args.weeks - 2, 0))
    rounds: dict[str, list[dict]] = {"week": [], "ping": [], "healthz": []}
    with common.throwaway_database() as db:
        vendor = common.vendor_name()
        coach = common.make_roster("api", args.athletes, args.weeks)
        # The second athlete: an ordinary week (no deliberate error), as most are.
        athlete = Athlete.objects.filter(coach=coach).order_by("pk")[1]
        connection.close()  # the server's processes write to the database from here on
        port = free_port(args.host)
        base = f"http://{args.host}:{port}"
        server = start_server(args.host, port, args.workers, db)
        try:
            wait_until_up(base, server)
            status, body = request(
                f"{base}/api/v1/auth/token/",
                body={"username": coach.user.username, "password": common.PASSWORD},
            )
            if status != 200:
                raise SystemExit(f"No token: {status} {body[:200]!r}")
            token = json.loads(body)["token"]
            week_path = f"/api/v1/athletes/{athlete.pk}/weeks/{Week(monday).name}/"
            targets = {
                "week": (week_path, token),
                "ping": ("/api/v1/ping/", token),
                "healthz": ("/healthz", ""),
            }
            for path, key in targets.values():
                status, body = request(base + path, token=key)
                if status != 200:
                    raise SystemExit(f"{path} answered {status}: {body[:300]!r}")
            week_bytes = len(request(base + week_path, token=token)[1])
            for path, key in targets.values() if args.warmup else ():  # warm the workers up
                wrk(base + path, args.warmup, args.connections, key)
            for _ in range(args.rounds):
                for name, (path, key) in targets.items():
                    rounds[name].append(
                        wrk(base + path, args.duration / args.rounds, args.connections, key)
                    )
        finally:
            stop_server(server)

    def median(name: str, key: str) -> float:
        return statistics.median(r[key] for r in rounds[name])

    print(f"### Week endpoint through gunicorn ({vendor})\n")
    print(f"- command: `{common.command()}`")
    print(
        f"- gunicorn config.wsgi, {args.workers} sync workers on {args.host} (loopback), "
        f"DEBUG off; wrk at {args.connections} connections, {args.duration:g} s per endpoint "
        f"in {args.rounds} rounds turn about (medians of the rounds); every request with "
        "X-Forwarded-Proto: https; throttle rates raised for the run"
    )
    print(
        f"- week: athlete {athlete.pk} of a {args.athletes:,}-athlete roster ({args.weeks} weeks "
        f"each), {Week(monday).name} as their coach sees it: {week_bytes:,} bytes of JSON\n"
    )
    print("| endpoint | requests/s | p50 | p99 | requests | non-2xx |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    labels = {
        "week": "GET /api/v1/athletes/{id}/weeks/{week}/ (token)",
        "ping": "GET /api/v1/ping/ (token, constant)",
        "healthz": "GET /healthz (no auth)",
    }
    for name, label in labels.items():
        print(
            f"| {label} | {median(name, 'rps'):,.0f} | {median(name, 'p50'):.1f} ms "
            f"| {median(name, 'p99'):.1f} ms | {sum(r['requests'] for r in rounds[name]):,} "
            f"| {sum(r['non_2xx'] for r in rounds[name])} |"
        )
    ratio = median("week", "rps") / median("ping", "rps")
    print(f"\nRatio week / ping requests/s: {common.goal(ratio, 0.5, at_most=False)}.\n")
    errors = [r["socket_errors"] for rs in rounds.values() for r in rs if r["socket_errors"]]
    if errors:
        print(f"Socket errors reported by wrk: {'; '.join(errors)}\n")


if __name__ == "__main__":
    main()
