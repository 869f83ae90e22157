"""CSV and XLSX export of a filtered list of service-hour records (payroll, community reports),
written through ``apps.core.exports`` (no cell becomes a spreadsheet formula)."""

from __future__ import annotations

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext_lazy as _

from apps.core.exports import ID_COLUMN, Column, choice_label, csv_response, export_table, export_time, xlsx_response
from apps.projects.models import ServiceLog

EXPORT_LIMIT = 200_000
COLUMNS = [
    ID_COLUMN,
    Column("worker", _("worker ID")),
    Column("worker_name", _("worker name")),
    Column("project", _("project ID")),
    Column("project_title", _("project title")),
    Column("date", _("date")),
    Column("start_time", _("start time")),
    Column("end_time", _("end time")),
    Column("hours", _("hours")),
    Column("place", _("place")),
    Column("content", _("content")),
    Column("beneficiaries_served", _("beneficiaries served")),
    Column("status", _("status"), choice_label(ServiceLog.Status)),
    Column("approved_at", _("approved at")),
    Column("confirmed_at", _("confirmed at")),
    Column("rejected_reason", _("reason for rejection")),
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
            export_time(log.approved_at),
            export_time(log.confirmed_at),
            log.rejected_reason,
        ]


def service_logs_csv(queryset, *, codes: bool, filename: str = "service-logs.csv") -> StreamingHttpResponse:
    return csv_response(*export_table(COLUMNS, _rows(queryset), codes=codes), filename=filename, streaming=True)


def service_logs_xlsx(queryset, *, codes: bool, filename: str = "service-logs.xlsx") -> HttpResponse:
    return xlsx_response(*export_table(COLUMNS, _rows(queryset), codes=codes), filename=filename, sheet="service-logs")
