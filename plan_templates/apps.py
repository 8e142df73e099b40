from django.apps import AppConfig


class PlanTemplatesConfig(AppConfig):
    name = "plan_templates"
    verbose_name = "Plan templates"
