"""How much code the apps hold at a git revision: lines of Python that are not blank, comments
or docstrings, in the packages import-linter checks (pyproject.toml's root_packages), migrations
left out. A design step that explains itself in more docstrings but runs fewer lines is less
code; `git diff --shortstat` counts both alike.

    python tools/code_lines.py [REV ...]     # default HEAD; one line per revision
"""

from __future__ import annotations

import argparse
import ast
import io
import subprocess
import tokenize
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOT_CODE = {
    tokenize.COMMENT,
    tokenize.NL,
    tokenize.NEWLINE,
    tokenize.INDENT,
    tokenize.DEDENT,
    tokenize.ENDMARKER,
}


def packages() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return list(config["tool"]["importlinter"]["root_packages"])


def code_lines(source: str) -> int:
    """The lines of `source` holding a token that is neither a comment nor a docstring."""
    tree = ast.parse(source)
    docstrings: set[int] = set()
    documented = ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef
    for node in ast.walk(tree):
        if isinstance(node, documented) and ast.get_docstring(node, clean=False) is not None:
            first = node.body[0]
            docstrings.update(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    lines: set[int] = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in NOT_CODE:
            lines.update(range(token.start[0], token.end[0] + 1))
    return len(lines - docstrings)


def git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout


def count(rev: str) -> tuple[int, int]:
    """(code lines, all lines) of the apps' Python at `rev`."""
    code = total = 0
    for path in git("ls-tree", "-r", "--name-only", rev, "--", *packages()).split():
        if path.endswith(".py") and "/migrations/" not in path:
            source = git("show", f"{rev}:{path}")
            code += code_lines(source)
            total += len(source.splitlines())
    return code, total


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("revs", nargs="*", default=["HEAD"])
    for rev in parser.parse_args(argv).revs:
        code, total = count(rev)
        print(f"{rev}: {code:,} lines of code ({total:,} lines with comments and docstrings)")


if __name__ == "__main__":
    main()
