"""PostgreSQL stops and starts again under load. 20 simulated athletes read their week and log
sets against gunicorn; a third of the way in, the database is stopped for --down-seconds and
started again. Passes when:

- every answer before the stop, and after the recovery bound, was 2xx;
- while it was away, every answer was 2xx or a clean JSON 503 (no 500, no other status, no
  hang: a request without an answer in 10 s is a failure);
- the app answered 2xx again within --recovery-limit seconds of the database accepting
  connections, by itself;
- every set answered 201 is in the database, and no client_id (retried with the same client_id
  after each failure, until acknowledged) is stored twice.

    .venv/bin/python loadtest/db_restart.py --seconds 60

Runs as root on a PostgreSQL cluster of its own (pg_createcluster, on a free port unless
--pg-port says; dropped at the end), so the shared server on 5432 is never restarted."""

import argparse
import sys
import time

import harness
from harness import Record, log


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    harness.common_arguments(parser, seconds=60)
    parser.add_argument("--down-seconds", type=float, default=5)
    parser.add_argument("--recovery-limit", type=float, default=10)
    parser.add_argument("--pg-port", type=int, default=0, help="default: a free port")
    parser.add_argument(
        "--stop-mode",
        choices=["fast", "immediate"],
        default="fast",
        help="fast: a clean shutdown; immediate: like a crash, recovery replays the WAL",
    )
    args = parser.parse_args()
    stop_at = max(5.0, args.seconds / 3)
    if args.seconds < stop_at + args.down_seconds + args.recovery_limit + 5:
        parser.error("--seconds is too short to see the stop, the outage and the recovery")
    harness.install_hard_limit(args.seconds + 600)

    version = harness.pg_version()
    port = args.pg_port or harness.free_port()
    failures: list[str] = []
    with harness.private_pg_cluster(version, port) as (cluster, server_url):
        log(f"private cluster {version}/{cluster} on 127.0.0.1:{port}")
        with harness.throwaway_pg_database(server_url, "ironstride_load") as url:
            env = {"DATABASE_URL": url, "DEBUG": "0", **harness.THROTTLE_ENV}
            harness.setup_django(env)
            athletes = harness.seed(args.athletes)
            from django.db import connections

            connections.close_all()  # the stop would cut it anyway
            with harness.Gunicorn(env, workers=args.workers) as server:
                tokens = harness.get_tokens(
                    server.port, [a.username for a in athletes], parallel=args.workers
                )
                log(
                    f"gunicorn on 127.0.0.1:{server.port} ({args.workers} workers); "
                    f"{len(athletes)} athletes for {args.seconds:.0f} s, "
                    f"PostgreSQL stops at {stop_at:.0f} s for {args.down_seconds:.0f} s"
                )
                load_started = time.monotonic()
                outcome, threads = harness.start_athletes(
                    server.port, tokens, athletes, args.seconds, drain_seconds=30
                )
                time.sleep(stop_at)
                stop_begun = time.monotonic()
                harness.pg_ctl(version, cluster, "stop", "-m", args.stop_mode)
                stopped = time.monotonic()
                log(f"PostgreSQL stopped ({stopped - stop_begun:.1f} s)")
                time.sleep(args.down_seconds)
                start_begun = time.monotonic()
                harness.pg_ctl(version, cluster, "start")
                harness.wait_pg_ready(port)
                up = time.monotonic()
                log(f"PostgreSQL accepting connections again ({up - start_begun:.1f} s to start)")
                # A slow start must not leave too little load after the recovery bound to judge.
                at_least = up + args.recovery_limit + 5
                for thread in threads:
                    thread.deadline = max(thread.deadline, at_least)
                harness.join_athletes(outcome, threads, bound=args.seconds + 90)
                elapsed = time.monotonic() - load_started
                server.stop()
                server_log = server.log_counts()

            report = judge(outcome.records, stop_begun, up, args.recovery_limit)
            failures += report.failures
            harness.print_counts(f"responses in {elapsed:.1f} s:", outcome.status_counts())
            log(
                f"outage: stop issued at {stop_begun - load_started:.1f} s, database back at "
                f"{up - load_started:.1f} s (down {up - stop_begun:.1f} s)"
            )
            for label, value in report.figures.items():
                print(f"    {label}: {value}")
            stored_failures, figures = harness.check_stored_sets(outcome)
            late = sum(1 for cid in outcome.acknowledged if cid not in outcome.created)
            figures["sets first acknowledged by a 200 (stored, answer lost)"] = late
            for label, value in {**figures, **server_log}.items():
                print(f"    {label}: {value}")
            # With the outage handled as a 503 the log stays quiet; tracebacks mean some path
            # crashed through it (each would be a 500 without handler500's net).
            if server_log["tracebacks"]:
                failures.append(f"{server_log['tracebacks']} tracebacks in the server log")
            failures += stored_failures + outcome.problems
            if not outcome.created:
                failures.append("no set was logged")
    return harness.finish(failures, "database restart")


class Judgement:
    def __init__(self):
        self.failures: list[str] = []
        self.figures: dict[str, object] = {}


def judge(records: list[Record], stop_begun: float, up: float, limit: float) -> Judgement:
    result = Judgement()
    before = [r for r in records if r.reply.ended < stop_begun]
    after = [r for r in records if r.reply.started > up + limit]
    during = [r for r in records if r not in before and r not in after]
    unavailable = [r for r in during if r.reply.status == 503]
    unclean = [r for r in during if not r.reply.ok and not clean_503(r)]
    for label, group in (("before the stop", before), ("after the recovery bound", after)):
        bad = [r for r in group if not r.reply.ok]
        if bad:
            result.failures.append(f"{len(bad)} non-2xx {label} (first: {describe(bad[0])})")
        if not group:
            result.failures.append(f"no request {label}: the run was too short to judge")
    if unclean:
        result.failures.append(
            f"{len(unclean)} answers during the outage were neither 2xx nor a clean 503 "
            f"(first: {describe(unclean[0])})"
        )
    if not unavailable:
        result.failures.append("no 503 during the outage: the restart was not seen")

    first_ok = min(
        (r.reply.ended for r in records if r.reply.ok and r.reply.started >= up), default=None
    )
    failed_after_up = [r.reply.ended for r in records if not r.reply.ok and r.reply.ended >= up]
    if first_ok is None or first_ok - up > limit:
        result.failures.append(f"no 2xx within {limit:.0f} s of the database coming back")
    slowest = max((r.reply.ended - r.reply.started for r in records), default=0.0)
    result.figures = {
        "requests before / during / after the outage": (
            f"{len(before)} / {len(during)} / {len(after)}"
        ),
        "503 during the outage": len(unavailable),
        "unclean answers during the outage": len(unclean),
        "recovery (database up -> first 2xx started after it)": (
            f"{first_ok - up:.2f} s" if first_ok is not None else "never"
        ),
        "last non-2xx after the database was up": (
            f"{max(failed_after_up) - up:.2f} s after" if failed_after_up else "none"
        ),
        "slowest answer": f"{slowest:.2f} s",
    }
    return result


def clean_503(record: Record) -> bool:
    """What a client can act on: 503, JSON, saying the service is unavailable."""
    body = record.reply.body
    return (
        record.reply.status == 503
        and "application/json" in record.reply.content_type
        and isinstance(body, dict)
        and body.get("status") == "unavailable"
    )


def describe(record: Record) -> str:
    reply = record.reply
    return f"{record.kind} {reply.status or reply.error} {reply.body!r:.200}"


if __name__ == "__main__":
    sys.exit(harness.guarded(main))
