"""Everything under /api/v1/: each app's routes live in its api_urls.py, next to the views that
serve them; this file only mounts them, in the "api" namespace. A new endpoint goes into its
app's api_urls.py and into the permission matrix's table (tests/api/test_permissions.py),
whose test fails for any pattern the table misses."""

from django.urls import include, path, re_path

from web.api import api_not_found

urlpatterns = [
    path("", include("athletes.api_urls")),
    path("", include("workouts.api_urls")),
    path("", include("plans.api_urls")),
    path("", include("plan_templates.api_urls")),
    # Anything else under /api/v1/ answers JSON too.
    re_path(r"^.*$", api_not_found),
]
