"""The `isoweek` path converter: `<isoweek:week>` in a URL pattern hands the view a `Week`.

A path naming no week in the years Ironstride plans for (`2026-W54`, `2100-W01`, `abc`) does
not match, so the page or API address does not exist: Django answers 404, and under /api/ the
API's JSON 404. Views parse nothing. Registered once, in PlansConfig.ready()."""

from plans.domain.weeks import Week


class IsoWeekConverter:
    # The name's shape only; Week.parse decides the rest (week 53, the years).
    regex = r"[0-9]{4}-W[0-9]{2}"

    def to_python(self, value: str) -> Week:
        return Week.parse(value)  # InvalidWeek is a ValueError: no match

    def to_url(self, value: Week | str) -> str:
        # A Week, or its name as the templates hold it (`week_name`).
        return str(value)
