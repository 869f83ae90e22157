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
# Only with ``include_superseded``: a record a confirmed correction replaced still reads
# "confirmed", and a reader summing the file would count both it and its replacement.
SUPERSEDED_COLUMN = Column("superseded_at", _("superseded by a confirmed correction at"))


def _rows(queryset, include_superseded: bool):
    for log in queryset[:EXPORT_LIMIT].iterator(chunk_size=2000):
        row = [
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
        if include_superseded:
            row.append(export_time(log.superseded_at))
        yield row


def _table(queryset, *, codes: bool, include_superseded: bool):
    """Header and rows. Superseded records are left out unless ``include_superseded``, which adds
    the column saying when each was superseded, so a sum over the file never counts a record twice."""
    if not include_superseded:
        queryset = queryset.filter(superseded_at__isnull=True)
    columns = [*COLUMNS, SUPERSEDED_COLUMN] if include_superseded else COLUMNS
    return export_table(columns, _rows(queryset, include_superseded), codes=codes)


def service_logs_csv(
    queryset, *, codes: bool, include_superseded: bool = False, filename: str = "service-logs.csv"
) -> StreamingHttpResponse:
    table = _table(queryset, codes=codes, include_superseded=include_superseded)
    return csv_response(*table, filename=filename, streaming=True)


def service_logs_xlsx(
    queryset, *, codes: bool, include_superseded: bool = False, filename: str = "service-logs.xlsx"
) -> HttpResponse:
    table = _table(queryset, codes=codes, include_superseded=include_superseded)
    return xlsx_response(*table, filename=filename, sheet="service-logs")
