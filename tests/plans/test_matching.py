"""Matching run files to planned runs (plans.domain.matching): cases by name, then properties
over any files and runs (hypothesis). Pure: no database."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plans.domain.matching import (
    SAME_CONTENT_BEFORE,
    SAME_CONTENT_HERE,
    SAME_START_BEFORE,
    SAME_START_HERE,
    Duplicate,
    FileToMatch,
    Matched,
    RunToMatch,
    Unplanned,
    match_files,
)

BERLIN = ZoneInfo("Europe/Berlin")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A local time in Berlin in December 2026 (UTC+1)."""
    return datetime(2026, 12, day, hour, minute, tzinfo=BERLIN)


def file(key: int, start: datetime, sha: str | None = None) -> FileToMatch:
    return FileToMatch(key, start, sha or f"{key:064x}")


def test_a_file_takes_the_run_of_its_day_nearest_its_start():
    runs = [RunToMatch(1, at(2, 7)), RunToMatch(2, at(2, 18)), RunToMatch(3, at(3, 12))]
    assert match_files([file(0, at(2, 16))], runs, time_zone=BERLIN) == {0: Matched(2)}
    assert match_files([file(0, at(2, 12, 29))], runs, time_zone=BERLIN) == {0: Matched(1)}
    assert match_files([file(0, at(2, 12, 31))], runs, time_zone=BERLIN) == {0: Matched(2)}


def test_equally_near_runs_go_to_the_earlier_one():
    runs = [RunToMatch(2, at(2, 18)), RunToMatch(1, at(2, 6))]
    assert match_files([file(0, at(2, 12))], runs, time_zone=BERLIN) == {0: Matched(1)}


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (at(2, 23, 59), Matched(1)),
        (at(3, 0, 0), Unplanned()),
        (datetime(2026, 12, 2, 22, 59, tzinfo=UTC), Matched(1)),
        (datetime(2026, 12, 2, 23, 0, tzinfo=UTC), Unplanned()),
    ],
    ids=["23:59 local, same day", "00:00 local, next day", "22:59 UTC", "23:00 UTC is Thursday"],
)
def test_the_day_is_the_athletes_local_day(start, expected):
    runs = [RunToMatch(1, at(2, 7))]
    assert match_files([file(0, start)], runs, time_zone=BERLIN) == {0: expected}


def test_a_file_with_no_run_that_day_is_unplanned():
    runs = [RunToMatch(1, at(3, 7))]
    assert match_files([file(0, at(2, 7))], runs, time_zone=BERLIN) == {0: Unplanned()}


def test_two_files_for_one_run_the_nearer_wins_and_the_other_takes_the_next_free_run():
    runs = [RunToMatch(1, at(2, 7)), RunToMatch(2, at(2, 18))]
    files = [file(0, at(2, 8)), file(1, at(2, 7, 10))]
    assert match_files(files, runs, time_zone=BERLIN) == {1: Matched(1), 0: Matched(2)}


def test_two_files_for_the_only_run_of_the_day_the_nearer_wins_the_other_is_unplanned():
    runs = [RunToMatch(1, at(2, 7))]
    files = [file(0, at(2, 17)), file(1, at(2, 6, 30))]
    assert match_files(files, runs, time_zone=BERLIN) == {0: Unplanned(), 1: Matched(1)}


def test_equally_near_files_the_first_sent_wins():
    runs = [RunToMatch(1, at(2, 12))]
    files = [file(0, at(2, 13)), file(1, at(2, 11))]
    assert match_files(files, runs, time_zone=BERLIN) == {0: Matched(1), 1: Unplanned()}


@pytest.mark.parametrize(
    ("kwargs", "files", "expected"),
    [
        ({"imported_hashes": ["a" * 64]}, [file(0, at(2, 7), "a" * 64)], SAME_CONTENT_BEFORE),
        ({"imported_starts": [at(2, 7)]}, [file(0, at(2, 7), "b" * 64)], SAME_START_BEFORE),
        ({}, [file(0, at(2, 7), "c" * 64), file(1, at(2, 9), "c" * 64)], SAME_CONTENT_HERE),
        ({}, [file(0, at(2, 7), "d" * 64), file(1, at(2, 7), "e" * 64)], SAME_START_HERE),
    ],
    ids=["same content before", "same start before", "same content here", "same start here"],
)
def test_duplicates_are_ignored_with_the_reason(kwargs, files, expected):
    outcomes = match_files(files, [RunToMatch(1, at(2, 7))], time_zone=BERLIN, **kwargs)
    assert outcomes[files[-1].key] == Duplicate(expected)


def test_a_start_a_second_apart_is_not_a_duplicate():
    outcomes = match_files(
        [file(0, at(2, 7) + timedelta(seconds=1))],
        [],
        time_zone=BERLIN,
        imported_starts=[at(2, 7)],
    )
    assert outcomes == {0: Unplanned()}


# ---------------------------------------------------------------------------- properties

DAY0 = datetime(2026, 3, 27, tzinfo=BERLIN)  # the weekend summer time starts
moments = st.integers(min_value=0, max_value=4 * 24 * 60).map(
    lambda minutes: (DAY0 + timedelta(minutes=minutes)).astimezone(UTC)
)


@st.composite
def uploads(draw):
    starts = draw(st.lists(moments, max_size=8))
    hashes = draw(st.lists(st.sampled_from("abcdef"), min_size=len(starts), max_size=len(starts)))
    files = [FileToMatch(i, s, h * 64) for i, (s, h) in enumerate(zip(starts, hashes, strict=True))]
    runs = [RunToMatch(i + 100, s) for i, s in enumerate(draw(st.lists(moments, max_size=8)))]
    return files, runs


def local_day(moment):
    return moment.astimezone(BERLIN).date()


@settings(max_examples=300, deadline=None)
@given(uploads())
def test_every_file_gets_one_outcome_and_no_run_is_taken_twice(upload):
    files, runs = upload
    outcomes = match_files(files, runs, time_zone=BERLIN)
    assert set(outcomes) == {f.key for f in files}
    taken = [o.run_id for o in outcomes.values() if isinstance(o, Matched)]
    assert len(taken) == len(set(taken))


@settings(max_examples=300, deadline=None)
@given(uploads())
def test_a_file_is_matched_only_to_a_run_of_its_local_day(upload):
    files, runs = upload
    by_id = {run.id: run for run in runs}
    for f in files:
        outcome = match_files(files, runs, time_zone=BERLIN)[f.key]
        if isinstance(outcome, Matched):
            assert local_day(by_id[outcome.run_id].start) == local_day(f.start)


@settings(max_examples=300, deadline=None)
@given(uploads())
def test_the_matching_is_stable_and_leaves_no_free_run_to_an_unplanned_file(upload):
    """No file and run of one day would both rather have each other than what they got."""
    files, runs = upload
    outcomes = match_files(files, runs, time_zone=BERLIN)
    by_id = {run.id: run for run in runs}
    holder = {o.run_id: key for key, o in outcomes.items() if isinstance(o, Matched)}
    starts = {f.key: f.start for f in files}
    for f in files:
        outcome = outcomes[f.key]
        if isinstance(outcome, Duplicate):
            continue
        mine = abs(f.start - by_id[outcome.run_id].start) if isinstance(outcome, Matched) else None
        for run in runs:
            if local_day(run.start) != local_day(f.start):
                continue
            gap = abs(f.start - run.start)
            if mine is not None and gap >= mine:
                continue
            # I would rather have this run: its holder must be at least as near to it.
            assert run.id in holder, "an unplanned file beside a free run of its day"
            assert abs(starts[holder[run.id]] - run.start) <= gap


@settings(max_examples=300, deadline=None)
@given(uploads())
def test_duplicates_are_exactly_the_repeated_contents_and_starts(upload):
    files, runs = upload
    outcomes = match_files(files, runs, time_zone=BERLIN)
    for i, f in enumerate(files):
        earlier = files[:i]
        repeated = any(e.sha256 == f.sha256 or e.start == f.start for e in earlier)
        assert isinstance(outcomes[f.key], Duplicate) == repeated


@settings(max_examples=200, deadline=None)
@given(uploads())
def test_the_order_of_the_runs_changes_nothing(upload):
    files, runs = upload
    assert match_files(files, runs, time_zone=BERLIN) == match_files(
        files, list(reversed(runs)), time_zone=BERLIN
    )
