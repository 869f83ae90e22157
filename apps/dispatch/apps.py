from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "apps.dispatch"
    label = "dispatch"

    def ready(self):
        from apps.dispatch import checks  # noqa: F401  (registers the MAP_TILE_URL check)
