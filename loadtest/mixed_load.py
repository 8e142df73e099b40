"""Mixed load on gunicorn over PostgreSQL: 20 simulated athletes read their week and log sets
(some sent twice on purpose) for --seconds. Passes when every response was 2xx, every set
answered 201 is in the database under the id the API gave, and no client_id is stored twice.

    .venv/bin/python loadtest/mixed_load.py --seconds 60

DATABASE_URL names the PostgreSQL server (default postgres://postgres@127.0.0.1:5432/...); the
script creates its own database there and drops it at the end."""

import argparse
import os
import sys
import time

import harness
from harness import log


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    harness.common_arguments(parser, seconds=60)
    args = parser.parse_args()
    harness.install_hard_limit(args.seconds + 600)

    server_url = os.environ.get("DATABASE_URL") or harness.DEFAULT_PG_URL
    name = f"ironstride_load_{os.getpid()}"
    failures: list[str] = []
    with harness.throwaway_pg_database(server_url, name) as url:
        env = {"DATABASE_URL": url, "DEBUG": "0", **harness.THROTTLE_ENV}
        started = time.monotonic()
        harness.setup_django(env)
        athletes = harness.seed(args.athletes)
        log(f"database {name} migrated and seeded in {time.monotonic() - started:.1f} s")
        with harness.Gunicorn(env, workers=args.workers) as server:
            tokens = harness.get_tokens(
                server.port, [a.username for a in athletes], parallel=args.workers
            )
            log(
                f"gunicorn on 127.0.0.1:{server.port} ({args.workers} workers); "
                f"{len(athletes)} athletes for {args.seconds:.0f} s"
            )
            load_started = time.monotonic()
            outcome, threads = harness.start_athletes(
                server.port, tokens, athletes, args.seconds, drain_seconds=0
            )
            harness.join_athletes(outcome, threads, bound=args.seconds + 60)
            elapsed = time.monotonic() - load_started
            server.stop()
            server_log = server.log_counts()

        counts = outcome.status_counts()
        harness.print_counts(f"responses in {elapsed:.1f} s:", counts)
        total = len(outcome.records)
        bad = [r for r in outcome.records if not r.reply.ok]
        replays_not_200 = [
            r for r in outcome.records if r.kind == "replay" and r.reply.status != 200
        ]
        log(
            f"{total} requests, {total / elapsed:.0f}/s; 2xx latency: "
            f"{harness.latency_figures(outcome.records)}"
        )
        stored_failures, figures = harness.check_stored_sets(outcome)
        for label, value in {**figures, **server_log}.items():
            print(f"    {label}: {value}")

        if total == 0 or not outcome.created:
            failures.append("no load was generated")
        if bad:
            failures.append(f"{len(bad)} non-2xx responses (first: {describe(bad[0])})")
        if replays_not_200:
            failures.append(f"{len(replays_not_200)} double taps not answered 200")
        if server_log["tracebacks"]:
            failures.append(f"{server_log['tracebacks']} tracebacks in the server log")
        failures += stored_failures + outcome.problems
    return harness.finish(failures, "mixed load")


def describe(record: harness.Record) -> str:
    reply = record.reply
    return f"{record.kind} {reply.status or reply.error} {reply.body!r:.200}"


if __name__ == "__main__":
    sys.exit(harness.guarded(main))
