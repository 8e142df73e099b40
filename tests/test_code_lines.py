"""tools/code_lines.py counts the lines that run: not blank lines, comments or docstrings, but a
string that is no docstring, and every line of a statement written over several."""

from tools.code_lines import code_lines, count

SOURCE = '''"""A module's docstring,
over two lines."""

# A comment.
import os  # a comment after code


def f(x):
    """A function's docstring."""
    text = """a string that is
    not a docstring"""
    return g(
        x,
    )


class C:
    "A class's docstring."

    y = 1
'''


def test_code_lines_counts_code_and_leaves_out_docstrings_comments_and_blanks():
    # import; def; the string's two lines; return's three; class; y.
    assert code_lines(SOURCE) == 9


def test_code_lines_of_code_alone_is_every_line():
    assert code_lines("a = 1\nb = (\n    2\n)\n") == 4


def test_count_reads_the_apps_at_a_revision():
    code, total = count("HEAD")
    assert 0 < code < total
