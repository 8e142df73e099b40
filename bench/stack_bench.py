"""Where a request's time goes, in-process: the API's addresses as WSGI calls without a server
(issue 13's in-process figures).

One process, one throw-away database (SQLite, or PostgreSQL with DATABASE_URL), three WSGI
handlers built from the app's own settings: the app as configured (every middleware), the app
with no middleware, and a bare view with no middleware and no database (what bench/bare.py
serves through gunicorn). Rounds of --requests calls to each address, turn about, so a busy
machine favours none (the addresses: the bare view, /healthz without and with the
middleware, the token ping, and the week as bench/api_bench.py reads it, its cached answer);
reported: medians over the rounds of the CPU time of this process per
request, and of the wall time (which on PostgreSQL includes the server's share of a query).
The ratios are those of bench/api_bench.py, inverted to costs: /healthz at half the bare
view's requests/s or better means its cost at most 2x the bare view's.

    .venv/bin/python bench/stack_bench.py [--requests 1000] [--rounds 7] [--each-middleware]

--each-middleware adds what each middleware costs /healthz: the app with that one layer taken
out, turn about with the others, against the app with all of them.
"""

import argparse
import io
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from datetime import timedelta
from pathlib import Path
from typing import Any

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# As gunicorn runs it in bench/api_bench.py: DEBUG off, no throttling reached.
os.environ["DEBUG"] = "0"
os.environ["LOG_LEVEL"] = "WARNING"
os.environ["API_THROTTLE_USER"] = os.environ["API_THROTTLE_ANON"] = "1000000/s"
django.setup()

from django.conf import settings  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpRequest, JsonResponse  # noqa: E402
from django.test import override_settings  # noqa: E402
from django.urls import include, path  # noqa: E402
from knox.models import AuthToken  # noqa: E402

from athletes.models import Athlete  # noqa: E402
from bench import common  # noqa: E402
from plans.domain.weeks import Week  # noqa: E402

WEEKS = 12


def bare(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


# This module is the URLconf of the run: the bare view beside the app's own URLs.
urlpatterns = [path("bare", bare), path("", include("config.urls"))]


def environ(path_info: str, token: str = "") -> dict[str, Any]:
    env: dict[str, Any] = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path_info,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_X_FORWARDED_PROTO": "https",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if token:
        env["HTTP_AUTHORIZATION"] = f"Token {token}"
    return env


def call(handler: WSGIHandler, env: dict[str, Any]) -> str:
    status = ""

    def start_response(
        line: str, headers: list[tuple[str, str]], exc_info: object = None
    ) -> Callable[[bytes], object]:
        nonlocal status
        status = line
        return lambda data: None

    body: Iterable[bytes] = handler({**env, "wsgi.input": io.BytesIO(b"")}, start_response)
    for _ in body:
        pass
    close = getattr(body, "close", None)
    if close is not None:
        close()  # request_finished, as a server does
    return status


def timed(handler: WSGIHandler, env: dict[str, Any], n: int) -> tuple[float, float]:
    """CPU and wall microseconds per request over n requests."""
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(n):
        call(handler, env)
    return (time.process_time() - cpu) / n * 1e6, (time.perf_counter() - wall) / n * 1e6


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=1000, help="per address and round")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument(
        "--each-middleware", action="store_true", help="/healthz without each layer in turn"
    )
    args = parser.parse_args(argv)

    settings.ROOT_URLCONF = __name__
    app = WSGIHandler()
    with override_settings(MIDDLEWARE=[]):
        no_middleware = WSGIHandler()
    with common.throwaway_database():
        vendor = common.vendor_name()
        # As bench/api_bench.py reads it: the second athlete's week before the last two.
        coach = common.make_roster("stack", 2, WEEKS)
        athlete = Athlete.objects.filter(coach=coach).order_by("pk")[1]
        week = Week(common.FIRST_MONDAY + timedelta(weeks=WEEKS - 2)).name
        _, token = AuthToken.objects.create(coach.user)
        connection.close()
        addresses = {
            "bare": (no_middleware, environ("/bare")),
            "healthz, no middleware": (no_middleware, environ("/healthz")),
            "healthz": (app, environ("/healthz")),
            "ping": (app, environ("/api/v1/ping/", token)),
            "week": (app, environ(f"/api/v1/athletes/{athlete.pk}/weeks/{week}/", token)),
        }
        layers = settings.MIDDLEWARE if args.each_middleware else []
        for layer in layers:
            if layer.endswith("SessionMiddleware"):
                continue  # authentication cannot run without it
            with override_settings(MIDDLEWARE=[m for m in settings.MIDDLEWARE if m != layer]):
                addresses[f"healthz without {layer.rsplit('.', 1)[-1]}"] = (
                    WSGIHandler(),
                    environ("/healthz"),
                )
        for name, (handler, env) in addresses.items():
            status = call(handler, env)
            if not status.startswith("200"):
                raise SystemExit(f"{name} answered {status}")
            timed(handler, env, max(1, args.requests // 10))  # warm up
        cpu: dict[str, list[float]] = {name: [] for name in addresses}
        wall: dict[str, list[float]] = {name: [] for name in addresses}
        for _ in range(args.rounds):
            for name, (handler, env) in addresses.items():
                c, w = timed(handler, env, args.requests)
                cpu[name].append(c)
                wall[name].append(w)
        connection.close()

    def median(values: dict[str, list[float]], name: str) -> float:
        return statistics.median(values[name])

    print(f"### Where a request's time goes, in-process ({vendor})\n")
    print(f"- command: `{common.command()}`")
    print(
        f"- WSGI calls without a server, DEBUG off; {args.rounds} rounds of {args.requests:,} "
        "requests per address, turn about; medians of the rounds; load average "
        "{:.2f} {:.2f} {:.2f} at the end\n".format(*os.getloadavg())
    )
    print("| address | CPU us/request | wall us/request |")
    print("| --- | ---: | ---: |")
    for name in addresses:
        print(f"| {name} | {median(cpu, name):,.0f} | {median(wall, name):,.0f} |")
    if layers:
        print("\n| middleware | what it costs /healthz: CPU us/request |")
        print("| --- | ---: |")
        for name in addresses:
            if name.startswith("healthz without "):
                saved = median(cpu, "healthz") - median(cpu, name)
                print(f"| {name.removeprefix('healthz without ')} | {saved:,.0f} |")
    print("\n| cost ratio (goal: at most 2x, i.e. >= 0.5x the requests/s) | CPU | wall |")
    print("| --- | ---: | ---: |")
    for upper, lower in (("healthz", "bare"), ("ping", "healthz"), ("week", "ping")):
        print(
            f"| {upper} / {lower} | {median(cpu, upper) / median(cpu, lower):.2f}x "
            f"| {median(wall, upper) / median(wall, lower):.2f}x |"
        )
    print()


if __name__ == "__main__":
    main()
