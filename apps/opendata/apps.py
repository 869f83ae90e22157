from django.apps import AppConfig


class OpendataConfig(AppConfig):
    name = "apps.opendata"
    label = "opendata"
