"""Small run files made in the tests: FIT with Garmin's own encoder, GPX and TCX as text. Each
takes the run's start (aware), elapsed minutes, distance and average heart rate, and a sport;
the broken variants are made from these (cut short, emptied, renamed, ...)."""

from datetime import UTC, datetime, timedelta

from garmin_fit_sdk import Encoder, Profile

MESG_NUM = Profile["mesg_num"]


def fit_file(
    start: datetime,
    *,
    minutes: float = 45,
    distance_m: float | None = 8500.0,
    heart_rate: int | None = 148,
    sport: str | None = "running",
    file_type: str = "activity",
    with_session: bool = True,
    records: int = 3,
) -> bytes:
    encoder = Encoder()
    encoder.on_mesg(
        MESG_NUM["FILE_ID"],
        {
            "type": file_type,
            "manufacturer": "development",
            "product": 0,
            "time_created": start,
            "serial_number": 1234,
        },
    )
    end = start + timedelta(minutes=minutes)
    for i in range(records):
        moment = start + (end - start) * i / max(1, records - 1)
        record: dict[str, object] = {"timestamp": moment}
        if heart_rate is not None:
            record["heart_rate"] = heart_rate
        if distance_m is not None:
            record["distance"] = distance_m * i / max(1, records - 1)
        encoder.on_mesg(MESG_NUM["RECORD"], record)
    if with_session:
        session: dict[str, object] = {
            "timestamp": end,
            "start_time": start,
            "total_elapsed_time": minutes * 60,
            "total_timer_time": minutes * 60,
        }
        if distance_m is not None:
            session["total_distance"] = distance_m
        if heart_rate is not None:
            session["avg_heart_rate"] = heart_rate
        if sport is not None:
            session["sport"] = sport
        encoder.on_mesg(MESG_NUM["SESSION"], session)
    return encoder.close()


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def gpx_file(
    start: datetime,
    *,
    minutes: float = 45,
    heart_rate: int | None = 150,
    track_type: str | None = "running",
    timestamps: bool = True,
    points: int = 3,
) -> bytes:
    """A straight track north from Berlin's Tiergarten: 0.01° of latitude per step (1.11 km)."""
    end = start + timedelta(minutes=minutes)
    rows = []
    for i in range(points):
        moment = start + (end - start) * i / max(1, points - 1)
        time = f"<time>{_iso(moment)}</time>" if timestamps else ""
        hr = (
            "<extensions><gpxtpx:TrackPointExtension>"
            f"<gpxtpx:hr>{heart_rate}</gpxtpx:hr>"
            "</gpxtpx:TrackPointExtension></extensions>"
            if heart_rate is not None
            else ""
        )
        rows.append(f'<trkpt lat="{52.50 + 0.01 * i:.4f}" lon="13.3500">{time}{hr}</trkpt>')
    kind = f"<type>{track_type}</type>" if track_type is not None else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx version="1.1" creator="ironstride-tests" xmlns="http://www.topografix.com/GPX/1/1" '
        'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">\n'
        f"<trk><name>Morning run</name>{kind}<trkseg>{''.join(rows)}</trkseg></trk>\n"
        "</gpx>\n"
    ).encode()


def tcx_file(
    start: datetime,
    *,
    minutes: float = 45,
    distance_m: float = 8500.0,
    heart_rate: int | None = 152,
    sport: str = "Running",
    timestamps: bool = True,
    points: int = 3,
) -> bytes:
    end = start + timedelta(minutes=minutes)
    rows = []
    for i in range(points):
        moment = start + (end - start) * i / max(1, points - 1)
        time = f"<Time>{_iso(moment)}</Time>" if timestamps else ""
        hr = (
            f"<HeartRateBpm><Value>{heart_rate}</Value></HeartRateBpm>"
            if heart_rate is not None
            else ""
        )
        rows.append(
            f"<Trackpoint>{time}"
            f"<DistanceMeters>{distance_m * i / max(1, points - 1):.1f}</DistanceMeters>"
            f"{hr}</Trackpoint>"
        )
    lap_start = f' StartTime="{_iso(start)}"' if timestamps else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">'
        f'<Activities><Activity Sport="{sport}"><Id>{_iso(start)}</Id>'
        f"<Lap{lap_start}><TotalTimeSeconds>{minutes * 60:.1f}</TotalTimeSeconds>"
        f"<DistanceMeters>{distance_m:.1f}</DistanceMeters><Calories>500</Calories>"
        f"<Intensity>Active</Intensity><TriggerMethod>Manual</TriggerMethod>"
        f"<Track>{''.join(rows)}</Track></Lap>"
        "</Activity></Activities></TrainingCenterDatabase>\n"
    ).encode()
