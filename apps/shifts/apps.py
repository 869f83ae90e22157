from django.apps import AppConfig


class ShiftsConfig(AppConfig):
    name = "apps.shifts"
    label = "shifts"
