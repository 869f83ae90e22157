from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "apps.ops"
    label = "ops"

    def ready(self):
        from apps.ops import signals  # noqa: F401, PLC0415 - connects the Celery signal handlers
