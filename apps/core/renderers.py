"""Table downloads for API views: ``?format=csv`` and ``?format=xlsx``.

A view that offers them derives from ``TableDownloadView`` and returns ``Response(data)``; the
renderer finds the rows through ``table_rows(data)`` on the view (a list of dicts keyed by the
columns' codes) and writes them through ``apps.core.exports``. The view's
``table_columns(codes)`` gives an ``apps.core.exports.Column`` per code, so the file names its
columns in the request's language and shows enums by their display names, like every other
export; ``?headers=codes`` keeps the codes (CONTRACT's figure names) and raw values. An error is
answered as JSON whatever format was asked for: it has no rows, and a client reads it like any
other.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter
from rest_framework.renderers import BaseRenderer, BrowsableAPIRenderer, JSONRenderer
from rest_framework.views import APIView

from apps.core.exports import (
    HEADERS_CODES,
    HEADERS_DESCRIPTION,
    HEADERS_PARAMETER,
    XLSX_TYPE,
    csv_bytes,
    export_codes,
    export_table,
    xlsx_bytes,
)

HEADERS_OPENAPI_PARAMETER = OpenApiParameter(
    HEADERS_PARAMETER, str, enum=[HEADERS_CODES], required=False, description=HEADERS_DESCRIPTION
)


def _table(data, renderer_context) -> tuple[list[str], list[list]]:
    view = (renderer_context or {}).get("view")
    if view is not None and hasattr(view, "table_rows"):
        rows = view.table_rows(data)
    elif isinstance(data, dict) and "results" in data:
        rows = data["results"]
    else:
        rows = data if isinstance(data, list) else [data]
    if not rows:
        return [], []
    codes = list(rows[0].keys())
    table = [[_flat(row.get(h)) for h in codes] for row in rows]
    request = (renderer_context or {}).get("request")
    if request is None or not hasattr(view, "table_columns"):
        return codes, table
    header, values = export_table(view.table_columns(codes), table, codes=export_codes(request))
    return header, list(values)


def _flat(value):
    return str(value) if isinstance(value, list | dict) else value


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return csv_bytes(*_table(data, renderer_context))


class XLSXRenderer(BaseRenderer):
    media_type = XLSX_TYPE
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return xlsx_bytes(*_table(data, renderer_context))


TABLE_FORMATS = (CSVRenderer.format, XLSXRenderer.format)


class TableDownloadView(APIView):
    """An API view whose answer can also be downloaded as CSV or XLSX; errors stay JSON."""

    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer, XLSXRenderer]

    def finalize_response(self, request, response, *args, **kwargs):
        accepted = getattr(request, "accepted_renderer", None)
        if getattr(response, "exception", False) and accepted is not None and accepted.format in TABLE_FORMATS:
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)
