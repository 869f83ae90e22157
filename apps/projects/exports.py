"""CSV and XLSX export of a filtered list of service-hour records (payroll, community reports)."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

EXPORT_LIMIT = 200_000
HEADER = [
    "id",
    "worker",
    "worker_name",
    "project",
    "project_title",
    "date",
    "start_time",
    "end_time",
    "hours",
    "place",
    "content",
    "beneficiaries_served",
    "status",
    "approved_at",
    "confirmed_at",
    "rejected_reason",
]


def _safe(value) -> str:
    """Text that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def _rows(queryset):
    for log in queryset.iterator(chunk_size=2000):
        yield [
            log.pk,
            log.worker_id,
            _safe(log.worker.name),
            log.project_id,
            _safe(log.project.title),
            log.date.isoformat(),
            log.start_time.strftime("%H:%M"),
            log.end_time.strftime("%H:%M"),
            f"{log.hours:.2f}",
            _safe(log.place),
            _safe(log.content),
            log.beneficiaries_served,
            log.status,
            timezone.localtime(log.approved_at).isoformat() if log.approved_at else "",
            timezone.localtime(log.confirmed_at).isoformat() if log.confirmed_at else "",
            _safe(log.rejected_reason),
        ]


class _Echo:
    def write(self, value):
        return value


def service_logs_csv(queryset, filename: str = "service-logs.csv") -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def stream():
        yield "\ufeff"  # so spreadsheet programs read the Chinese text as UTF-8
        yield writer.writerow(HEADER)
        for row in _rows(queryset[:EXPORT_LIMIT]):
            yield writer.writerow(row)

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def service_logs_xlsx(queryset, filename: str = "service-logs.xlsx") -> HttpResponse:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("service-logs")
    sheet.append(HEADER)
    for row in _rows(queryset[:EXPORT_LIMIT]):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
