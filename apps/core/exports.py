"""Every CSV and XLSX file the platform writes goes through here, so none can carry a formula.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some programs, a
tab or carriage return) as a formula: a donor name ``=HYPERLINK(...)`` in a fund's public books
would become a live link in the accountant's spreadsheet (OWASP "CSV injection"). Text cells that
start so are prefixed with ``'``, which spreadsheets show as text; numbers (``int``, ``Decimal``)
stay numbers, negative ones included, and the API's two-decimal money strings become numbers.

Columns are described once (``Column``: a code, a translated label, and how to show an enum's
value to a person). A download shows the labels in the request's language (Chinese on zh-hans,
English on en) with enum values by their display names; ``?headers=codes`` gives the stable
snake_case codes and the raw enum codes, for machines. Times are written in Asia/Shanghai with
their offset (``2026-12-04T10:00:00+08:00``) in every file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from openpyxl import Workbook

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"  # spreadsheet programs read UTF-8 (and so the Chinese text) only with a BOM

_DECIMAL = re.compile(r"^-?\d+\.\d+$")  # money strings; digit-only codes like 510107006001 stay text


HEADERS_PARAMETER = "headers"
HEADERS_CODES = "codes"
HEADERS_DESCRIPTION = (
    "Column headers of the download: by default in the request's language (Chinese on zh-hans, "
    "English on en; enum values by their display names); `codes` gives the stable snake_case "
    "codes and raw enum values, for machines. Times are Asia/Shanghai with their offset."
)


@dataclass(frozen=True)
class Column:
    """One column of an export: its stable ``code``, its translated ``label`` and, for enums and
    flags, ``display`` turning the raw value into what a person reads."""

    code: str
    label: str | Promise
    display: Callable[[Any], Any] | None = None


def choice_label(choices) -> Callable[[Any], Any]:
    """``display`` for a column of enum codes: the choice's display name (unknown codes as they are)."""
    labels = dict(choices.choices if hasattr(choices, "choices") else choices)
    return lambda value: labels.get(value, value)


# With a context: other catalogs translate a bare "ID" as "ID".
ID_COLUMN = Column("id", pgettext_lazy("export column", "ID"))
YES_NO = [("yes", _("yes")), ("no", _("no"))]


def export_codes(request) -> bool:
    """Whether the request asked for the machine headers (``?headers=codes``)."""
    params = getattr(request, "query_params", None) or request.GET
    return params.get(HEADERS_PARAMETER) == HEADERS_CODES


def export_table(
    columns: Sequence[Column], rows: Iterable[Sequence], *, codes: bool
) -> tuple[list[str], Iterable[list]]:
    """The header and rows to write: codes and raw values, or labels and display values.

    Each row holds the raw values in the columns' order."""
    if codes:
        return [c.code for c in columns], rows
    header = [str(c.label) for c in columns]
    shows = [c.display for c in columns]
    return header, ([show(v) if show else v for show, v in zip(shows, row, strict=True)] for row in rows)


def export_time(value: dt.datetime | None) -> str:
    """An aware time as Asia/Shanghai (the site's zone) with its offset."""
    return timezone.localtime(value).isoformat() if value else ""


def export_cell(value):
    """The value as a cell: numbers, dates and booleans as they are, times with their offset,
    text made inert."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return export_time(value)
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
        page.append(export_row(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


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
