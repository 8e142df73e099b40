"""Mutation score of the pure domain: `make mutation` (not in CI: it takes minutes).

Runs mutmut 3 on plans/domain/{prescription,rules,scheduling}.py against the four pure test
files ([tool.mutmut] in pyproject.toml), then prints, per file, the mutants killed out of
those made, the survivors, and whether the file reaches the goal. Survivors that no test can
kill (equivalent mutants) are named in EQUIVALENT with the reason, and count as killed.

    .venv/bin/python tests/mutation.py [--no-run]   # --no-run: report the last run only
"""

import argparse
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

GOAL = 0.95
FILES = ("prescription", "rules", "scheduling")
ROOT = Path(__file__).resolve().parents[1]
MUTMUT = [sys.executable, "-m", "mutmut"]

# Mutants that change nothing observable, each with why (name as `mutmut results` prints it).
_UTC_HERE = (
    "astimezone(None) converts to the machine's zone instead of UTC: the same instant, and on a "
    "machine whose zone is UTC (as here and in CI) an equal tzinfo"
)
EQUIVALENT: dict[str, str] = {
    "plans.domain.scheduling.x_earliest_start__mutmut_4": _UTC_HERE,
    "plans.domain.scheduling.x_schedule_deadlift__mutmut_14": _UTC_HERE,
    "plans.domain.scheduling.xǁ_SlotSearchǁjudge__mutmut_20": _UTC_HERE,
    "plans.domain.scheduling.x__better__mutmut_5": (
        "`<=` for `<` between two starts differs only when they are equal: the same slot"
    ),
}

_LINE = re.compile(r"^\s*plans\.domain\.(\w+)\.(\S+): (\w+)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-run", action="store_true", help="report the last run only")
    args = parser.parse_args()
    if not args.no_run:
        subprocess.run([*MUTMUT, "run"], cwd=ROOT, check=False)
    results = subprocess.run(
        [*MUTMUT, "results", "--all", "true"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    made: Counter[str] = Counter()
    killed: Counter[str] = Counter()
    survivors: dict[str, list[str]] = {name: [] for name in FILES}
    for line in results.splitlines():
        if not (match := _LINE.match(line)):
            continue
        module, mutant, status = match.groups()
        if module not in FILES:
            continue
        made[module] += 1
        name = f"plans.domain.{module}.{mutant}"
        if status == "killed" or name in EQUIVALENT:
            killed[module] += 1
        else:
            survivors[module].append(f"{name}: {status}")
    failing = []
    print(f"\n== mutation score of plans/domain (goal {GOAL:.0%})")
    for module in FILES:
        score = killed[module] / made[module] if made[module] else 0.0
        mark = "ok" if score >= GOAL else "BELOW GOAL"
        print(f"{module}.py: {killed[module]} / {made[module]} killed = {score:.1%}  {mark}")
        for survivor in survivors[module]:
            print(f"    {survivor}  (`mutmut show` it)")
        if score < GOAL:
            failing.append(module)
    print(f"equivalent mutants named in tests/mutation.py: {len(EQUIVALENT)}")
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
