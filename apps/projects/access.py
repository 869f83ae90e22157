"""Who may see which project, milestone and service-hour record. Every read for a user goes
through these functions; what a user may not see is a NotFound (404), never a hint."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from apps.accounts.models import Role
from apps.accounts.selectors import is_platform_staff, user_community_ids, user_organization_ids
from apps.core.errors import NotFound
from apps.core.ids import parse_id
from apps.projects.models import Milestone, MilestoneAttachment, Project, ServiceLog
from apps.workers.models import SocialWorker


def _pk(value) -> int:
    pk = parse_id(value)
    if pk is None:
        raise NotFound(_("Not found."))
    return pk


def project_get_for_user(*, user, pk) -> Project:
    """Projects are public contracts (the award was publicly noticed): anyone may read one."""
    try:
        return Project.objects.select_related("need", "organization", "community").get(pk=_pk(pk))
    except Project.DoesNotExist:
        raise NotFound(_("Not found.")) from None


def user_is_project_party(user, project: Project) -> bool:
    """The project's organization, its community's staff, its team and platform staff."""
    if not getattr(user, "is_authenticated", False):
        return False
    if is_platform_staff(user):
        return True
    if project.organization_id in user_organization_ids(user):
        return True
    if project.community_id in user_community_ids(user):
        return True
    return project.team.filter(worker__user=user).exists()


def milestone_get_for_user(*, user, project: Project, pk) -> Milestone:
    try:
        return project.milestones.get(pk=_pk(pk))
    except Milestone.DoesNotExist:
        raise NotFound(_("Not found.")) from None


def milestone_attachment_get_for_user(*, user, milestone: Milestone, pk) -> MilestoneAttachment:
    """A report's files are for the project's parties (its organization, the community's staff
    reviewing it, its team, platform staff), like the report text; anyone else gets 404."""
    if not user_is_project_party(user, milestone.project):
        raise NotFound(_("Not found."))
    try:
        return milestone.attachments.get(pk=_pk(pk))
    except MilestoneAttachment.DoesNotExist:
        raise NotFound(_("Not found.")) from None


def service_log_visible_q(user) -> Q:
    """Records a user may see: their own, their organization's projects', their community's
    projects' and, for platform staff, all."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    if is_platform_staff(user):
        return Q()
    q = Q(worker__user=user)
    org_ids = user_organization_ids(user)
    if org_ids:
        q |= Q(project__organization_id__in=org_ids)
    community_ids = user_community_ids(user)
    if community_ids:
        q |= Q(project__community_id__in=community_ids)
    return q


def service_logs_for_user(user) -> QuerySet[ServiceLog]:
    return ServiceLog.objects.filter(service_log_visible_q(user))


def service_log_get_for_user(*, user, pk, for_update: bool = False) -> ServiceLog:
    qs = service_logs_for_user(user).select_related("project", "worker")
    if for_update:
        qs = ServiceLog.objects.select_for_update().filter(pk__in=qs.values("pk")).select_related("project", "worker")
    try:
        return qs.get(pk=_pk(pk))
    except ServiceLog.DoesNotExist:
        raise NotFound(_("Not found.")) from None


def worker_hours_visible_to(user, worker: SocialWorker) -> bool:
    """The worker, the organizations that employ them, and platform staff see a worker's hours."""
    if not getattr(user, "is_authenticated", False):
        return False
    if worker.user_id == user.pk or is_platform_staff(user):
        return True
    employers = set(
        worker.user.memberships.active()
        .filter(role=Role.SOCIAL_WORKER, organization__isnull=False)
        .values_list("organization_id", flat=True)
    )
    return bool(employers & user_organization_ids(user))


def community_projects_for_user(user) -> QuerySet[Project]:
    """The projects of the communities ``user`` works for as community staff (none for anyone
    else): the projects whose milestones they accept and whose hours they confirm."""
    return Project.objects.filter(community_id__in=user_community_ids(user))
