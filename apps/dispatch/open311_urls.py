"""Open311 GeoReport v2 (included at /open311/ outside i18n)."""

from django.urls import re_path

from apps.dispatch import open311

urlpatterns = [
    re_path(r"^v2/discovery\.(?P<fmt>\w+)$", open311.discovery, name="open311-discovery"),
    re_path(r"^v2/services\.(?P<fmt>\w+)$", open311.services, name="open311-services"),
    re_path(r"^v2/services/(?P<code>[^/]+)\.(?P<fmt>\w+)$", open311.service_definition, name="open311-service"),
    re_path(r"^v2/requests\.(?P<fmt>\w+)$", open311.requests_, name="open311-requests"),
    re_path(
        r"^v2/requests/(?P<pk>\d+|[Rr][0-9A-Za-z]{1,11})\.(?P<fmt>\w+)$", open311.request_detail, name="open311-request"
    ),
    re_path(r"^v2/tokens/(?P<token>[^/]+)\.(?P<fmt>\w+)$", open311.token_detail, name="open311-token"),
]
