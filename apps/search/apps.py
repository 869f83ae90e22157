from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "apps.search"
    label = "search"

    def ready(self):
        from . import signals  # noqa: PLC0415 - ready() runs once the models are loaded; signals imports them

        signals.connect()
