from django.apps import AppConfig


class AthletesConfig(AppConfig):
    name = "athletes"

    def ready(self) -> None:
        from athletes import signals  # noqa: F401 - connects the receivers
