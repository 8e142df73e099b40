"""Reading a run from the file a watch wrote: FIT (Garmin, Coros, Suunto, Wahoo), GPX and TCX.

One entry point, `read_run_file`, for the phone, the coach's week page and the API alike. It
sniffs the content (a `.gpx` that holds a FIT file is read as FIT; a `.fit` that holds a photo
is refused) and answers a `RunRecord` or raises `RunFileError` with a plain message that names
the file. No Django here: the size limit is an argument (the callers read the setting
RUN_FILE_MAX_BYTES)."""

import io
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any, cast

import gpxpy
import gpxpy.gpx
from garmin_fit_sdk import Decoder, Stream
from tcxreader.tcxreader import TCXReader

from plans.domain.weeks import FIRST_YEAR, LAST_YEAR, in_planned_years

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# One run, not a week of them: longer than the longest session the app stores (24 h) is refused.
MAX_ELAPSED = timedelta(hours=24)
# What a distance column holds (RunSession.distance_km: 6 digits, 2 decimals).
MAX_DISTANCE_KM = Decimal("9999.99")
# Plausible average heart rates; anything else is a sensor glitch and is left out.
HEART_RATE_RANGE = (20, 250)

# The names the formats give a run. FIT: the `sport` enum ("running"; trail and treadmill are
# its sub-sports). TCX: the Activity's Sport attribute, one of Running, Biking, Other: "Other"
# is not a run. GPX: a free-text <type> (Garmin Connect writes "running", Strava "running" or
# its activity number 9 for Run); absent, the file is taken as a run (the athlete chose it).
FIT_RUN_SPORTS = frozenset({"running"})
TCX_RUN_SPORTS = frozenset({"running"})
GPX_RUN_TYPES = frozenset({"running", "run", "trail_running", "trail running", "treadmill", "9"})

TCX_NAMESPACE = "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"


class RunFileFormat(StrEnum):
    FIT = "fit"
    GPX = "gpx"
    TCX = "tcx"


@dataclass(frozen=True)
class RunRecord:
    """What a run file says happened."""

    format: RunFileFormat
    start: datetime  # aware, UTC
    elapsed: timedelta  # from the start to the end, pauses included
    distance_km: Decimal | None  # two decimals; None when the file records none
    avg_heart_rate: int | None
    sport: str  # as the file names it ("running"), "" when it names none

    @property
    def elapsed_minutes(self) -> int:
        """Whole minutes as sessions store them (at least 1): 44 min 30 s is 45."""
        seconds = int(self.elapsed.total_seconds())
        return max(1, (seconds + 30) // 60)


class RunFileError(ValueError):
    """A file that cannot be read as a run; the message names the file and says why."""

    def __init__(self, filename: str, reason: str) -> None:
        self.filename = filename
        self.reason = reason
        super().__init__(f"{filename}: {reason}")


class _Unreadable(Exception):
    """Raised inside a format's reader: read_run_file adds the file's name."""


def read_run_file(
    filename: str, content: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> RunRecord:
    """The run in `content` (the file's bytes; `filename` only names it in messages)."""
    if len(content) > max_bytes:
        raise RunFileError(filename, f"the file is larger than the limit of {_size(max_bytes)}.")
    if not content.strip():
        raise RunFileError(filename, "the file is empty.")
    kind = sniff(content)
    if kind is None:
        raise RunFileError(filename, "this is not a FIT, GPX or TCX file.")
    try:
        match kind:
            case RunFileFormat.FIT:
                record = _read_fit(content)
            case RunFileFormat.GPX:
                record = _read_gpx(content)
            case RunFileFormat.TCX:
                record = _read_tcx(content)
    except _Unreadable as error:
        raise RunFileError(filename, str(error)) from None
    except Exception:  # noqa: BLE001 - the libraries raise anything on broken input
        raise RunFileError(
            filename, f"the {kind.upper()} file is truncated or damaged and cannot be read."
        ) from None
    return record


def _size(limit: int) -> str:
    return f"{limit / (1024 * 1024):g} MB" if limit >= 1024 * 1024 else f"{limit} bytes"


# ---------------------------------------------------------------------------- sniffing


def sniff(content: bytes) -> RunFileFormat | None:
    """The format the bytes are in, whatever the file's name says, or None."""
    # A FIT file starts with its header: its own size (12 or 14), then ".FIT" at byte 8.
    if len(content) >= 12 and content[0] in (12, 14) and content[8:12] == b".FIT":
        return RunFileFormat.FIT
    root = _xml_root_name(content)
    if root == "gpx":
        return RunFileFormat.GPX
    if root == "TrainingCenterDatabase":
        return RunFileFormat.TCX
    return None


def _xml_root_name(content: bytes) -> str | None:
    """The local name of the first element, read from the start only (a truncated file is
    still recognised, and then refused as truncated)."""
    head = content.lstrip()[:4096]
    if not head.startswith((b"<", b"\xef\xbb\xbf<")):
        return None
    try:
        for _event, element in ET.iterparse(io.BytesIO(head), events=("start",)):
            return str(element.tag).rsplit("}", 1)[-1]
    except ET.ParseError:
        return None
    return None


# ---------------------------------------------------------------------------- records


def _record(
    kind: RunFileFormat,
    start: datetime | None,
    end: datetime | None,
    distance_m: float | None,
    heart_rate: float | None,
    sport: str,
) -> RunRecord:
    if start is None or end is None:
        raise _Unreadable("the file has no timestamps, so the run's start is unknown.")
    if start.tzinfo is None:
        # GPX and TCX times without an offset are UTC by both formats' specifications.
        start, end = start.replace(tzinfo=UTC), end.replace(tzinfo=UTC)
    if not in_planned_years(start.astimezone(UTC).date()):
        # A watch without a clock fix writes 1989, FIT's epoch.
        raise _Unreadable(
            f"the run's date, {start:%Y-%m-%d}, is outside the years "
            f"{FIRST_YEAR}–{LAST_YEAR} the app plans for (check the watch's clock)."
        )
    elapsed = end - start
    if elapsed <= timedelta(0):
        raise _Unreadable("the file has a single timestamp, so the run's duration is unknown.")
    if elapsed > MAX_ELAPSED:
        raise _Unreadable("the file covers more than 24 hours, which is not one run.")
    distance_km = None
    if distance_m is not None and distance_m >= 0:
        distance_km = (Decimal(str(distance_m)) / 1000).quantize(Decimal("0.01"))
        if distance_km > MAX_DISTANCE_KM:
            raise _Unreadable("the file's distance is implausible (over 9,999 km).")
    average = None
    if heart_rate is not None and HEART_RATE_RANGE[0] <= heart_rate <= HEART_RATE_RANGE[1]:
        average = round(heart_rate)
    return RunRecord(
        format=kind,
        start=start.astimezone(UTC),
        elapsed=elapsed,
        distance_km=distance_km,
        avg_heart_rate=average,
        sport=sport,
    )


def _not_a_run(sport: str) -> _Unreadable:
    return _Unreadable(f"the activity is {sport!r}, not a run.")


# ---------------------------------------------------------------------------- FIT


def _read_fit(content: bytes) -> RunRecord:
    stream = Stream.from_byte_array(bytearray(content))
    if not Decoder(stream).check_integrity():
        raise _Unreadable("the FIT file is truncated or damaged (its checksum does not match).")
    messages, errors = Decoder(Stream.from_byte_array(bytearray(content))).read()
    if errors:
        raise _Unreadable("the FIT file is truncated or damaged and cannot be read.")
    file_ids = messages.get("file_id_mesgs", [])
    if file_ids and file_ids[0].get("type") not in (None, "activity"):
        raise _Unreadable(
            f"the FIT file is a {file_ids[0].get('type')!s}, not a recorded activity."
        )
    sessions = cast(list[dict[str, Any]], messages.get("session_mesgs", []))
    sports = [s.get("sport") for s in sessions] + [
        s.get("sport") for s in messages.get("sport_mesgs", [])
    ]
    sport = next((str(s) for s in sports if s is not None), "")
    if sport and sport not in FIT_RUN_SPORTS:
        raise _not_a_run(sport)
    records = [r for r in messages.get("record_mesgs", []) if r.get("timestamp") is not None]
    if sessions and sessions[0].get("start_time") and sessions[0].get("total_elapsed_time"):
        # The watch's own summary: what the athlete saw at the end of the run.
        first = sessions[0]
        start = first["start_time"]
        end = start + timedelta(seconds=sum(s.get("total_elapsed_time") or 0 for s in sessions))
        distances = [s["total_distance"] for s in sessions if s.get("total_distance") is not None]
        distance = sum(distances) if distances else None
        heart_rate = first.get("avg_heart_rate")
    elif records:
        start, end = records[0]["timestamp"], records[-1]["timestamp"]
        distances = [r["distance"] for r in records if r.get("distance") is not None]
        distance = max(distances) if distances else None
        heart_rate = _mean(r.get("heart_rate") for r in records)
    else:
        start = end = None
        distance = heart_rate = None
    return _record(RunFileFormat.FIT, start, end, distance, heart_rate, sport)


def _mean(values: Any) -> float | None:
    present = [v for v in values if isinstance(v, int | float)]
    return sum(present) / len(present) if present else None


# ---------------------------------------------------------------------------- GPX


def _read_gpx(content: bytes) -> RunRecord:
    gpx = gpxpy.parse(io.BytesIO(content).read().decode("utf-8-sig"))
    types = {kind for track in gpx.tracks if (kind := (track.type or "").strip().lower())}
    for kind in sorted(types):
        if kind not in GPX_RUN_TYPES:
            raise _not_a_run(kind)
    points = [p for track in gpx.tracks for seg in track.segments for p in seg.points]
    times = [p.time for p in points if p.time is not None]
    distance = gpx.length_2d() if points else None
    heart_rate = _mean(_gpx_heart_rate(p) for p in points)
    return _record(
        RunFileFormat.GPX,
        min(times, default=None),
        max(times, default=None),
        distance,
        heart_rate,
        next(iter(sorted(types)), ""),
    )


def _gpx_heart_rate(point: gpxpy.gpx.GPXTrackPoint) -> int | None:
    # Garmin's TrackPointExtension (<gpxtpx:hr>), the one every exporter writes.
    for extension in point.extensions:
        for element in extension.iter():
            if str(element.tag).rsplit("}", 1)[-1] == "hr" and element.text:
                try:
                    return int(element.text.strip())
                except ValueError:
                    return None
    return None


# ---------------------------------------------------------------------------- TCX


def _read_tcx(content: bytes) -> RunRecord:
    root = ET.fromstring(content)
    activity = root.find(f"{{{TCX_NAMESPACE}}}Activities/{{{TCX_NAMESPACE}}}Activity")
    sport = (activity.get("Sport") or "").strip() if activity is not None else ""
    if sport and sport.lower() not in TCX_RUN_SPORTS:
        raise _not_a_run(sport)
    laps = activity.findall(f"{{{TCX_NAMESPACE}}}Lap") if activity is not None else []
    # Times read here rather than from tcxreader, which drops their offset.
    times = [
        _tcx_time(element.text)
        for element in root.iter(f"{{{TCX_NAMESPACE}}}Time")
        if element.text and element.text.strip()
    ]
    start = min(
        [_tcx_time(lap.get("StartTime")) for lap in laps if lap.get("StartTime")], default=None
    )
    start = min(times, default=start) if start is None else min([start, *times])
    end = max(times, default=None)
    lap_seconds = [_float(lap.findtext(f"{{{TCX_NAMESPACE}}}TotalTimeSeconds")) for lap in laps]
    if start is not None and lap_seconds and all(s is not None for s in lap_seconds):
        # The laps' timer time, when the track ends sooner (or has no times at all).
        end = max(end or start, start + timedelta(seconds=sum(s or 0 for s in lap_seconds)))
    if start is None:
        return _record(RunFileFormat.TCX, None, None, None, None, sport.lower())
    # Every trackpoint, with or without a position (a treadmill run has none).
    exercise = TCXReader().read(io.BytesIO(content), only_gps=False)
    distance = exercise.distance if exercise.distance else None
    return _record(RunFileFormat.TCX, start, end, distance, exercise.hr_avg, sport.lower())


def _tcx_time(text: str | None) -> datetime:
    moment = datetime.fromisoformat((text or "").strip().replace("Z", "+00:00"))
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _float(text: str | None) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None
