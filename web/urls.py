"""The site-wide URLs of the web app's views: the health check, the API's schema and docs, and
the JSON 404 for any other path under /api/. Not namespaced: the schema's name is the one
drf-spectacular's docs view and the cache middleware look for. config/urls.py includes
`health_urlpatterns` first (a load balancer asks several times a second, and each pattern tried
before a match costs it) and `urlpatterns` last, so the catch-all sees only what no app's URL
took."""

from django.conf import settings
from django.urls import path, re_path
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from web import health
from web.api import api_not_found

# Swagger UI sets style attributes as it renders; its scripts still come only from the app
# (the split view serves its start-up script as a file, not inline).
API_DOCS = csp_override({**settings.SECURE_CSP, "style-src": [CSP.SELF, CSP.UNSAFE_INLINE]})(
    SpectacularSwaggerSplitView.as_view(url_name="api-schema")
)

health_urlpatterns = [path("healthz", health.healthz, name="healthz")]

urlpatterns = [
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", API_DOCS, name="api-docs"),
    re_path(r"^api/", api_not_found),
]
