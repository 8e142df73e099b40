"""An athlete's last weeks for the progress page: the deadlift e1RM each week, the weekly
running volume planned against done (hours on the chart, beside the e1RM's line, so both sides
of the concurrent training share one picture; km in the table) and the share of sessions
done, read by the week's read model (plans.selectors.read_span) in four queries and drawn as
server-side SVG."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from athletes.models import Athlete
from plans.domain.compliance import RunVolume, VolumeRun, run_volume
from plans.domain.ticks import nice_ticks, tick_label
from plans.domain.units import Unit, format_load, from_kg
from plans.domain.weeks import Week
from plans.selectors import LoadedWeek, best_e1rm, read_span

WEEKS = 12


@dataclass(frozen=True)
class WeekPoint:
    monday: date
    e1rm_kg: Decimal | None  # to 0.1 kg
    done: int
    planned: int
    volume: RunVolume = RunVolume()
    e1rm_exact_kg: Decimal | None = None
    unit: Unit = Unit.KG  # the viewer's

    @property
    def e1rm_shown(self) -> Decimal | None:
        """The e1RM in the viewer's unit, to its tenth: the chart's line."""
        return (
            None if self.e1rm_exact_kg is None else from_kg(self.e1rm_exact_kg, self.unit, places=1)
        )

    @property
    def e1rm_label(self) -> str:
        """ "168.2 kg", "370.8 lb", or "" without an e1RM that week (units.format_load)."""
        if self.e1rm_exact_kg is None:
            return ""
        return format_load(self.e1rm_exact_kg, self.unit, places=1)

    @property
    def name(self) -> str:
        return Week(self.monday).name

    @property
    def short_name(self) -> str:
        return f"W{self.monday.isocalendar()[1]:02d}"

    @property
    def compliance_percent(self) -> int | None:
        return round(100 * self.done / self.planned) if self.planned else None


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    points: list[tuple[float, float, str, str]]  # x, y, week label, value label
    polyline: str
    bars: list[Bar]
    y_ticks: list[tuple[float, str]]
    x_labels: list[tuple[float, str]]
    empty: bool


@dataclass(frozen=True)
class VolumeChart:
    """Running hours per week, planned and done side by side (left axis), and the deadlift's
    e1RM as a line over them (right axis)."""

    width: int
    height: int
    planned_bars: list[Bar]
    done_bars: list[Bar]
    hour_ticks: list[tuple[float, str]]
    e1rm: Chart  # its points, polyline and y_ticks on the right axis
    x_labels: list[tuple[float, str]]
    empty: bool


@dataclass(frozen=True)
class Progress:
    weeks: list[WeekPoint]
    e1rm_chart: Chart
    compliance_chart: Chart
    volume_chart: VolumeChart


def athlete_progress(
    *, athlete: Athlete, last_week: date, weeks: int = WEEKS, unit: Unit = Unit.KG
) -> Progress:
    span = read_span(athlete, last_week - timedelta(weeks=weeks - 1), last_week)
    return progress_of(span, unit=unit)


def progress_of(span: list[LoadedWeek], *, unit: Unit = Unit.KG) -> Progress:
    """The progress of the weeks read (selectors.read_span), in their order, the e1RM in the
    viewer's `unit`."""
    points = []
    for loaded in span:
        # The best of the week's own logged deadlift sets.
        e1rm = best_e1rm(loaded.lifts, *loaded.bounds)
        kg, tally = e1rm.kg if e1rm else None, loaded.tally
        volume = run_volume(
            VolumeRun(
                row["status"],
                row["duration_minutes"],
                row["actual_duration_minutes"],
                row["distance_km"],
                row["unplanned"],
            )
            for row in loaded.runs
        )
        exact = e1rm.decimal if e1rm else None
        points.append(WeekPoint(loaded.monday, kg, tally.done, tally.planned, volume, exact, unit))
    return Progress(points, _e1rm_chart(points), _compliance_chart(points), _volume_chart(points))


WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 12, 28


# The volume chart keeps room on the right for the e1RM's axis.
RIGHT_AXIS = 48


def _x(index: int, count: int, right: int = RIGHT) -> float:
    step = (WIDTH - LEFT - right) / max(count, 1)
    return LEFT + step * index + step / 2


def _x_labels(points: list[WeekPoint], right: int = RIGHT) -> list[tuple[float, str]]:
    return [(_x(i, len(points), right), point.short_name) for i, point in enumerate(points)]


def _e1rm_chart(points: list[WeekPoint], right: int = RIGHT) -> Chart:
    values = [p.e1rm_shown for p in points if p.e1rm_shown is not None]
    plot_height = HEIGHT - TOP - BOTTOM
    if not values:
        return Chart(WIDTH, HEIGHT, [], "", [], [], _x_labels(points, right), True)
    # The axis runs from tick to tick: 1/2/5 × 10^k steps covering the data (plans.domain.ticks).
    tick_values = nice_ticks(min(values), max(values))
    low, high = float(tick_values[0]), float(tick_values[-1])

    def y(value: float) -> float:
        return TOP + plot_height * (1 - (value - low) / (high - low))

    marks = []
    for i, point in enumerate(points):
        if point.e1rm_shown is not None:
            marks.append(
                (
                    _x(i, len(points), right),
                    y(float(point.e1rm_shown)),
                    point.name,
                    point.e1rm_label,
                )
            )
    ticks = [(y(float(value)), tick_label(value)) for value in tick_values]
    polyline = " ".join(f"{x:.1f},{y_:.1f}" for x, y_, _, _ in marks)
    return Chart(WIDTH, HEIGHT, marks, polyline, [], ticks, _x_labels(points, right), False)


def _compliance_chart(points: list[WeekPoint]) -> Chart:
    plot_height = HEIGHT - TOP - BOTTOM
    step = (WIDTH - LEFT - RIGHT) / len(points)
    bars = []
    for i, point in enumerate(points):
        percent = point.compliance_percent
        height = plot_height * (percent or 0) / 100
        bars.append(
            Bar(
                x=_x(i, len(points)) - step * 0.35,
                y=TOP + plot_height - height,
                width=step * 0.7,
                height=height,
                label=point.name,
                value=f"{percent} %" if percent is not None else "no sessions",
            )
        )
    ticks = [
        (TOP + plot_height * (1 - float(value) / 100), tick_label(value))
        for value in nice_ticks(Decimal(0), Decimal(100))
    ]
    empty = not any(p.planned for p in points)
    return Chart(WIDTH, HEIGHT, [], "", bars, ticks, _x_labels(points), empty)


def _volume_chart(points: list[WeekPoint]) -> VolumeChart:
    plot_height = HEIGHT - TOP - BOTTOM
    step = (WIDTH - LEFT - RIGHT_AXIS) / len(points)
    most = max([Decimal(0), *(max(p.volume.planned_hours, p.volume.done_hours) for p in points)])
    tick_values = nice_ticks(Decimal(0), most or Decimal(1))
    high = float(tick_values[-1])

    def bar(i: int, point: WeekPoint, hours: Decimal, km: Decimal, offset: float, what: str) -> Bar:
        height = plot_height * float(hours) / high
        return Bar(
            x=LEFT + step * i + step * offset,
            y=TOP + plot_height - height,
            width=step * 0.36,
            height=height,
            label=point.name,
            value=f"{what} {hours} h, {decimal_km(km)} km",
        )

    planned = [
        bar(i, p, p.volume.planned_hours, p.volume.planned_km, 0.12, "planned")
        for i, p in enumerate(points)
    ]
    done = [
        bar(i, p, p.volume.done_hours, p.volume.done_km, 0.52, "done") for i, p in enumerate(points)
    ]
    hour_ticks = [
        (TOP + plot_height * (1 - float(value) / high), tick_label(value)) for value in tick_values
    ]
    e1rm = _e1rm_chart(points, right=RIGHT_AXIS)
    x_labels = [(LEFT + step * i + step / 2, p.short_name) for i, p in enumerate(points)]
    empty = not any(p.volume.planned_minutes for p in points) and e1rm.empty
    return VolumeChart(WIDTH, HEIGHT, planned, done, hour_ticks, e1rm, x_labels, empty)


def decimal_km(km: Decimal) -> str:
    return tick_label(km.quantize(Decimal("0.1")))
