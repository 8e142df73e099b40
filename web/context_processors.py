from django.http import HttpRequest

from athletes.access import viewer_units


def load_unit(request: HttpRequest) -> dict[str, str]:
    """`load_unit` on every page: the viewer's kg or lb, for the `load` template filters
    (plans/templatetags/ironstride.py)."""
    return {"load_unit": viewer_units(getattr(request, "user", None))}  # type: ignore[arg-type]
