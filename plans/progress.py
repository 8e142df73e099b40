"""An athlete's last weeks for the progress page: the deadlift e1RM each week and the share of
sessions done, read by the week's read model (plans.selectors.read_span) in three queries and
drawn as server-side SVG."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from athletes.models import Athlete
from plans.domain.ticks import nice_ticks, tick_label
from plans.domain.weeks import Week
from plans.selectors import LoadedWeek, best_e1rm, read_span

WEEKS = 12


@dataclass(frozen=True)
class WeekPoint:
    monday: date
    e1rm_kg: Decimal | None
    done: int
    planned: int

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
class Progress:
    weeks: list[WeekPoint]
    e1rm_chart: Chart
    compliance_chart: Chart


def athlete_progress(*, athlete: Athlete, last_week: date, weeks: int = WEEKS) -> Progress:
    return progress_of(read_span(athlete, last_week - timedelta(weeks=weeks - 1), last_week))


def progress_of(span: list[LoadedWeek]) -> Progress:
    """The progress of the weeks read (selectors.read_span), in their order."""
    points = []
    for loaded in span:
        # The best of the week's own logged deadlift sets.
        e1rm = best_e1rm(loaded.lifts, *loaded.bounds)
        kg, tally = e1rm.kg if e1rm else None, loaded.tally
        points.append(WeekPoint(loaded.monday, kg, tally.done, tally.planned))
    return Progress(points, _e1rm_chart(points), _compliance_chart(points))


WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 12, 28


def _x(index: int, count: int) -> float:
    step = (WIDTH - LEFT - RIGHT) / max(count, 1)
    return LEFT + step * index + step / 2


def _x_labels(points: list[WeekPoint]) -> list[tuple[float, str]]:
    return [(_x(i, len(points)), point.short_name) for i, point in enumerate(points)]


def _e1rm_chart(points: list[WeekPoint]) -> Chart:
    values = [p.e1rm_kg for p in points if p.e1rm_kg is not None]
    plot_height = HEIGHT - TOP - BOTTOM
    if not values:
        return Chart(WIDTH, HEIGHT, [], "", [], [], _x_labels(points), True)
    # The axis runs from tick to tick: 1/2/5 × 10^k steps covering the data (plans.domain.ticks).
    tick_values = nice_ticks(min(values), max(values))
    low, high = float(tick_values[0]), float(tick_values[-1])

    def y(value: float) -> float:
        return TOP + plot_height * (1 - (value - low) / (high - low))

    marks = []
    for i, point in enumerate(points):
        if point.e1rm_kg is not None:
            marks.append(
                (_x(i, len(points)), y(float(point.e1rm_kg)), point.name, f"{point.e1rm_kg} kg")
            )
    ticks = [(y(float(value)), tick_label(value)) for value in tick_values]
    polyline = " ".join(f"{x:.1f},{y_:.1f}" for x, y_, _, _ in marks)
    return Chart(WIDTH, HEIGHT, marks, polyline, [], ticks, _x_labels(points), False)


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
