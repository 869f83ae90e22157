"""Who may see a worker's continuing education (继续教育) and decide on it.

- see a worker's trainings, their certificates and the training summary: the worker, the members
  (org_admin, org_member) of an organization that employs the worker today, and platform staff;
- verify or reject a training: an org_admin of an organization that employs the worker today.
  Platform staff read, but do not verify: the employer knows whether the training happened.
Everyone else gets 404 for a training, and 403 for the summary of a public profile.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from apps.accounts.models import Membership, Role
from apps.accounts.selectors import is_platform_staff, user_organization_ids
from apps.core.errors import NotFound, PermissionDenied
from apps.core.ids import parse_id
from apps.organizations.models import Organization
from apps.organizations.selectors import organization_employs
from apps.workers.models import SocialWorker, Training
from apps.workers.selectors import worker_get_for_user


def _employed_user_ids(organization_ids) -> QuerySet:
    return (
        Membership.objects.active()
        .filter(role=Role.SOCIAL_WORKER, organization_id__in=list(organization_ids))
        .values("user_id")
    )


def worker_training_visible_to(user, worker: SocialWorker) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if worker.user_id == user.pk or is_platform_staff(user):
        return True
    return any(
        organization_employs(organization_id=org_id, user_id=worker.user_id) for org_id in user_organization_ids(user)
    )


def worker_training_summary_get_for_user(*, user, pk) -> SocialWorker:
    """The worker whose training summary ``user`` asks for: 404 when there is none, 403 when the
    user is not the worker, an employer or platform staff."""
    worker = worker_get_for_user(user=user, pk=pk)
    if not worker_training_visible_to(user, worker):
        raise PermissionDenied(
            _("Only the worker, the organizations that employ them and platform staff see their continuing education.")
        )
    return worker


def trainings_for_user(user) -> QuerySet[Training]:
    qs = Training.objects.select_related("worker", "worker__user", "decided_for")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if is_platform_staff(user):
        return qs
    return qs.filter(Q(worker__user=user) | Q(worker__user_id__in=_employed_user_ids(user_organization_ids(user))))


def training_get_for_user(*, user, pk) -> Training:
    try:
        return trainings_for_user(user).get(pk=parse_id(pk))
    except Training.DoesNotExist:
        raise NotFound(_("No such training among those you may see.")) from None


def trainings_to_verify_for_user(user) -> QuerySet[Training]:
    """Pending trainings of the workers employed by the organizations ``user`` administers,
    oldest first (the verification queue)."""
    return (
        Training.objects.filter(
            status=Training.Status.PENDING,
            worker__user_id__in=_employed_user_ids(user_organization_ids(user, roles=(Role.ORG_ADMIN,))),
        )
        .select_related("worker", "worker__user")
        .order_by("created_at", "pk")
    )


def training_verifying_organization(user, training: Training) -> Organization:
    """The organization on whose behalf ``user`` decides ``training``: one they administer that
    employs the worker. 403 with the reason otherwise."""
    for org_id in sorted(user_organization_ids(user, roles=(Role.ORG_ADMIN,))):
        if organization_employs(organization_id=org_id, user_id=training.worker.user_id):
            return Organization.objects.get(pk=org_id)
    raise PermissionDenied(
        _("Only an administrator of an organization that employs %(name)s verifies their trainings.")
        % {"name": training.worker.name}
    )
