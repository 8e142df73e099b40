"""The physical limit of this stack for bench/api_bench.py: a Django view with no middleware,
no database and no installed app, served by the same gunicorn command as the app
(`gunicorn bench.bare:application ...`). What the app's addresses cost beyond it is ours.

This module is its own settings, URLconf and WSGI application."""

import os

from django.core.wsgi import get_wsgi_application
from django.http import HttpRequest, JsonResponse
from django.urls import path

SECRET_KEY = "bench-bare-not-a-secret"
DEBUG = False
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
DATABASES: dict = {}
ROOT_URLCONF = __name__
USE_TZ = True


def bare(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


urlpatterns = [path("bare", bare)]

# The server's environment names the app's settings; this process serves these instead.
os.environ["DJANGO_SETTINGS_MODULE"] = __name__
application = get_wsgi_application()
