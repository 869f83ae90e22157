"""Reminders (run by ``manage.py run_scheduled`` and Celery beat): each job loads what is due and
calls one service in ``apps.projects.services``, which sends each reminder once."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from apps.core.jobs import scheduled_job
from apps.projects import services
from apps.projects.models import Milestone, Project, ServiceLog
from apps.workers.models import SocialWorker

WAITING_DAYS = 3
MILESTONE_DUE_DAYS = 7
REGISTRATION_MONTHS = 3


@scheduled_job("projects_remind_waiting_hours")
def remind_waiting_hours() -> int:
    """Records waiting more than 3 days for approval (submitted) or confirmation (approved)."""
    cutoff = timezone.now() - dt.timedelta(days=WAITING_DAYS)
    waiting = ServiceLog.objects.select_related("project", "worker")
    return services.service_logs_remind_waiting(
        submitted=waiting.filter(status=ServiceLog.Status.SUBMITTED, created_at__lt=cutoff),
        approved=waiting.filter(status=ServiceLog.Status.APPROVED, approved_at__lt=cutoff),
    )


@scheduled_job("projects_remind_milestones_due")
def remind_milestones_due() -> int:
    """Milestones due within 7 days and not yet submitted."""
    today = timezone.localdate()
    due = Milestone.objects.filter(
        project__status=Project.Status.ACTIVE,
        status__in=(Milestone.Status.PENDING, Milestone.Status.RETURNED),
        due_date__gte=today,
        due_date__lte=today + dt.timedelta(days=MILESTONE_DUE_DAYS),
    ).select_related("project")
    return services.milestones_remind_due(milestones=due)


def _months_ahead(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


@scheduled_job("projects_remind_registrations_expiring")
def remind_registrations_expiring() -> int:
    """Workers on an active team whose registration ends within 3 months."""
    today = timezone.localdate()
    workers = (
        SocialWorker.objects.filter(
            registered_until__gte=today,
            registered_until__lte=_months_ahead(today, REGISTRATION_MONTHS),
            project_memberships__project__status=Project.Status.ACTIVE,
        )
        .distinct()
        .select_related("user")
    )
    return services.workers_remind_registration_expiring(workers=workers)


@scheduled_job("projects_servicelog_partitions")
def servicelog_partitions() -> list[int]:
    """The service-hour records' partitions of this year and the next (PostgreSQL): next year's
    exists from the first run of the year on, long before its first record."""
    return services.servicelog_partitions_ensure(today=timezone.localdate())
