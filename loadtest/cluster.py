"""A real multi-server deployment, from the project's own files: nginx (Debian's, installed when
missing) terminating TLS with a throw-away certificate and balancing round-robin over two
gunicorn app servers in production mode, on a PostgreSQL database of its own, with Redis.
Through the balancer it checks:

- a login made on one app server holds on the other; the coach's pages, the phone pages and the
  API answer; static files come hashed and compressed;
- the API throttle counts across both servers (Redis);
- lock-out by real client address (clients bound to 127.0.0.2, 127.0.0.3, ...): five failures
  lock out that address only, and a client sending its own X-Forwarded-For cannot escape;
- one app server killed (SIGKILL) under mixed load: GETs fail over, sets retried with the same
  client_id are stored once each, and the server rejoins when started again.

    .venv/bin/python loadtest/cluster.py --seconds 30

Needs root for apt-get when nginx is missing. The database (--database, default
ironstride_cluster on the server of DATABASE_URL) is created and dropped; the Redis database of
--redis-url is emptied (FLUSHDB) before and after. Traffic goes to 127.x addresses only."""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import traceback
from collections import Counter
from pathlib import Path

import harness
from harness import Browser, log

NGINX_CONF = """\
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 512; }}
http {{
    # Which app server answered (the last of $upstream_addr; a retried request names both).
    log_format upstreams '$msec $remote_addr $request_method $uri $status '
                         '"$upstream_addr" "$upstream_status"';
    access_log {tmp}/access.log upstreams;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    proxy_max_temp_file_size 0;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;

    upstream ironstride {{
        # Round-robin; a server that failed is left out for 2 s, then tried again.
{servers}
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{tls_port} ssl;
        ssl_certificate {tmp}/cert.pem;
        ssl_certificate_key {tmp}/key.pem;
        client_max_body_size 1m;
        location / {{
            proxy_pass http://ironstride;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto https;
            # A GET that found a server gone goes to the next one; a POST never does (it may
            # have been stored): the client sends it again with the same client_id.
            proxy_next_upstream error timeout http_502 http_503;
            proxy_connect_timeout 2s;
            # For this test only: which server answered.
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""


# ---------------------------------------------------------------------------- infrastructure


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
    if found:
        return found
    log("nginx is missing: apt-get install -y nginx")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    install = sudo + ["apt-get", "install", "-y", "-q", "nginx"]
    if subprocess.run(install, capture_output=True, timeout=600).returncode != 0:
        harness.run(sudo + ["apt-get", "update", "-q"], timeout=600)
        harness.run(install, timeout=600)
    return shutil.which("nginx") or "/usr/sbin/nginx"


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def self_signed_certificate(tmp: Path) -> None:
    harness.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-keyout", str(tmp / "key.pem"), "-out", str(tmp / "cert.pem")]
        + ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
    )


class Nginx:
    """nginx as a process of its own (not the system service): its config, pid file, logs and
    temporary files in `tmp`, in the foreground so that stopping it is a signal."""

    def __init__(self, binary: str, tmp: Path, tls_port: int, app_ports: list[int]):
        self.tmp = tmp
        servers = "\n".join(
            f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=2s;" for port in app_ports
        )
        self.conf = tmp / "nginx.conf"
        self.conf.write_text(NGINX_CONF.format(tmp=tmp, tls_port=tls_port, servers=servers))
        self.cmd = [binary, "-p", str(tmp), "-e", str(tmp / "error.log"), "-c", str(self.conf)]
        self.tls_port = tls_port
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Nginx:
        harness.run([*self.cmd, "-t"])
        self.process = subprocess.Popen(
            [*self.cmd, "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 20
        while port_is_free(self.tls_port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"nginx did not start:\n{self.error_log()}")
            time.sleep(0.1)
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGQUIT)  # finish the requests in flight
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def error_log(self) -> str:
        path = self.tmp / "error.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def access_log(self) -> list[tuple[float, str, str, int, list[str]]]:
        """(time, method, path, status, upstreams tried) per request."""
        entries = []
        pattern = re.compile(r'^(\S+) \S+ (\S+) (\S+) (\d+) "([^"]*)" "[^"]*"$')
        for line in (self.tmp / "access.log").read_text(errors="replace").splitlines():
            match = pattern.match(line)
            if match:
                tried = [u.strip() for u in re.split(r"[,:] ", match[5]) if u.strip() != "-"]
                entries.append(
                    (float(match[1]), match[2], match[3], int(match[4]), [u for u in tried if u])
                )
        return entries


def flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url, socket_timeout=5).flushdb()


# ---------------------------------------------------------------------------- checks


class Checks:
    def __init__(self) -> None:
        self.failures: list[str] = []

    def expect(self, condition: bool, what: str, seen: object = "") -> bool:
        log(f"{'ok  ' if condition else 'FAIL'} {what}" + (f" ({seen})" if seen != "" else ""))
        if not condition:
            self.failures.append(f"{what}: {seen}")
        return condition


def upstream(page: harness.Page) -> str:
    return page.headers.get("x-upstream", "").split(",")[-1].strip()


HASHED_STATIC = re.compile(r'(?:href|src)="(/static/[\w/.-]+\.[0-9a-f]{12}\.(?:css|js))"')


def check_sessions_and_pages(checks: Checks, tls_port: int, app_ports: list[int]) -> None:
    log("-- a login holds on every app server; pages, phone pages, API and static files")
    coach = Browser(tls_port, tls=True, source="127.0.0.2")
    login = coach.login("coach", "ironstride-demo")
    checks.expect(login.status == 302, "coach logs in through the balancer", login.status)
    answers = [coach.get("/dashboard/") for _ in range(6)]
    checks.expect(
        all(a.status == 200 for a in answers), "dashboard 6 times", [a.status for a in answers]
    )
    served_by = {upstream(a) for a in answers}
    checks.expect(len(served_by) == 2, "both app servers served the session", sorted(served_by))
    for port in app_ports:  # straight at each app server, with the same cookie
        direct = Browser(port)
        direct.cookies = dict(coach.cookies)
        page = direct.get("/dashboard/")
        checks.expect(page.status == 200, f"the session is valid on 127.0.0.1:{port}", page.status)
    for path in ("/roster/", "/api/docs/"):
        page = coach.get(path)
        checks.expect(page.status == 200, f"coach GET {path}", page.status)
    week_links = re.findall(r'href="(/athletes/\d+/week/[^"]+)"', answers[0].text)
    checks.expect(bool(week_links), "the dashboard links the athletes' weeks")
    if week_links:
        page = coach.get(week_links[0])
        checks.expect(page.status == 200, f"coach GET {week_links[0]}", page.status)

    athlete = Browser(tls_port, tls=True, source="127.0.0.2")
    login = athlete.login("anna", "athlete-demo")
    checks.expect(login.status == 302, "athlete logs in through the balancer", login.status)
    for path in ("/me/", "/me/week/", "/me/history/", "/sw.js", "/manifest.webmanifest"):
        page = athlete.get(path)
        checks.expect(page.status == 200, f"athlete GET {path}", page.status)

    api = harness.Client(tls_port, tls=True, source="127.0.0.2")
    reply = api.request(
        "POST", "/api/v1/auth/token/", {"username": "coach", "password": "ironstride-demo"}
    )
    checks.expect(reply.status == 200, "API token for the coach", reply.status)
    if reply.status == 200 and isinstance(reply.body, dict):
        api.token = reply.body["token"]
        for path in ("/api/v1/me/", "/api/v1/athletes/", "/api/v1/violations/?week=2026-W48"):
            answer = api.request("GET", path)
            checks.expect(answer.status == 200, f"API GET {path}", answer.status)
    api.close()

    assets = sorted(set(HASHED_STATIC.findall(answers[0].text)))
    checks.expect(len(assets) >= 3, "the dashboard names hashed static files", assets)
    for asset in assets:
        page = coach.get(asset, {"Accept-Encoding": "gzip, br"})
        checks.expect(
            page.status == 200
            and page.headers.get("content-encoding") in {"gzip", "br"}
            and "immutable" in page.headers.get("cache-control", ""),
            f"{asset} compressed and cached for good",
            f"{page.status} {page.headers.get('content-encoding')} "
            f"{page.headers.get('cache-control')}",
        )

    logout = coach.post_form("/logout/", {})
    checks.expect(logout.status == 302, "log out (a POST with the CSRF token)", logout.status)
    after = [coach.get("/dashboard/").status for _ in range(2)]
    checks.expect(after == [302, 302], "logged out on both app servers", after)


def check_throttle(checks: Checks, tls_port: int, limit: int) -> None:
    log(f"-- the anonymous API throttle ({limit}/min) counts across both app servers")
    client = Browser(tls_port, tls=True, source="127.0.0.9")
    statuses: list[int] = []
    servers: Counter[str] = Counter()
    for _ in range(limit + 5):
        page = client.request(
            "POST", "/api/v1/auth/token/", b"{}", {"Content-Type": "application/json"}
        )
        statuses.append(page.status)
        servers[upstream(page)] += 1
    checks.expect(len(servers) == 2, "round-robin over both app servers", dict(servers))
    checks.expect(
        statuses == [400] * limit + [429] * 5,
        f"{limit} answered, then 429 from either server",
        statuses,
    )


def check_lockout(checks: Checks, tls_port: int, limit: int) -> None:
    log("-- lock-out by real client address behind the balancer")
    attacker = Browser(tls_port, tls=True, source="127.0.0.3")
    tries = [attacker.login("coach", f"wrong-{n}") for n in range(limit)]
    statuses = [t.status for t in tries]
    checks.expect(
        statuses == [200] * (limit - 1) + [429],
        f"{limit} failures from 127.0.0.3 lock it out",
        statuses,
    )
    checks.expect(len({upstream(t) for t in tries}) == 2, "the failures landed on both app servers")
    right = attacker.login("coach", "ironstride-demo")
    checks.expect(right.status == 429, "locked: the right password from 127.0.0.3", right.status)
    forged = [
        attacker.login("coach", "ironstride-demo", {"X-Forwarded-For": f"1.2.3.{n}"}).status
        for n in range(1, 6)
    ]
    checks.expect(forged == [429] * 5, "a forged X-Forwarded-For (fresh each try)", forged)
    token = harness.Client(tls_port, tls=True, source="127.0.0.3").request(
        "POST", "/api/v1/auth/token/", {"username": "coach", "password": "ironstride-demo"}
    )
    checks.expect(token.status == 429, "locked on the API too", token.status)

    someone_else = Browser(tls_port, tls=True, source="127.0.0.4")
    login = someone_else.login("coach", "ironstride-demo")
    checks.expect(login.status == 302, "coach still logs in from 127.0.0.4", login.status)
    page = someone_else.get("/dashboard/")
    checks.expect(page.status == 200, "and sees the dashboard", page.status)
    again = attacker.login("coach", "ironstride-demo", {"X-Forwarded-For": "1.2.3.99"})
    checks.expect(again.status == 429, "127.0.0.3 is still locked out after that", again.status)


class PageReader(threading.Thread):
    """A logged-in browser reading pages through the balancer until `stop` is set; counts what
    it saw, per status (0: no answer)."""

    def __init__(self, browser: Browser, paths: list[str], stop: threading.Event):
        super().__init__(daemon=True)
        self.browser, self.paths, self.stop = browser, paths, stop
        self.statuses: Counter = Counter()

    def run(self) -> None:
        while not self.stop.is_set():
            for path in self.paths:
                try:
                    status = self.browser.get(path).status
                except OSError:
                    status = 0
                self.statuses[status] += 1


def check_failover(
    checks: Checks, args, tls_port: int, servers: list[harness.Gunicorn], nginx: Nginx
) -> None:
    log(f"-- one app server killed under mixed load ({args.seconds:.0f} s)")
    athletes = harness.seed(args.athletes)
    from django.db import connections

    connections.close_all()
    options = {"tls": True, "source": "127.0.0.10"}
    tokens = harness.get_tokens(tls_port, [a.username for a in athletes], parallel=2, **options)
    stop = threading.Event()
    readers = []
    for source, (username, password, paths) in enumerate(
        [
            ("coach", "ironstride-demo", ["/dashboard/", "/roster/", "/api/v1/athletes/"]),
            ("ben", "athlete-demo", ["/me/", "/me/week/", "/api/v1/me/"]),
        ],
        start=5,
    ):
        browser = Browser(tls_port, tls=True, source=f"127.0.0.{source}")
        checks.expect(browser.login(username, password).status == 302, f"{username} logs in")
        readers.append(PageReader(browser, paths, stop))
    started = time.time()
    outcome, threads = harness.start_athletes(
        tls_port,
        tokens,
        athletes,
        args.seconds,
        drain_seconds=30,
        client_options={"tls": True, "source": "127.0.0.11"},
    )
    for reader in readers:
        reader.start()
    victim = servers[0]
    time.sleep(args.seconds / 3)
    killed_at = time.time()
    victim.kill()
    log(f"SIGKILL to the app server on 127.0.0.1:{victim.port}")
    time.sleep(args.down_seconds)
    restarting_at = time.time()
    victim.start()
    back_at = time.time()
    log(f"started again on 127.0.0.1:{victim.port} ({back_at - killed_at:.1f} s after the kill)")
    # Long enough after its return for the balancer to try it again (fail_timeout 2 s).
    time.sleep(max(0.0, started + args.seconds - time.time()) + 6)
    stop.set()
    harness.join_athletes(outcome, threads, bound=60)
    for reader in readers:
        reader.join(timeout=30)

    page_counts = sum((r.statuses for r in readers), Counter())
    counts = outcome.status_counts()
    harness.print_counts("answers to the simulated athletes (API):", counts)
    log(f"answers to the page readers: {dict(page_counts)}")
    week_failures = sum(
        n for (kind, status), n in counts.items() if kind == "week" and status != 200
    )
    page_failures = sum(n for status, n in page_counts.items() if status != 200)
    set_failures = sum(
        n
        for (kind, status), n in counts.items()
        if kind in {"set", "retry", "replay"} and status not in {200, 201}
    )
    stored_failures, figures = harness.check_stored_sets(outcome)

    entries = [e for e in nginx.access_log() if e[0] >= started]
    victim_addr = f"127.0.0.1:{victim.port}"
    windows = {
        "before the kill": lambda t: t < killed_at,
        "while it was down": lambda t: killed_at + 0.5 <= t < restarting_at,
        "after it was back": lambda t: t >= back_at + 2.5,
    }
    # Answered: by the last server tried, unless nginx itself answered 502/504 (none could).
    answered = [e for e in entries if e[4] and e[3] not in {502, 504}]
    per_window = {
        name: Counter(e[4][-1] for e in answered if within(e[0]))
        for name, within in windows.items()
    }
    failed_over = [e for e in entries if len(e[4]) > 1]
    failed_over_gets = [e for e in failed_over if e[1] == "GET"]

    total = sum(counts.values()) + sum(page_counts.values())
    print("    report:")
    for label, value in {
        "requests (API load + pages)": total,
        "GET failures seen by clients": week_failures + page_failures,
        "set POST failures seen by clients before their retry": set_failures,
        "sets sent (distinct client_ids)": len(outcome.sent),
        **figures,
        "GETs nginx passed to the next server": len(failed_over_gets),
        "other requests nginx passed on (refused before sent)": len(failed_over)
        - len(failed_over_gets),
        **{f"answered per server, {name}": dict(c) for name, c in per_window.items()},
    }.items():
        print(f"      {label}: {value}")

    checks.expect(total > 0 and bool(outcome.sent), "load was generated", total)
    checks.expect(week_failures + page_failures == 0, "no GET failed: the balancer retried them")
    checks.expect(
        # A request refused before it reached the dead server (any method) moves on too.
        bool(failed_over),
        "nginx passed requests to the live server",
        f"{len(failed_over_gets)} GETs, {len(failed_over) - len(failed_over_gets)} others",
    )
    checks.expect(not stored_failures, "every set stored once", stored_failures)
    checks.expect(
        figures["sets stored with a client_id"] == len(outcome.sent),
        "sets stored == distinct client_ids sent",
        f"{figures['sets stored with a client_id']} / {len(outcome.sent)}",
    )
    checks.expect(
        not outcome.problems, "no problem seen by the simulated athletes", outcome.problems
    )
    before, down, after = per_window.values()
    checks.expect(len(before) == 2, "both servers answered before the kill", dict(before))
    checks.expect(
        down[victim_addr] == 0, "the killed server answered nothing while down", dict(down)
    )
    checks.expect(after[victim_addr] > 0, "the restarted server answers again", dict(after))


# ---------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30, help="length of the mixed load")
    parser.add_argument("--down-seconds", type=float, default=3, help="how long it stays killed")
    parser.add_argument("--athletes", type=int, default=4, help="simulated athletes logging sets")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    parser.add_argument("--tls-port", type=int, default=18443)
    parser.add_argument("--app-ports", type=int, nargs=2, default=[18001, 18002])
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/7")
    parser.add_argument("--database", default="ironstride_cluster")
    parser.add_argument("--throttle", type=int, default=10, help="anonymous API calls a minute")
    args = parser.parse_args()
    harness.install_hard_limit(args.seconds + 300)

    ports = [args.tls_port, *args.app_ports]
    busy = [port for port in ports if not port_is_free(port)]
    if busy:
        log(f"ports {busy} are taken on 127.0.0.1")
        return 2
    binary = nginx_binary()
    server_url = os.environ.get("DATABASE_URL") or harness.DEFAULT_PG_URL
    checks = Checks()
    flush_redis(args.redis_url)
    with contextlib.ExitStack() as stack:
        stack.callback(flush_redis, args.redis_url)
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="ironstride-cluster-")))
        tmp.chmod(0o755)  # nginx's workers read nothing here, but may need its temp dirs
        url = stack.enter_context(harness.throwaway_pg_database(server_url, args.database))
        env = {
            "PRODUCTION": "1",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": url,
            "REDIS_URL": args.redis_url,
            "TRUSTED_PROXY_COUNT": "1",
            "STATIC_ROOT": str(tmp / "static"),
            "API_THROTTLE_ANON": f"{args.throttle}/min",
            "API_THROTTLE_USER": harness.THROTTLE_ENV["API_THROTTLE_USER"],
            "LOG_LEVEL": "WARNING",
        }
        started = time.monotonic()
        harness.setup_django(env)  # migrates
        from django.core.management import call_command
        from django.db import connections

        call_command("seed_demo", stdout=io.StringIO())
        call_command("collectstatic", interactive=False, verbosity=0)
        connections.close_all()
        log(
            f"{args.database}: migrated, demo seeded, static collected "
            f"({time.monotonic() - started:.1f} s)"
        )
        self_signed_certificate(tmp)
        servers = [
            stack.enter_context(harness.Gunicorn(env, workers=args.workers, port=port))
            for port in args.app_ports
        ]
        nginx = stack.enter_context(Nginx(binary, tmp, args.tls_port, args.app_ports))
        log(
            f"nginx https://127.0.0.1:{args.tls_port} over gunicorn on "
            + ", ".join(f"127.0.0.1:{s.port}" for s in servers)
            + f" ({args.workers} workers each)"
        )
        try:
            check_sessions_and_pages(checks, args.tls_port, args.app_ports)
            check_throttle(checks, args.tls_port, args.throttle)
            check_lockout(checks, args.tls_port, limit=5)
            check_failover(checks, args, args.tls_port, servers, nginx)
        except Exception as error:  # a check that could not go on: reported, then cleaned up
            log(traceback.format_exc())
            checks.failures.append(f"{type(error).__name__}: {error}")
        finally:
            logs = {f"127.0.0.1:{s.port}": s.log_counts() for s in servers}
            for name, figures in logs.items():
                print(f"    server log {name}: {figures}")
                checks.expect(figures["tracebacks"] == 0, f"no traceback on {name}", figures)
            errors = [
                line
                for line in nginx.error_log().splitlines()
                if "[emerg]" in line or "[alert]" in line
            ]
            checks.expect(not errors, "nginx logged no emergency", errors[:3])
    return harness.finish(checks.failures, "cluster")


if __name__ == "__main__":
    import sys

    sys.exit(harness.guarded(main))
