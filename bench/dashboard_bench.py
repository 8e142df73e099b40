"""Benchmark of the coach dashboard (issue 7, benchmark 1).

For rosters of 50, 500 and 1,000 athletes (12 weeks each, bulk-inserted), GETs the dashboard
in-process through django.test.Client (logged in with force_login) and reports its queries and
its median server time. The baseline renders the same template, plans/dashboard.html, with the
same rows as plain dicts computed before the timing starts: what the page costs with no work of
ours beyond the template. The two are timed turn about and the medians compared (goal <= 2x).
The baseline's HTML is checked equal to the page's, so both draw exactly the same table.
The page is timed as a coach gets it, with the verdicts an earlier visit stored still current
(plans/verdicts.py); the first visit after every verdict went stale is timed too.

Runs on a throw-away database (see bench/common.py): SQLite, or PostgreSQL with DATABASE_URL.

    .venv/bin/python bench/dashboard_bench.py [--sizes 50,500,1000] [--weeks 12] [--repeat 11]
"""

import argparse
import os
import re
import statistics
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.shortcuts import render  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.test import Client, RequestFactory  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench import common  # noqa: E402
from plans import views  # noqa: E402
from plans.domain.weeks import Week  # noqa: E402
from plans.models import WeekVerdict  # noqa: E402

# Tokens differ from one render to the next; everything else must be the same.
VOLATILE = re.compile(r'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": "|nonce=")[^"]*')


def plain_context(context) -> dict:
    """The dashboard's template context with the summary as a plain dict and copies of the
    rows (already plain dicts, see plans.presentation.DashboardRow)."""
    rows = [{**row, "badges": [dict(badge) for badge in row["badges"]]} for row in context["rows"]]
    summary = context["summary"]
    plain = {key: context[key] for key in DASHBOARD_KEYS}
    return {
        **plain,
        "rows": rows,
        "summary": {
            "total": summary.total,
            "clean": summary.clean,
            "warnings": summary.warnings,
            "errors": summary.errors,
        },
    }


DASHBOARD_KEYS = [
    "nav",
    "coach",
    "monday",
    "week_name",
    "sunday",
    "is_this_week",
    "prev_url",
    "next_url",
    "this_week_url",
    "sort_name_url",
    "sort_severity_url",
    "sort_7d_url",
    "sort_28d_url",
    "errors_url",
    "all_url",
    "sort",
    "errors_only",
    "jump",
]


def measure(coach, week_name: str, repeat: int) -> dict:
    client = Client()
    client.force_login(coach.user)
    url = f"{reverse('plans:dashboard')}?week={week_name}"

    # The first request, untimed, also hands over the view's context: the test client's own
    # context capture would instrument every render, timed ones included.
    captured_context = {}

    def capturing_render(request, template_name, context, *args, **kwargs):
        captured_context.update(context)
        return render(request, template_name, context, *args, **kwargs)

    with (
        mock.patch.object(views, "render", capturing_render),
        common.count_queries() as captured,
    ):
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    page = response.content.decode()
    context = plain_context(captured_context)
    request = RequestFactory().get(url)
    request.user = coach.user

    def baseline():
        return render_to_string("plans/dashboard.html", context, request=request)

    # The same table: the baseline is the page's own HTML, from dicts.
    if VOLATILE.sub(r"\1", baseline()) != VOLATILE.sub(r"\1", page):
        import difflib

        diff = difflib.unified_diff(
            VOLATILE.sub(r"\1", page).splitlines(),
            VOLATILE.sub(r"\1", baseline()).splitlines(),
            n=1,
        )
        raise SystemExit("The baseline's HTML differs from the dashboard's:\n" + "\n".join(diff))

    def served():
        assert client.get(url).status_code == 200

    with common.count_queries() as stored:
        served()
    served_s, baseline_s = common.interleaved(served, baseline, repeat)

    # The first visit after every verdict went stale (say, a deploy that changed a rule):
    # each timed run follows an untimed deletion of the stored verdicts.
    first_visits = []
    for _ in range(repeat):
        WeekVerdict.objects.all().delete()
        first_visits.append(common.seconds(served))
    return {
        "rows": len(context["rows"]),
        "queries_first": captured.count,
        "queries": stored.count,
        "served_s": served_s,
        "first_s": statistics.median(first_visits),
        "baseline_s": baseline_s,
        "bytes": len(response.content),
    }


# A small roster's page takes milliseconds, so one busy moment of a shared machine moves its
# median a long way: it gets more runs, which cost little.
SMALL = 200


def repeats(size: int, args: argparse.Namespace) -> int:
    return args.repeat * 4 if size < SMALL else args.repeat


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="50,500,1000", help="roster sizes, comma-separated")
    parser.add_argument("--weeks", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=11, help="timed runs of each (median)")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]
    # A week late in the block: a full e1RM history behind it, plans still in draft.
    monday = common.FIRST_MONDAY + timedelta(weeks=max(args.weeks - 2, 0))

    results: dict[int, Any] = {}  # each size's roster (its coach), then its measures
    with common.throwaway_database():
        vendor = common.vendor_name()
        generated = common.seconds(
            lambda: results.update(
                {size: common.make_roster(f"dash{size}", size, args.weeks) for size in sizes}
            )
        )
        for size in sizes:
            results[size] = measure(results[size], Week(monday).name, repeats(size, args))

    print(f"### Coach dashboard ({vendor})\n")
    print(f"- command: `{common.command()}`")
    print(
        f"- rosters of {', '.join(map(str, sizes))} athletes, {args.weeks} weeks each "
        f"(5 runs and a deadlift of 3 sets a week), bulk-inserted in {generated:.1f} s; "
        f"the page shows {Week(monday).name}; medians of {args.repeat} runs each "
        f"({repeats(min(sizes), args)} for rosters under {SMALL} athletes), "
        "page and baseline turn about\n"
    )
    print(
        "| athletes | queries (first visit / after) | page (server time) "
        "| baseline: template from dicts | ratio | first visit: page, ratio |"
    )
    print("| ---: | ---: | ---: | ---: | --- | --- |")
    for size in sizes:
        r = results[size]
        ratio = r["served_s"] / r["baseline_s"]
        print(
            f"| {r['rows']:,} | {r['queries_first']} / {r['queries']} "
            f"| {r['served_s'] * 1000:.1f} ms | {r['baseline_s'] * 1000:.1f} ms "
            f"| {common.goal(ratio, 2)} "
            f"| {r['first_s'] * 1000:.1f} ms, {r['first_s'] / r['baseline_s']:.2f}x |"
        )
    print(
        "\nThe page as a coach gets it: verdicts stored by an earlier visit and still current "
        "(plans/verdicts.py). The first visit judges every week and stores the verdicts.\n"
    )


if __name__ == "__main__":
    main()
