"""The two formats on their own (no database): whatever people type in a note comes back from
the CSV as typed (a would-be formula behind an apostrophe) and from the JSON unchanged."""

import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exports.rows import COLUMNS, BadRange, DayRange, Row, csv_lines, json_chunks


def row(**values: object) -> Row:
    return dict.fromkeys((key for key, _ in COLUMNS), None) | values


@given(st.text())
def test_any_note_survives_the_csv(note: str) -> None:
    text = "".join(csv_lines(iter([row(notes=note)])))
    header, cells = list(csv.reader(io.StringIO(text, newline="")))
    assert header[-1] == "Notes"
    formula = note.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert cells[-1] == ("'" + note if formula else note)


@given(st.text())
def test_any_note_survives_the_json(note: str) -> None:
    (parsed,) = json.loads("".join(json_chunks(iter([row(notes=note)]))))
    assert parsed["notes"] == note


@given(st.decimals(min_value=0, max_value=600, places=10, allow_nan=False))
def test_a_load_is_written_exactly(load: Decimal) -> None:
    text = "".join(csv_lines(iter([row(load_kg=load)])))
    cell = next(csv.DictReader(io.StringIO(text, newline="")))["Load (kg)"]
    assert Decimal(cell) == load
    (parsed,) = json.loads("".join(json_chunks(iter([row(load_kg=load)]))))
    assert Decimal(parsed["load_kg"]) == load


def test_no_rows_is_a_header_or_an_empty_array() -> None:
    assert "".join(csv_lines(iter([]))).count("\r\n") == 1
    assert json.loads("".join(json_chunks(iter([])))) == []


@pytest.mark.parametrize(
    ("first", "last", "inside", "outside"),
    [
        ("2026-11-30", "2026-11-30", ["2026-11-30"], ["2026-11-29", "2026-12-01"]),
        ("2026-11-30", None, ["2026-11-30", "2099-01-01"], ["2026-11-29"]),
        (None, "2026-11-30", ["2000-01-01", "2026-11-30"], ["2026-12-01"]),
        (None, None, ["2000-01-01", "2099-01-01"], []),
    ],
)
def test_a_range_holds_both_ends(
    first: str | None, last: str | None, inside: list[str], outside: list[str]
) -> None:
    days = DayRange.parse(first, last)
    assert all(date.fromisoformat(day) in days for day in inside)
    assert not any(date.fromisoformat(day) in days for day in outside)


def test_a_long_bad_date_is_cut_in_the_message() -> None:
    with pytest.raises(BadRange) as error:
        DayRange.parse("x" * 500, None)
    assert str(error.value) == f"'from' must be a date like 2026-11-30, not '{'x' * 40}'."
