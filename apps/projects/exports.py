"""CSV and XLSX export of a filtered list of service-hour records (payroll, community reports),
written through ``apps.core.exports`` (no cell becomes a spreadsheet formula)."""

from __future__ import annotations

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

from apps.core.exports import csv_response, xlsx_response

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


def _rows(queryset):
    for log in queryset[:EXPORT_LIMIT].iterator(chunk_size=2000):
        yield [
            log.pk,
            log.worker_id,
            log.worker.name,
            log.project_id,
            log.project.title,
            log.date.isoformat(),
            log.start_time.strftime("%H:%M"),
            log.end_time.strftime("%H:%M"),
            f"{log.hours:.2f}",
            log.place,
            log.content,
            log.beneficiaries_served,
            log.status,
            timezone.localtime(log.approved_at).isoformat() if log.approved_at else "",
            timezone.localtime(log.confirmed_at).isoformat() if log.confirmed_at else "",
            log.rejected_reason,
        ]


def service_logs_csv(queryset, filename: str = "service-logs.csv") -> StreamingHttpResponse:
    return csv_response(HEADER, _rows(queryset), filename=filename, streaming=True)


def service_logs_xlsx(queryset, filename: str = "service-logs.xlsx") -> HttpResponse:
    return xlsx_response(HEADER, _rows(queryset), filename=filename, sheet="service-logs")
