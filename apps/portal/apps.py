from django.apps import AppConfig


class PortalConfig(AppConfig):
    """What spans the site: the workspace page, demo orchestration and the large demo. The top layer
    (integrators): it may import every app; no app imports it."""

    name = "apps.portal"
    label = "portal"
