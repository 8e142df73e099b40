"""API answers are one user's data: no cache between the client and us may keep them."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

# The schema and its docs page are the same for everyone and need no login.
PUBLIC_API_VIEWS = frozenset({"api-schema", "api-docs"})


class PrivateApiMiddleware:
    """`Cache-Control: private, no-store` on every answer under /api/, errors included (a 401,
    a 404, the 503 of a lost database), except the public schema and docs. Listed early in
    MIDDLEWARE, so it sees the answers the middleware after it makes too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith("/api/"):
            view = getattr(request.resolver_match, "url_name", None)
            if view not in PUBLIC_API_VIEWS:
                patch_cache_control(response, private=True, no_store=True)
        return response
