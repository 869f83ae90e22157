"""Table downloads for API views: ``?format=csv`` and ``?format=xlsx``.

A view that offers them returns ``Response(data)`` where the renderer finds the rows through
``table_rows(data)`` set on the view (a list of dicts with the accountant's column names).
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

from rest_framework.renderers import BaseRenderer


def _rows(data, renderer_context) -> list[dict]:
    view = (renderer_context or {}).get("view")
    if view is not None and hasattr(view, "table_rows"):
        return view.table_rows(data)
    if isinstance(data, dict) and "results" in data:
        return data["results"]
    return data if isinstance(data, list) else [data]


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        rows = _rows(data, renderer_context)
        buffer = io.StringIO()
        buffer.write("\ufeff")  # Excel opens UTF-8 CSV with Chinese correctly only with a BOM
        if rows:
            writer = csv.DictWriter(buffer, fieldnames=list(rows[0].keys()), extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
        return buffer.getvalue().encode("utf-8")


class XLSXRenderer(BaseRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        from openpyxl import Workbook

        rows = _rows(data, renderer_context)
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("data")
        if rows:
            headers = list(rows[0].keys())
            sheet.append(headers)
            for row in rows:
                sheet.append([_cell(row.get(h)) for h in headers])
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


_NUMBER = re.compile(r"^-?\d+\.\d+$")  # decimals only: codes like 510107006001 stay text


def _cell(value):
    """Numbers stay numbers in the sheet (the API carries money as decimal strings)."""
    if isinstance(value, str) and _NUMBER.match(value):
        return Decimal(value)
    if isinstance(value, list | dict):
        return str(value)
    return value
