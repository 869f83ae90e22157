"""Shift jobs (run by ``manage.py run_scheduled`` and Celery beat every few minutes): each loads
what is due and calls one service in ``apps.shifts.services``."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from apps.core.jobs import scheduled_job
from apps.core.selectors import policy_current
from apps.shifts import services
from apps.shifts.models import Attendance

EVENING_HOUR = 18
HOUR_BEFORE = dt.timedelta(hours=1)


@scheduled_job("shifts_remind")
def remind() -> int:
    """From 18:00 the evening before, and from one hour before the start, to each signed-up worker."""
    now = timezone.now()
    local = timezone.localtime(now)
    signed_up = Attendance.objects.filter(status=Attendance.Status.SIGNED_UP, shift__starts_at__gt=now).select_related(
        "shift", "shift__project", "worker__user"
    )
    tomorrow = local.date() + dt.timedelta(days=1)
    evening = (
        list(signed_up.filter(shift__starts_at__date=tomorrow, shift__starts_at__gt=now + HOUR_BEFORE))
        if local.hour >= EVENING_HOUR
        else []
    )
    hour = list(signed_up.filter(shift__starts_at__lte=now + HOUR_BEFORE))
    return services.shifts_remind(evening=evening, hour=hour)


@scheduled_job("shifts_close_attendance")
def close_attendance() -> int:
    """Shifts past their end plus ``checkout_grace_minutes``: no check-out is incomplete, no
    check-in is absent."""
    cutoff = timezone.now() - dt.timedelta(minutes=policy_current().checkout_grace_minutes)
    due = Attendance.objects.filter(
        status__in=(Attendance.Status.SIGNED_UP, Attendance.Status.CHECKED_IN), shift__ends_at__lt=cutoff
    )
    return services.attendances_close(attendances=list(due))
