from django.apps import AppConfig


class AthletesConfig(AppConfig):
    name = "athletes"

    def ready(self) -> None:
        from athletes import signals  # noqa: F401 - connects the receivers
        from config import request_log  # noqa: F401 - logs failed logins
