"""A request that meets an unreachable database answers 503 with Retry-After, not 500.

PostgreSQL restarting, failing over or refusing connections surfaces as Django's
``OperationalError`` or ``InterfaceError``, wherever the request was: a view, the API, a
middleware loading the session or the user, or the commit. Django turns any uncaught exception
into its 500 response at the layer where it was raised and announces it with
``got_request_exception``; the receiver here marks the request, and the middleware (near the
outside, so metrics and the request id see its answer) replaces that 500 with a 503 saying, in the
visitor's language, to try again in a moment. The error is still logged as the 500 was.

A load balancer or Stripe retries a 503; nothing was half-written, since each service's
transaction rolled back with the connection."""

from __future__ import annotations

import sys

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

RETRY_AFTER_SECONDS = 5
_MARK = "_sanshe_database_unavailable"


def _mark_database_error(sender, request=None, **kwargs):
    if request is not None and isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        setattr(request, _MARK, True)


got_request_exception.connect(_mark_database_error, dispatch_uid="ops_database_unavailable")


def _wants_json(request) -> bool:
    return (
        request.path_info.startswith(("/api/", "/stripe/", "/open311/"))
        or "json" in request.headers.get("Accept", "").split(",")[0]
    )


def database_unavailable_response(request) -> HttpResponse:
    language = getattr(request, "LANGUAGE_CODE", None) or translation.get_language_from_request(request)
    with translation.override(language):
        message = _("The database is not answering for a moment. Nothing was saved; please try again in a few seconds.")
        if _wants_json(request):
            response = JsonResponse({"detail": message}, status=503)
        else:
            html = render_to_string(
                "503.html", {"title": _("Briefly unavailable"), "message": message, "language": language}
            )
            response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, _MARK, False):
            return database_unavailable_response(request)
        return response
