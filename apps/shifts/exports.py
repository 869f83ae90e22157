"""CSV and XLSX of a shift's attendance, through ``apps.core.exports``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from apps.core.exports import Column, choice_label, csv_response, export_table, export_time, xlsx_response
from apps.shifts.models import Attendance

COLUMNS = [
    Column("worker", _("worker ID")),
    Column("worker_name", _("worker name")),
    Column("status", _("status"), choice_label(Attendance.Status)),
    Column("signed_up_at", _("signed up at")),
    Column("cancelled_at", _("cancelled at")),
    Column("checkin_at", _("checked in at")),
    Column("late", _("late"), choice_label([(True, _("yes")), (False, _("no"))])),
    Column("checkout_at", _("checked out at")),
    Column("position_verified", _("position verified"), choice_label([(True, _("yes")), (False, _("no"))])),
    Column("checkin_distance_m", _("distance at check-in (m)")),
    Column("refused_distance_m", _("refused at a distance of (m)")),
    Column("hours", _("hours")),
]


def _rows(attendances):
    for a in attendances:
        yield [
            a.worker_id,
            a.worker.name,
            a.status,
            export_time(a.signed_up_at),
            export_time(a.cancelled_at),
            export_time(a.checkin_at),
            a.late,
            export_time(a.checkout_at),
            a.position_verified,
            a.checkin_distance_m,
            a.refused_distance_m,
            f"{a.service_log.hours:.2f}" if a.service_log else "",
        ]


def attendance_csv(attendances, *, codes: bool, filename: str):
    return csv_response(*export_table(COLUMNS, _rows(attendances), codes=codes), filename=filename)


def attendance_xlsx(attendances, *, codes: bool, filename: str):
    return xlsx_response(*export_table(COLUMNS, _rows(attendances), codes=codes), filename=filename, sheet="attendance")
