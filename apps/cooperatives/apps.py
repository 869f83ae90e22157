from django.apps import AppConfig


class CooperativesConfig(AppConfig):
    name = "apps.cooperatives"
    label = "cooperatives"
