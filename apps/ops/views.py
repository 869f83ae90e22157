"""Health and metrics endpoints for load balancers, orchestrators and Prometheus (not for people:
no page, no translation). They sit outside the language prefix, at the site's root."""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

from apps.accounts.adapter import client_ip
from apps.ops.metrics import metrics_render
from apps.ops.selectors import readiness, readiness_failures


@never_cache
@require_GET
def healthz(request):
    """The process is alive and answers (no database, no broker)."""
    return HttpResponse("ok\n", content_type="text/plain")


@never_cache
@require_GET
def readyz(request):
    """200 when the database, migrations, search backend and broker (when one is configured) all
    answer; 503 naming the failing parts otherwise."""
    parts = readiness()
    failing = readiness_failures(parts)
    body = {"status": "fail" if failing else "ok", "failing": failing, "checks": parts}
    return JsonResponse(body, status=503 if failing else 200)


def metrics_allowed(request) -> bool:
    """A Bearer token equal to METRICS_TOKEN, or a client address within METRICS_ALLOWED_IPS
    (addresses or networks; the client address as TRUSTED_PROXY_COUNT finds it). Neither
    configured: nobody."""
    token = settings.METRICS_TOKEN
    auth = request.headers.get("Authorization", "")
    if token and auth.startswith("Bearer ") and hmac.compare_digest(auth[7:].strip(), token):
        return True
    if settings.METRICS_ALLOWED_IPS:
        try:
            address = ipaddress.ip_address(client_ip(request))
        except ValueError:
            return False
        for allowed in settings.METRICS_ALLOWED_IPS:
            try:
                if address in ipaddress.ip_network(allowed, strict=False):
                    return True
            except ValueError:
                continue
    return False


@never_cache
@require_GET
def metrics(request):
    if not metrics_allowed(request):
        return HttpResponse("forbidden\n", status=403, content_type="text/plain")
    return HttpResponse(metrics_render(), content_type=CONTENT_TYPE_LATEST)
