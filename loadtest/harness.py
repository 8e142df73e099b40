"""What the load and fault scripts share: throw-away databases, a gunicorn on loopback, seeded
athletes with a published deadlift week, simulated athletes over HTTP, and the checks on the
stored sets afterwards.

Every script is bounded (a hard alarm on top of its own deadlines), talks to 127.0.0.1 only,
and stops every process it started in a `finally`, also when interrupted."""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/postgres"
PASSWORD = "loadtest-athlete-pw"
CLIENT_TIMEOUT_SECONDS = 10.0
# High enough that 20 athletes hammering one server are never throttled (the throttle is not
# what these scripts measure); per minute, per user / per address.
THROTTLE_ENV = {"API_THROTTLE_USER": "1000000/min", "API_THROTTLE_ANON": "1000000/min"}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# ---------------------------------------------------------------------------- bounds


class Aborted(Exception):
    pass


def install_hard_limit(seconds: float) -> None:
    """SIGALRM after `seconds` and SIGTERM both raise in the main thread, so the `finally`
    blocks that stop gunicorn and drop databases still run."""

    def stop(signum, frame):
        raise Aborted(f"stopped by signal {signal.Signals(signum).name}")

    signal.signal(signal.SIGALRM, stop)
    signal.signal(signal.SIGTERM, stop)
    signal.alarm(int(seconds))


def guarded(main) -> int:
    """Exit status of `main`, or 2 when the hard limit or a signal stopped it (its `finally`
    blocks have run by then)."""
    try:
        return main()
    except Aborted as error:
        log(f"aborted: {error}")
        return 2


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(cmd: list[str], timeout: float = 120, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{result.stdout}{result.stderr}")
    return result


# ---------------------------------------------------------------------------- databases


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


@contextlib.contextmanager
def throwaway_pg_database(server_url: str, name: str) -> Iterator[str]:
    """A fresh database on the server of `server_url`, dropped afterwards (also when sessions
    are still connected to it)."""
    import psycopg

    admin_url = with_database(server_url, "postgres")

    def admin(sql: str) -> None:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=10) as conn:
            conn.execute(sql)

    admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin(f'CREATE DATABASE "{name}"')
    try:
        yield with_database(server_url, name)
    finally:
        try:
            admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        except Exception as error:  # the report matters more than a leftover database
            log(f"could not drop database {name}: {error}")


def pg_version() -> str:
    versions = sorted(os.listdir("/usr/lib/postgresql"), key=lambda v: float(v))
    if not versions:
        raise RuntimeError("no PostgreSQL under /usr/lib/postgresql")
    return versions[-1]


def pg_ctl(version: str, cluster: str, action: str, *extra: str, timeout: float = 60) -> None:
    run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, cluster, action, *extra],
        timeout=timeout,
    )


def pg_ready(port: int) -> bool:
    result = subprocess.run(
        ["pg_isready", "-h", "127.0.0.1", "-p", str(port), "-q", "-t", "2"],
        capture_output=True,
        timeout=10,
    )
    return result.returncode == 0


def wait_pg_ready(port: int, timeout: float = 60) -> float:
    """Seconds until PostgreSQL on `port` accepts connections."""
    started = time.monotonic()
    while not pg_ready(port):
        if time.monotonic() - started > timeout:
            raise RuntimeError(f"PostgreSQL on port {port} not ready after {timeout:.0f} s")
        time.sleep(0.1)
    return time.monotonic() - started


CLUSTER_PREFIX = "ironstride_load_"


def drop_orphaned_clusters(version: str) -> None:
    """Clusters this script made in runs that were killed before their `finally`: named after
    the run's pid, dropped once that process is gone. Other clusters are never touched."""
    listing = run(["pg_lsclusters", "--no-header"], check=False).stdout.splitlines()
    for line in listing:
        fields = line.split()
        if len(fields) < 2 or fields[0] != version or not fields[1].startswith(CLUSTER_PREFIX):
            continue
        pid = fields[1].removeprefix(CLUSTER_PREFIX)
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            log(f"dropping orphaned cluster {version}/{fields[1]}")
            run(["pg_dropcluster", "--stop", version, fields[1]], check=False)


@contextlib.contextmanager
def private_pg_cluster(version: str, port: int) -> Iterator[tuple[str, str]]:
    """A PostgreSQL cluster of our own (trust auth, loopback), so restarting it never cuts
    anyone else's connections; dropped with its data afterwards. Yields (name, server URL)."""
    drop_orphaned_clusters(version)
    name = f"{CLUSTER_PREFIX}{os.getpid()}"
    if pg_ready(port):
        raise RuntimeError(f"port {port} is taken by another server; pick another --pg-port")
    run(
        ["pg_createcluster", version, name, "-p", str(port), "--start-conf", "manual"]
        + ["--", "--auth=trust"]
    )
    try:
        pg_ctl(version, name, "start")
        wait_pg_ready(port)
        yield name, f"postgres://postgres@127.0.0.1:{port}/postgres"
    finally:
        result = run(["pg_dropcluster", "--stop", version, name], check=False)
        if result.returncode != 0:
            log(f"could not drop cluster {version}/{name}: {result.stderr.strip()}")


# ---------------------------------------------------------------------------- django


def setup_django(env: dict[str, str]) -> None:
    """Point this process's Django at the throw-away database and migrate it."""
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


@dataclass(frozen=True)
class SeededAthlete:
    username: str
    athlete_id: int
    session_id: int
    week: str


def seed(athletes: int, prescribed_sets: int = 4) -> list[SeededAthlete]:
    """A coach and `athletes` athletes, each with this week published and a deadlift in it with
    its prescribed sets (logged sets fill those first, then become extra sets)."""
    from datetime import datetime, timedelta
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from athletes.models import Athlete, Coach
    from plans.domain.weeks import Week
    from plans.models import PlanStatus, WeeklyPlan
    from workouts.models import Exercise, LiftSession, LiftSet

    User = get_user_model()
    now = timezone.now()
    monday = Week.containing(now.date()).monday
    # Wednesday 17:00 UTC of this week: inside the default training window.
    start = timezone.make_aware(
        datetime.combine(monday + timedelta(days=2), datetime.min.time())
    ) + timedelta(hours=17)
    password = make_password(PASSWORD)  # hashing is slow on purpose: one hash for everyone
    seeded = []
    with transaction.atomic():
        coach_user = User.objects.create(username="loadcoach", password=password)
        coach = Coach.objects.create(user=coach_user, time_zone="UTC")
        for number in range(athletes):
            user = User.objects.create(username=f"load{number:02d}", password=password)
            athlete = Athlete.objects.create(user=user, coach=coach, time_zone="UTC")
            session = LiftSession(athlete=athlete, start=start, exercise=Exercise.DEADLIFT)
            session.save()
            LiftSet.objects.bulk_create(
                LiftSet(
                    session=session,
                    order=order,
                    target_reps=3,
                    target_load_kg=Decimal("120"),
                    target_rir=1,
                )
                for order in range(1, prescribed_sets + 1)
            )
            WeeklyPlan.objects.filter(pk=session.plan_id).update(
                status=PlanStatus.PUBLISHED, published_at=now
            )
            seeded.append(SeededAthlete(user.username, athlete.pk, session.pk, Week(monday).name))
    return seeded


# ---------------------------------------------------------------------------- gunicorn


class Gunicorn:
    """gunicorn serving config.wsgi on 127.0.0.1 at a free port, in its own process group so
    that stopping it stops its workers too; its log goes to a file we read afterwards."""

    def __init__(self, env: dict[str, str], workers: int, timeout: int = 30, port: int = 0):
        self.port = port or free_port()
        self.log_path = Path(tempfile.mkstemp(prefix="ironstride-gunicorn-", suffix=".log")[1])
        self.env = {**os.environ, **env, "PYTHONUNBUFFERED": "1"}
        self.cmd = [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(workers),
            "--timeout",
            str(timeout),
            "--graceful-timeout",
            "10",
            "--access-logfile",
            "-",
            "--access-logformat",
            "%(m)s %(U)s %(s)s %(M)sms",
        ]
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        self.start()
        return self

    def start(self) -> None:
        """Start (again, after a stop or a kill; the log goes on in the same file)."""
        with self.log_path.open("a") as out:
            self.process = subprocess.Popen(
                self.cmd,
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            self._wait_healthy(timeout=90)
        except BaseException:
            # __exit__ does not run when __enter__ fails: stop it here.
            self.stop()
            self.log_path.unlink(missing_ok=True)
            raise

    def _wait_healthy(self, timeout: float) -> None:
        started = time.monotonic()
        client = Client(self.port)
        while time.monotonic() - started < timeout:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited early:\n{self.log_tail()}")
            if client.request("GET", "/healthz").status == 200:
                return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn not healthy after {timeout:.0f} s:\n{self.log_tail()}")

    def __exit__(self, *exc) -> None:
        self.stop()
        if exc[0] is not None:  # whatever went wrong, the server's side of it
            log(f"gunicorn log (last lines):\n{self.log_tail()}")
        self.log_path.unlink(missing_ok=True)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def kill(self) -> None:
        """SIGKILL to the arbiter and its workers at once: a machine gone, nothing graceful."""
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    def log_counts(self) -> dict[str, int]:
        text = self.log_text()
        return {
            "tracebacks": text.count("Traceback (most recent call last)"),
            "worker timeouts": text.count("WORKER TIMEOUT"),
            "database is locked": text.count("database is locked"),
        }


# ---------------------------------------------------------------------------- HTTP client


@dataclass(frozen=True)
class Reply:
    status: int  # 0: no HTTP answer (see error)
    body: object
    started: float  # time.monotonic()
    ended: float
    error: str = ""
    content_type: str = ""

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def connect(
    port: int, timeout: float, tls: bool = False, source: str = ""
) -> http.client.HTTPConnection:
    """A connection to 127.0.0.1:port, over TLS without verifying the certificate (a
    throw-away one) when `tls`, from the loopback address `source` when given (127.0.0.2, ...:
    each stands for another client machine)."""
    source_address = (source, 0) if source else None
    if not tls:
        return http.client.HTTPConnection(
            "127.0.0.1", port, timeout=timeout, source_address=source_address
        )
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return http.client.HTTPSConnection(
        "127.0.0.1", port, timeout=timeout, source_address=source_address, context=context
    )


class Client:
    """One keep-alive connection per simulated athlete; reconnects after any failure. As a
    TLS-terminating load balancer would, it says the original request was HTTPS (or it talks
    to the balancer itself, with `tls`)."""

    def __init__(
        self,
        port: int,
        token: str = "",
        timeout: float = CLIENT_TIMEOUT_SECONDS,
        tls: bool = False,
        source: str = "",
    ):
        self.port = port
        self.token = token
        self.timeout = timeout
        self.tls = tls
        self.source = source
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: object = None) -> Reply:
        headers = {"X-Forwarded-Proto": "https", "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        started = time.monotonic()
        try:
            if self.conn is None:
                self.conn = connect(self.port, self.timeout, self.tls, self.source)
            self.conn.request(method, path, body=payload, headers=headers)
            response = self.conn.getresponse()
            raw = response.read()
            content_type = response.getheader("Content-Type", "")
        except TimeoutError:
            self.close()
            return Reply(0, None, started, time.monotonic(), error="timeout")
        except (OSError, http.client.HTTPException) as error:
            self.close()
            return Reply(0, None, started, time.monotonic(), error=type(error).__name__)
        ended = time.monotonic()
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        try:
            parsed: object = json.loads(raw) if raw else None
        except ValueError:
            parsed = raw[:200].decode(errors="replace")
        return Reply(response.status, parsed, started, ended, content_type=content_type)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


@dataclass(frozen=True)
class Page:
    status: int
    headers: dict[str, str]  # lower-case names; the last value of a repeated header
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")


class Browser:
    """Pages as a browser gets them: it keeps its cookies (the Secure ones too: it stands behind
    TLS) and logs in through the form with its CSRF token. Over TLS to a balancer, or over plain
    HTTP to an app server saying X-Forwarded-Proto https as the balancer would; from its own
    loopback address `source` when given. A connection per request: simple, not fast."""

    def __init__(self, port: int, tls: bool = False, source: str = "", timeout: float = 30) -> None:
        self.port = port
        self.tls = tls
        self.source = source
        self.timeout = timeout
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> Page:
        sent = {"X-Forwarded-Proto": "https", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn = connect(self.port, self.timeout, self.tls, self.source)
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            content = response.read()
        finally:
            conn.close()
        for header in response.msg.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return Page(response.status, {k.lower(): v for k, v in response.getheaders()}, content)

    def get(self, path: str, headers: dict | None = None) -> Page:
        return self.request("GET", path, headers=headers)

    def post_form(self, path: str, fields: dict[str, str], headers: dict | None = None) -> Page:
        """A form POST with the CSRF token, from a page of this site (Origin)."""
        if "csrftoken" not in self.cookies:
            self.get("/login/")
        body = urlencode({**fields, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")})
        origin = f"https://127.0.0.1:{self.port}"
        sent = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": origin,
            "Referer": f"{origin}{path}",
            **(headers or {}),
        }
        return self.request("POST", path, body.encode(), sent)

    def login(self, username: str, password: str, headers: dict | None = None) -> Page:
        """302 when logged in; 200 (the form again) for a wrong password; 429 locked out.
        One request when the CSRF cookie is already there, two (the form first) otherwise."""
        return self.post_form(
            "/login/", {"username": username, "password": password}, headers=headers
        )


def get_tokens(port: int, usernames: list[str], parallel: int, **client_options) -> dict[str, str]:
    """A token per athlete through the API's login, `parallel` at a time (one per worker):
    each login hashes a password, slow on purpose, so more would only queue."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=parallel) as pool:
        tokens = list(pool.map(lambda name: get_token(port, name, **client_options), usernames))
    return dict(zip(usernames, tokens, strict=True))


def get_token(port: int, username: str, **client_options) -> str:
    # A busy machine hashes slowly; logins are not measured.
    client = Client(port, timeout=60, **client_options)
    for _ in range(5):
        reply = client.request(
            "POST", "/api/v1/auth/token/", {"username": username, "password": PASSWORD}
        )
        if reply.status == 200 and isinstance(reply.body, dict):
            return reply.body["token"]
        time.sleep(1)
    raise RuntimeError(f"no token for {username}: {reply.status} {reply.error} {reply.body}")


# ---------------------------------------------------------------------------- simulated athletes


@dataclass
class Record:
    kind: str  # "week" | "set" | "replay" | "retry"
    reply: Reply
    client_id: str = ""


@dataclass
class Outcome:
    records: list[Record] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)  # client_id -> set id (answered 201)
    acknowledged: dict[str, int] = field(default_factory=dict)  # 201 or 200
    sent: set[str] = field(default_factory=set)
    unacknowledged: set[str] = field(default_factory=set)  # gave up retrying at the end
    problems: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, record: Record) -> None:
        with self.lock:
            self.records.append(record)

    def problem(self, text: str) -> None:
        with self.lock:
            if len(self.problems) < 50:
                self.problems.append(text)

    def status_counts(self) -> Counter:
        return Counter((r.kind, r.reply.status or r.reply.error) for r in self.records)


class SimulatedAthlete(threading.Thread):
    """Loops until `deadline`: read the week, log a set with a fresh client_id, now and then
    send the same set again on purpose (a double tap). A POST that got no 2xx is sent again with
    the same client_id until it is acknowledged (201 or 200), as the phone's offline queue does;
    after the deadline it gets `drain_seconds` to empty its queue."""

    def __init__(
        self,
        port: int,
        token: str,
        athlete: SeededAthlete,
        outcome: Outcome,
        deadline: float,
        drain_seconds: float = 30,
        replay_share: float = 0.2,
        seed_number: int = 0,
        client_options: dict | None = None,
    ):
        super().__init__(daemon=True, name=f"athlete-{athlete.username}")
        self.client = Client(port, token, **(client_options or {}))
        self.athlete = athlete
        self.outcome = outcome
        self.deadline = deadline
        self.drain_seconds = drain_seconds
        self.replay_share = replay_share
        self.rng = random.Random(seed_number)

    def run(self) -> None:
        week_path = f"/api/v1/athletes/{self.athlete.athlete_id}/weeks/{self.athlete.week}/"
        while time.monotonic() < self.deadline:
            reply = self.client.request("GET", week_path)
            self.outcome.add(Record("week", reply))
            if reply.ok and not self._week_is_sane(reply.body):
                self.outcome.problem(f"{self.athlete.username}: week without its deadlift")
            elif not reply.ok:
                self._pause_after_failure()
            self._log_one_set()
            time.sleep(self.rng.uniform(0, 0.02))  # no lockstep between athletes
        self.client.close()

    def _week_is_sane(self, body: object) -> bool:
        if not isinstance(body, dict):
            return False
        return any(s.get("id") == self.athlete.session_id for s in body.get("sessions", []))

    def _pause_after_failure(self) -> None:
        time.sleep(self.rng.uniform(0.2, 0.5))

    def _log_one_set(self) -> None:
        client_id = str(uuid.uuid4())
        body = {
            "client_id": client_id,
            "reps": self.rng.randint(1, 5),
            "load_kg": float(self.rng.choice([100, 110, 120, 125])),
            "rir": self.rng.randint(0, 3),
        }
        path = f"/api/v1/lift-sessions/{self.athlete.session_id}/sets/"
        with self.outcome.lock:
            self.outcome.sent.add(client_id)
        kind = "set"
        give_up_at = self.deadline + self.drain_seconds
        while True:
            reply = self.client.request("POST", path, body)
            self.outcome.add(Record(kind, reply, client_id))
            if reply.ok:
                break
            if time.monotonic() > give_up_at:
                with self.outcome.lock:
                    self.outcome.unacknowledged.add(client_id)
                return
            kind = "retry"
            self._pause_after_failure()
        self._acknowledged(client_id, reply)
        if self.rng.random() < self.replay_share:
            # The double tap: same client_id, same values; must answer 200 with the same set.
            again = self.client.request("POST", path, body)
            self.outcome.add(Record("replay", again, client_id))
            if again.ok:
                self._acknowledged(client_id, again)

    def _acknowledged(self, client_id: str, reply: Reply) -> None:
        set_id = reply.body.get("id") if isinstance(reply.body, dict) else None
        if not isinstance(set_id, int):
            self.outcome.problem(f"{reply.status} without a set id: {reply.body!r:.200}")
            return
        with self.outcome.lock:
            known = self.outcome.acknowledged.get(client_id)
            if known is not None and known != set_id:
                self._problem(f"client_id {client_id} answered sets {known} and {set_id}")
            if reply.status == 201:
                if client_id in self.outcome.created:
                    self._problem(f"client_id {client_id} answered 201 twice")
                self.outcome.created[client_id] = set_id
            self.outcome.acknowledged[client_id] = set_id

    def _problem(self, text: str) -> None:
        # Called with the outcome's lock held.
        if len(self.outcome.problems) < 50:
            self.outcome.problems.append(text)


def start_athletes(
    port: int, tokens: dict[str, str], athletes: list[SeededAthlete], seconds: float, **kwargs
) -> tuple[Outcome, list[SimulatedAthlete]]:
    outcome = Outcome()
    deadline = time.monotonic() + seconds
    threads = [
        SimulatedAthlete(port, tokens[a.username], a, outcome, deadline, seed_number=n, **kwargs)
        for n, a in enumerate(athletes)
    ]
    for thread in threads:
        thread.start()
    return outcome, threads


def join_athletes(outcome: Outcome, threads: list[SimulatedAthlete], bound: float) -> None:
    return_by = time.monotonic() + bound
    for thread in threads:
        thread.join(timeout=max(0.1, return_by - time.monotonic()))
    stuck = [t.name for t in threads if t.is_alive()]
    if stuck:
        outcome.problem(f"simulated athletes still running past their bound: {stuck}")


# ---------------------------------------------------------------------------- checks


def check_stored_sets(
    outcome: Outcome, sent_before: frozenset[str] = frozenset()
) -> tuple[list[str], dict[str, int]]:
    """Every set answered 201 is stored under its client_id with the id the API gave; no
    client_id is stored twice; nothing is stored that no client sent (in this run or in an
    earlier phase on the same database, `sent_before`)."""
    from django.db import connections
    from django.db.models import Count

    from workouts.models import LiftSet

    connections.close_all()  # a restart may have cut this process's connection
    failures = []
    stored = {
        str(key): pk
        for key, pk in LiftSet.objects.filter(client_id__isnull=False).values_list(
            "client_id", "pk"
        )
    }
    missing = [cid for cid in outcome.created if cid not in stored]
    wrong = [cid for cid, pk in outcome.acknowledged.items() if cid in stored and stored[cid] != pk]
    doubled = list(
        LiftSet.objects.filter(client_id__isnull=False)
        .values("client_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    unknown = [cid for cid in stored if cid not in outcome.sent and cid not in sent_before]
    if missing:
        failures.append(f"{len(missing)} sets answered 201 are not in the database")
    if wrong:
        failures.append(f"{len(wrong)} client_ids are stored under another set id than answered")
    if doubled:
        failures.append(f"{len(doubled)} client_ids are stored more than once")
    if unknown:
        failures.append(f"{len(unknown)} stored client_ids were never sent")
    figures = {
        "sets answered 201": len(outcome.created),
        "client_ids acknowledged (201/200)": len(outcome.acknowledged),
        "sets stored with a client_id": len(stored),
        "missing": len(missing),
        "doubled": len(doubled),
        "never acknowledged (gave up)": len(outcome.unacknowledged),
    }
    return failures, figures


def latency_figures(records: list[Record]) -> str:
    """p50/p99/max of the 2xx answers, per kind of request."""
    parts = []
    for kind in sorted({r.kind for r in records}):
        times = sorted(
            (r.reply.ended - r.reply.started) * 1000
            for r in records
            if r.reply.ok and r.kind == kind
        )
        if times:
            p50 = times[len(times) // 2]
            p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
            parts.append(f"{kind} p50 {p50:.0f} / p99 {p99:.0f} / max {times[-1]:.0f} ms")
    return "; ".join(parts) or "no 2xx"


def print_counts(title: str, counts: Counter) -> None:
    log(title)
    for (kind, status), n in sorted(counts.items(), key=lambda item: str(item[0])):
        print(f"    {kind:7} {status!s:>16}: {n}")


def finish(failures: list[str], name: str) -> int:
    if failures:
        log(f"{name}: FAILED")
        for failure in failures:
            print(f"  - {failure}")
        return 1
    log(f"{name}: passed")
    return 0


def common_arguments(parser: argparse.ArgumentParser, seconds: float) -> None:
    parser.add_argument("--seconds", type=float, default=seconds, help="length of the load")
    parser.add_argument("--athletes", type=int, default=20, help="simulated athletes")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
