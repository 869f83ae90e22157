"""Every CSV and XLSX file the platform writes goes through here, so none can carry a formula.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some programs, a
tab or carriage return) as a formula: a donor name ``=HYPERLINK(...)`` in a fund's public books
would become a live link in the accountant's spreadsheet (OWASP "CSV injection"). Text cells that
start so are prefixed with ``'``, which spreadsheets show as text; numbers (``int``, ``Decimal``)
stay numbers, negative ones included, and the API's two-decimal money strings become numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"  # spreadsheet programs read UTF-8 (and so the Chinese text) only with a BOM

_DECIMAL = re.compile(r"^-?\d+\.\d+$")  # money strings; digit-only codes like 510107006001 stay text


def export_cell(value):
    """The value as a cell: numbers, dates and booleans as they are, text made inert."""
    if value is None:
        return ""
    if isinstance(value, bool | int | Decimal | dt.date | dt.time):
        return value
    text = value if isinstance(value, str) else str(value)
    if _DECIMAL.match(text):
        return Decimal(text)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def export_row(values: Iterable) -> list:
    return [export_cell(v) for v in values]


class _Echo:
    """A file-like object whose ``write`` hands the line back, for streaming ``csv.writer``."""

    def write(self, value):
        return value


def csv_lines(header: Sequence[str], rows: Iterable[Iterable]) -> Iterable[str]:
    """The file's text, line by line (BOM first)."""
    writer = csv.writer(_Echo())
    yield BOM
    if header:
        yield writer.writerow(export_row(header))
    for row in rows:
        yield writer.writerow(export_row(row))


def csv_bytes(header: Sequence[str], rows: Iterable[Iterable]) -> bytes:
    return "".join(csv_lines(header, rows)).encode("utf-8")


def xlsx_bytes(header: Sequence[str], rows: Iterable[Iterable], *, sheet: str = "data") -> bytes:
    book = Workbook(write_only=True)
    page = book.create_sheet(sheet)
    if header:
        page.append(export_row(header))
    for row in rows:
        page.append([_xlsx_value(v) for v in export_row(row)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_value(cell):
    """openpyxl refuses aware datetimes; local wall-clock time is what the reader expects."""
    if isinstance(cell, dt.datetime) and cell.tzinfo is not None:
        return timezone.localtime(cell).replace(tzinfo=None)
    return cell


def _attachment(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(
    header: Sequence[str], rows: Iterable[Iterable], *, filename: str, streaming: bool = False
) -> HttpResponse | StreamingHttpResponse:
    """A CSV download; ``streaming`` writes it row by row (for exports that may be long)."""
    if streaming:
        return _attachment(StreamingHttpResponse(csv_lines(header, rows), content_type=CSV_TYPE), filename)
    return _attachment(HttpResponse(csv_bytes(header, rows), content_type=CSV_TYPE), filename)


def xlsx_response(
    header: Sequence[str], rows: Iterable[Iterable], *, filename: str, sheet: str = "data"
) -> HttpResponse:
    return _attachment(HttpResponse(xlsx_bytes(header, rows, sheet=sheet), content_type=XLSX_TYPE), filename)
