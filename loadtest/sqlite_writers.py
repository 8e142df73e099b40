"""SQLite under concurrent writers, on a database file (not the tests' in-memory database).

Three phases of --seconds each, on a fresh temporary file (SQLITE_PATH):
1. service: --threads threads in this process log sets at once through workouts.services.log_set,
   two threads per lift session, so they race for the same free sets;
2. http: --threads simulated athletes (two per athlete) read their week and log sets through a
   gunicorn with --workers processes on the same file;
3. runserver: the same through `manage.py runserver` as `make run` starts it (one process, a
   thread per request), where the writers are threads of one process again.
Passes when no error reached a caller (no exception, no non-2xx, nothing about "database is
locked" in the server log), every logged set is stored once, and no client_id is doubled.

    .venv/bin/python loadtest/sqlite_writers.py --seconds 30"""

import argparse
import shutil
import sys
import tempfile
import threading
import time
import uuid
from decimal import Decimal
from pathlib import Path

import harness
from harness import Outcome, Record, Reply, log

PHASES = ("service", "http", "runserver")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30, help="length of each phase")
    # 16: with 8, SQLite's own polling wait was fair enough; with 16 it starved some writers up
    # to the busy timeout until they took turns (athletes/transactions.py, write_turn).
    parser.add_argument("--threads", type=int, default=16, help="concurrent writers")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument(
        "--phase", choices=["all", *PHASES], action="append", help="repeatable; default: all"
    )
    args = parser.parse_args()
    asked = set(args.phase or ["all"])
    chosen = [phase for phase in PHASES if phase in asked or "all" in asked]
    harness.install_hard_limit(len(chosen) * args.seconds + 600)

    folder = Path(tempfile.mkdtemp(prefix="ironstride-sqlite-"))
    failures: list[str] = []
    try:
        path = folder / "load.sqlite3"
        env = {"SQLITE_PATH": str(path), "DATABASE_URL": "", "DEBUG": "0", **harness.THROTTLE_ENV}
        harness.setup_django(env)
        # Two writers per athlete's session; each phase gets sessions of its own, so the
        # next does not start with sessions the one before filled with thousands of sets.
        per_phase = max(1, args.threads // 2)
        athletes = harness.seed(len(PHASES) * per_phase)
        log(f"{path} migrated and seeded; {args.threads} writers, {args.seconds:.0f} s a phase")
        phases = {
            phase: athletes[n * per_phase : (n + 1) * per_phase] for n, phase in enumerate(PHASES)
        }
        writers = {
            phase: [seeded[n % len(seeded)] for n in range(args.threads)]
            for phase, seeded in phases.items()
        }
        sent: frozenset[str] = frozenset()
        if "service" in chosen:
            phase_failures, sent = service_phase(writers["service"], args.seconds)
            failures += phase_failures
        for phase in ("http", "runserver"):
            if phase in chosen:
                server = (
                    harness.Gunicorn(env, workers=args.workers)
                    if phase == "http"
                    else Runserver(env)
                )
                outcome, phase_failures = http_phase(
                    phase, server, phases[phase], writers[phase], args, sent_before=sent
                )
                failures += phase_failures
                sent |= outcome.sent
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return harness.finish(failures, "SQLite concurrent writers")


def service_phase(
    writers: list[harness.SeededAthlete], seconds: float
) -> tuple[list[str], frozenset[str]]:
    from django.db import connection

    from workouts.models import LiftSession
    from workouts.services import DoneValues, log_set

    outcome = Outcome()
    deadline = time.monotonic() + seconds

    def write(athlete: harness.SeededAthlete) -> None:
        try:
            session = LiftSession.objects.get(pk=athlete.session_id)
            while time.monotonic() < deadline:
                client_id = str(uuid.uuid4())
                with outcome.lock:
                    outcome.sent.add(client_id)
                for kind in ("set", "replay"):
                    started = time.monotonic()
                    try:
                        logged = log_set(
                            session=session,
                            client_id=uuid.UUID(client_id),
                            values=DoneValues(reps=3, load_kg=Decimal("120"), rir=1),
                        )
                    except Exception as error:  # any error here would reach a user
                        reply = Reply(0, None, started, time.monotonic(), error=str(error)[:80])
                        outcome.add(Record(kind, reply, client_id))
                        break
                    status = 201 if logged.created else 200
                    reply = Reply(status, None, started, time.monotonic())
                    outcome.add(Record(kind, reply, client_id))
                    with outcome.lock:
                        if logged.created:
                            outcome.created[client_id] = logged.lift_set.pk
                        outcome.acknowledged[client_id] = logged.lift_set.pk
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=write, args=(a,), daemon=True) for a in writers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    if any(thread.is_alive() for thread in threads):
        outcome.problem("service writers still running past their bound")
    return report("service", outcome, seconds), frozenset(outcome.sent)


class Runserver(harness.Gunicorn):
    """`make run`'s server: Django's runserver, threaded (its default), without the reloader,
    run and stopped as the harness runs gunicorn."""

    def __init__(self, env: dict[str, str]):
        super().__init__(env, workers=1)
        self.cmd = [
            sys.executable,
            "manage.py",
            "runserver",
            "--noreload",
            "--skip-checks",
            f"127.0.0.1:{self.port}",
        ]


def http_phase(
    phase, server, athletes, writers, args, sent_before: frozenset[str]
) -> tuple[Outcome, list[str]]:
    with server:
        tokens = harness.get_tokens(
            server.port, [a.username for a in athletes], parallel=args.workers
        )
        outcome, threads = harness.start_athletes(
            server.port, tokens, writers, args.seconds, drain_seconds=0
        )
        harness.join_athletes(outcome, threads, bound=args.seconds + 60)
        server.stop()
        server_log = server.log_counts()
    failures = report(phase, outcome, args.seconds, sent_before)
    for label, value in server_log.items():
        print(f"    {label}: {value}")
    if server_log["database is locked"] or server_log["tracebacks"]:
        failures.append(f"{phase}: the server log has errors: {server_log}")
    return outcome, failures


def report(
    phase: str, outcome: Outcome, seconds: float, sent_before: frozenset[str] = frozenset()
) -> list[str]:
    failures = []
    harness.print_counts(f"{phase}: answers in {seconds:.0f} s", outcome.status_counts())
    latency = harness.latency_figures(outcome.records)
    log(f"{phase}: {len(outcome.records)} calls; latency: {latency}")
    errors = [r for r in outcome.records if not r.reply.ok]
    if errors:
        first = errors[0].reply
        failures.append(
            f"{phase}: {len(errors)} errors reached the caller "
            f"(first: {first.status or ''} {first.error or first.body!r:.200})"
        )
    # A repeat of a stored client_id is "already stored" (200), never a second set (201).
    wrong_replays = [r for r in outcome.records if r.kind == "replay" and r.reply.status == 201]
    if wrong_replays:
        failures.append(f"{phase}: {len(wrong_replays)} repeats stored a second set")
    if not outcome.created:
        failures.append(f"{phase}: no set was logged")
    stored_failures, figures = harness.check_stored_sets(outcome, sent_before)
    for label, value in figures.items():
        print(f"    {label}: {value}")
    return failures + [f"{phase}: {text}" for text in stored_failures + outcome.problems]


if __name__ == "__main__":
    sys.exit(harness.guarded(main))
