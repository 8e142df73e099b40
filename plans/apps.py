from django.apps import AppConfig
from django.urls import register_converter


class PlansConfig(AppConfig):
    name = "plans"

    def ready(self) -> None:
        # Here, not in a urls module: every URLconf that names a week (the pages', the API's)
        # is loaded after the apps are ready, whichever includes it first.
        from plans.converters import IsoWeekConverter

        register_converter(IsoWeekConverter, "isoweek")
