"""Reading run files: what a good FIT, GPX and TCX file says, and every bad file refused with a
message that names it (workouts.run_files). Pure: no database."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from tests.workouts.run_file_factory import fit_file, gpx_file, tcx_file
from workouts.run_files import (
    DEFAULT_MAX_BYTES,
    RunFileError,
    RunFileFormat,
    RunRecord,
    read_run_file,
    sniff,
)

START = datetime(2026, 12, 2, 6, 5, tzinfo=UTC)


def test_a_fit_file_gives_the_watch_summary():
    record = read_run_file(
        "morning.fit", fit_file(START, minutes=45, distance_m=8500, heart_rate=148)
    )
    assert record == RunRecord(
        format=RunFileFormat.FIT,
        start=START,
        elapsed=timedelta(minutes=45),
        distance_km=Decimal("8.50"),
        avg_heart_rate=148,
        sport="running",
    )
    assert record.elapsed_minutes == 45


def test_a_fit_file_without_a_session_summary_is_read_from_its_records():
    record = read_run_file("raw.fit", fit_file(START, minutes=30, with_session=False))
    assert (record.start, record.elapsed, record.distance_km) == (
        START,
        timedelta(minutes=30),
        Decimal("8.50"),
    )
    assert record.avg_heart_rate == 148


def test_a_gpx_file_gives_its_time_bounds_distance_and_heart_rate():
    record = read_run_file("run.gpx", gpx_file(START, minutes=40, heart_rate=150, points=3))
    assert record.format == RunFileFormat.GPX
    assert (record.start, record.elapsed) == (START, timedelta(minutes=40))
    # Two steps of 0.01° of latitude: 2.22 km.
    assert record.distance_km is not None
    assert Decimal("2.20") <= record.distance_km <= Decimal("2.25")
    assert record.avg_heart_rate == 150
    assert record.sport == "running"


def test_a_tcx_file_gives_its_lap_start_duration_distance_and_heart_rate():
    record = read_run_file("run.tcx", tcx_file(START, minutes=50, distance_m=10000, heart_rate=152))
    assert record == RunRecord(
        format=RunFileFormat.TCX,
        start=START,
        elapsed=timedelta(minutes=50),
        distance_km=Decimal("10.00"),
        avg_heart_rate=152,
        sport="running",
    )


def test_a_start_with_an_offset_is_stored_in_utc():
    berlin = datetime(2026, 12, 2, 7, 5, tzinfo=ZoneInfo("Europe/Berlin"))
    record = read_run_file("run.fit", fit_file(berlin))
    assert record.start == START and record.start.tzinfo == UTC


@pytest.mark.parametrize(
    ("seconds", "minutes"),
    [(29, 1), (60, 1), (89, 1), (90, 2), (44 * 60 + 29, 44), (44 * 60 + 30, 45)],
    ids=["29 s is 1 min", "1 min", "1 min 29 s", "1 min 30 s is 2", "44:29", "44:30 is 45"],
)
def test_elapsed_minutes_round_half_up_and_never_below_one(seconds, minutes):
    record = read_run_file("r.fit", fit_file(START, minutes=seconds / 60))
    assert record.elapsed_minutes == minutes


def test_heart_rate_and_distance_are_optional():
    record = read_run_file("r.fit", fit_file(START, heart_rate=None, distance_m=None))
    assert (record.avg_heart_rate, record.distance_km) == (None, None)
    assert read_run_file("r.tcx", tcx_file(START, heart_rate=None)).avg_heart_rate is None
    assert read_run_file("r.gpx", gpx_file(START, heart_rate=None)).avg_heart_rate is None


def test_a_gpx_without_a_type_is_taken_as_a_run():
    assert read_run_file("r.gpx", gpx_file(START, track_type=None)).sport == ""


# ---------------------------------------------------------------------------- sniffing


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("run.gpx", fit_file(START), RunFileFormat.FIT),
        ("run.fit", gpx_file(START), RunFileFormat.GPX),
        ("run.txt", tcx_file(START), RunFileFormat.TCX),
        ("run", b"\xef\xbb\xbf" + gpx_file(START), RunFileFormat.GPX),
    ],
    ids=["FIT named .gpx", "GPX named .fit", "TCX named .txt", "GPX with a byte-order mark"],
)
def test_the_content_decides_the_format_not_the_name(name, content, expected):
    assert sniff(content) == expected
    assert read_run_file(name, content).format == expected


# ---------------------------------------------------------------------------- bad files

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY a "aaaaaaaaaa">'
    + b"".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'.encode() for i in range(8)
    )
    + b']><gpx version="1.1"><trk><name>&i;</name></trk></gpx>'
)
NOT_A_RUN_FILE = "this is not a FIT, GPX or TCX file."


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("notes.fit", b"hello, coach", NOT_A_RUN_FILE),
        ("photo.fit", PNG, NOT_A_RUN_FILE),
        ("page.gpx", b"<html><body>a web page</body></html>", NOT_A_RUN_FILE),
        ("export.gpx", b'<?xml version="1.0"?><kml><Document/></kml>', NOT_A_RUN_FILE),
        ("empty.fit", b"", "the file is empty."),
        ("blank.gpx", b"  \n\t ", "the file is empty."),
        (
            "cut.fit",
            fit_file(START)[:-10],
            "the FIT file is truncated or damaged (its checksum does not match).",
        ),
        (
            "header-only.fit",
            fit_file(START)[:14],
            "the FIT file is truncated or damaged (its checksum does not match).",
        ),
        (
            "flipped.fit",
            (lambda b: b[:60] + bytes([b[60] ^ 0xFF]) + b[61:])(fit_file(START)),
            "the FIT file is truncated or damaged (its checksum does not match).",
        ),
        (
            "cut.gpx",
            gpx_file(START)[:-40],
            "the GPX file is truncated or damaged and cannot be read.",
        ),
        (
            "cut.tcx",
            tcx_file(START)[:-40],
            "the TCX file is truncated or damaged and cannot be read.",
        ),
        (
            "bomb.gpx",
            BILLION_LAUGHS,
            "the GPX file is truncated or damaged and cannot be read.",
        ),
        (
            "untimed.gpx",
            gpx_file(START, timestamps=False),
            "the file has no timestamps, so the run's start is unknown.",
        ),
        (
            "untimed.tcx",
            tcx_file(START, timestamps=False),
            "the file has no timestamps, so the run's start is unknown.",
        ),
        (
            "no-records.fit",
            fit_file(START, with_session=False, records=0),
            "the file has no timestamps, so the run's start is unknown.",
        ),
        (
            "one-point.gpx",
            gpx_file(START, points=1),
            "the file has a single timestamp, so the run's duration is unknown.",
        ),
        ("ride.fit", fit_file(START, sport="cycling"), "the activity is 'cycling', not a run."),
        ("swim.fit", fit_file(START, sport="swimming"), "the activity is 'swimming', not a run."),
        ("ride.tcx", tcx_file(START, sport="Biking"), "the activity is 'Biking', not a run."),
        ("other.tcx", tcx_file(START, sport="Other"), "the activity is 'Other', not a run."),
        (
            "ride.gpx",
            gpx_file(START, track_type="cycling"),
            "the activity is 'cycling', not a run.",
        ),
        (
            "course.fit",
            fit_file(START, file_type="course"),
            "the FIT file is a course, not a recorded activity.",
        ),
        (
            "day.fit",
            fit_file(START, minutes=24 * 60 + 1),
            "the file covers more than 24 hours, which is not one run.",
        ),
        (
            "epoch.fit",
            fit_file(datetime(1990, 1, 1, 6, tzinfo=UTC)),
            "the run's date, 1990-01-01, is outside the years 2000–2099 the app plans for "
            "(check the watch's clock).",
        ),
    ],
    ids=lambda value: value if isinstance(value, str) and len(value) < 20 else None,
)
def test_a_bad_file_is_refused_with_a_message_naming_it(name, content, reason):
    with pytest.raises(RunFileError) as refused:
        read_run_file(name, content)
    assert refused.value.filename == name
    assert refused.value.reason == reason
    assert str(refused.value) == f"{name}: {reason}"


def test_exactly_24_hours_is_still_one_run():
    assert read_run_file("ultra.fit", fit_file(START, minutes=24 * 60)).elapsed_minutes == 1440


def test_the_size_limit_is_inclusive():
    content = fit_file(START)
    assert read_run_file("r.fit", content, max_bytes=len(content)).start == START
    with pytest.raises(RunFileError) as refused:
        read_run_file("big.fit", content, max_bytes=len(content) - 1)
    assert refused.value.reason == f"the file is larger than the limit of {len(content) - 1} bytes."


def test_the_default_limit_is_10_mb_and_said_in_mb():
    assert DEFAULT_MAX_BYTES == 10 * 1024 * 1024
    with pytest.raises(RunFileError) as refused:
        read_run_file("huge.gpx", b" " * (DEFAULT_MAX_BYTES + 1))
    assert refused.value.reason == "the file is larger than the limit of 10 MB."


def test_a_heart_rate_outside_what_a_heart_does_is_left_out():
    assert read_run_file("r.fit", fit_file(START, heart_rate=251)).avg_heart_rate is None
    assert read_run_file("r.fit", fit_file(START, heart_rate=250)).avg_heart_rate == 250
