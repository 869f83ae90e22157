from django.apps import AppConfig


class FundreportsConfig(AppConfig):
    name = "apps.fundreports"
    label = "fundreports"
