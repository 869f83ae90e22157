"""Projects' workspace cards: service hours to log, approve and confirm, and milestones to accept."""

from decimal import Decimal

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Role
from apps.core.aggregates import DecimalSum
from apps.core.workspace import ActionCount, workspace_count, workspace_link
from apps.projects.models import Milestone, Project, ServiceLog
from apps.workers.selectors import worker_for_user

workspace_link(
    Role.COMMUNITY_STAFF, order=25, label=_("My community's projects"), url_name="projects:community-projects"
)
workspace_link(Role.COMMUNITY_STAFF, order=30, label=_("Confirm service hours"), url_name="projects:confirm-queue")
workspace_link(Role.ORG_ADMIN, order=30, label=_("Approve service hours"), url_name="projects:approve-queue")
workspace_link(Role.SOCIAL_WORKER, order=10, label=_("Log service hours"), url_name="projects:hours")
workspace_link(Role.SOCIAL_WORKER, order=20, label=_("My service record"), url_name="projects:hours-record")


@workspace_count(Role.COMMUNITY_STAFF, order=20)
def community_projects(*, user, memberships) -> list[ActionCount]:
    communities = [m.community_id for m in memberships]
    return [
        ActionCount(
            "records_to_confirm",
            _("Records to confirm"),
            ServiceLog.objects.filter(
                project__community_id__in=communities, status=ServiceLog.Status.APPROVED, superseded_at__isnull=True
            ).count(),
            reverse("projects:confirm-queue"),
        ),
        ActionCount(
            "milestones_to_accept",
            _("Milestones to accept"),
            Milestone.objects.filter(project__community_id__in=communities, status=Milestone.Status.SUBMITTED).count(),
            reverse("projects:community-projects") + "?milestones=submitted",
        ),
    ]


@workspace_count(Role.ORG_ADMIN, order=20)
def organization_records(*, user, memberships) -> list[ActionCount]:
    return [
        ActionCount(
            "records_to_approve",
            _("Records to approve"),
            ServiceLog.objects.filter(
                project__organization_id__in=[m.organization_id for m in memberships],
                status=ServiceLog.Status.SUBMITTED,
            ).count(),
            reverse("projects:approve-queue"),
        )
    ]


@workspace_count(Role.SOCIAL_WORKER, order=10)
def social_worker_hours(*, user, memberships) -> list[ActionCount]:
    worker = worker_for_user(user)
    if worker is None:
        return []
    today = timezone.localdate()
    logs = ServiceLog.objects.filter(worker=worker, superseded_at__isnull=True)
    month = logs.filter(date__gte=today.replace(day=1), date__lte=today, status__in=ServiceLog.LIVE_STATUSES)
    by_status = dict(logs.values_list("status").annotate(n=Count("id")).order_by())
    url = reverse("projects:hours")
    return [
        ActionCount(
            "my_projects",
            _("My projects"),
            Project.objects.filter(status=Project.Status.ACTIVE, team__worker=worker).distinct().count(),
            url,
        ),
        ActionCount(
            "hours_this_month",
            _("Hours this month"),
            month.aggregate(total=DecimalSum("hours"))["total"] or Decimal("0.00"),
            url,
        ),
        ActionCount("submitted", _("Records awaiting approval"), by_status.get(ServiceLog.Status.SUBMITTED, 0), url),
        ActionCount("approved", _("Records awaiting confirmation"), by_status.get(ServiceLog.Status.APPROVED, 0), url),
        ActionCount("rejected", _("Records rejected"), by_status.get(ServiceLog.Status.REJECTED, 0), url),
    ]
