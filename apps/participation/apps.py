from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    name = "apps.participation"
    label = "participation"

    def ready(self):
        from . import receivers  # noqa: PLC0415 - ready() runs once the models are loaded; receivers imports them

        receivers.connect()
