from django.apps import AppConfig
from django.core import checks

from apps.dispatch.checks import map_tile_url_check


class DispatchConfig(AppConfig):
    name = "apps.dispatch"
    label = "dispatch"

    def ready(self):
        checks.register(map_tile_url_check)
