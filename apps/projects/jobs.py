"""Reminders (run by ``manage.py run_scheduled`` and Celery beat). Each reminder goes out once:
a ReminderSent row marks it, and the unique (kind, key) stops a second one even if two runs race."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Membership, Role
from apps.core.jobs import scheduled_job
from apps.notifications.services import notify
from apps.projects.models import Milestone, Project, ReminderSent, ServiceLog
from apps.workers.models import SocialWorker

WAITING_DAYS = 3
MILESTONE_DUE_DAYS = 7
REGISTRATION_MONTHS = 3


def _once(kind: str, key: str) -> bool:
    """True the first time (kind, key) is claimed."""
    try:
        with transaction.atomic():
            ReminderSent.objects.create(kind=kind, key=key)
    except IntegrityError:
        return False
    return True


def _users(*, role: str, **scope):
    return [m.user for m in Membership.objects.active().filter(role=role, **scope).select_related("user")]


@scheduled_job("projects_remind_waiting_hours")
def remind_waiting_hours() -> int:
    """Records waiting more than 3 days: remind the org admins (submitted) or community staff
    (approved), once per record and stage."""
    cutoff = timezone.now() - dt.timedelta(days=WAITING_DAYS)
    sent = 0
    waiting = ServiceLog.objects.filter(
        status__in=(ServiceLog.Status.SUBMITTED, ServiceLog.Status.APPROVED)
    ).select_related("project", "worker")
    submitted = waiting.filter(status=ServiceLog.Status.SUBMITTED, created_at__lt=cutoff)
    approved = waiting.filter(status=ServiceLog.Status.APPROVED, approved_at__lt=cutoff)
    by_org: dict[int, list[ServiceLog]] = {}
    for log in submitted:
        if _once("hours-waiting-approval", str(log.pk)):
            by_org.setdefault(log.project.organization_id, []).append(log)
    for org_id, logs in by_org.items():
        notify(
            users=_users(role=Role.ORG_ADMIN, organization_id=org_id),
            kind="hours_waiting",
            title=_("%(n)s service-hour records have waited more than 3 days for approval") % {"n": len(logs)},
            url=reverse("projects:approve-queue"),
        )
        sent += len(logs)
    by_community: dict[int, list[ServiceLog]] = {}
    for log in approved:
        if _once("hours-waiting-confirmation", str(log.pk)):
            by_community.setdefault(log.project.community_id, []).append(log)
    for community_id, logs in by_community.items():
        notify(
            users=_users(role=Role.COMMUNITY_STAFF, community_id=community_id),
            kind="hours_waiting",
            title=_("%(n)s service-hour records have waited more than 3 days for confirmation") % {"n": len(logs)},
            url=reverse("projects:confirm-queue"),
        )
        sent += len(logs)
    return sent


@scheduled_job("projects_remind_milestones_due")
def remind_milestones_due() -> int:
    """Milestones due within 7 days and not yet submitted: remind the organization's admins."""
    today = timezone.localdate()
    due = Milestone.objects.filter(
        project__status=Project.Status.ACTIVE,
        status__in=(Milestone.Status.PENDING, Milestone.Status.RETURNED),
        due_date__gte=today,
        due_date__lte=today + dt.timedelta(days=MILESTONE_DUE_DAYS),
    ).select_related("project")
    sent = 0
    for milestone in due:
        if not _once("milestone-due", str(milestone.pk)):
            continue
        notify(
            users=_users(role=Role.ORG_ADMIN, organization_id=milestone.project.organization_id),
            kind="milestone_due",
            title=_("Milestone “%(title)s” of %(project)s is due on %(date)s")
            % {"title": milestone.title, "project": milestone.project.title, "date": milestone.due_date.isoformat()},
            url=reverse("projects:project-detail", args=[milestone.project_id]),
        )
        sent += 1
    return sent


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
    """Workers whose registration ends within 3 months (and who are on an active team): remind
    the worker, once per registration end date."""
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
    sent = 0
    for worker in workers:
        if not _once("registration-expiring", f"{worker.pk}:{worker.registered_until.isoformat()}"):
            continue
        notify(
            users=[worker.user],
            kind="registration_expiring",
            title=_("Your registration ends on %(date)s: renew it to keep logging hours")
            % {"date": worker.registered_until.isoformat()},
            url=reverse("projects:hours-record"),
        )
        sent += 1
    return sent
