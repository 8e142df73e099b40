from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "web"

    def ready(self) -> None:
        from web import request_log  # noqa: F401 - connects the failed-login receiver
