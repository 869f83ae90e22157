"""Who may see and act on revenue-share agreements and reports. Every read for a user goes
through ``*_get_for_user``; what the user may not see is a 404."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from apps.accounts.models import Role
from apps.accounts.selectors import (
    is_platform_staff,
    user_community_ids,
    user_fund_ids,
    user_organization_ids,
)
from apps.core.errors import NotFound, PermissionDenied
from apps.revenue.models import RevenueShareAgreement, RevenueShareReport


def agreement_visible_q(user) -> Q | None:
    """None means everything (platform staff)."""
    if is_platform_staff(user):
        return None
    return (
        Q(fund_id__in=user_fund_ids(user))
        | Q(organization_id__in=user_organization_ids(user))
        | Q(fund__community_id__in=user_community_ids(user))
    )


def agreements_for_user(user):
    qs = RevenueShareAgreement.objects.select_related("organization", "fund").prefetch_related("parties")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    q = agreement_visible_q(user)
    return qs if q is None else qs.filter(q)


def agreement_get_for_user(*, user, agreement_id) -> RevenueShareAgreement:
    try:
        return agreements_for_user(user).get(pk=int(agreement_id))
    except (RevenueShareAgreement.DoesNotExist, TypeError, ValueError):
        raise NotFound("Not found.") from None


def reports_for_user(user):
    qs = RevenueShareReport.objects.select_related("agreement__organization", "agreement__fund").prefetch_related(
        "attachments"
    )
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    q = agreement_visible_q(user)
    if q is None:
        return qs
    return qs.filter(agreement__in=RevenueShareAgreement.objects.filter(q))


def report_get_for_user(*, user, report_id) -> RevenueShareReport:
    try:
        return reports_for_user(user).get(pk=int(report_id))
    except (RevenueShareReport.DoesNotExist, TypeError, ValueError):
        raise NotFound("Not found.") from None


def require_org_admin(user, organization_id) -> None:
    if organization_id not in user_organization_ids(user, roles=(Role.ORG_ADMIN,)):
        raise PermissionDenied(_("Only an administrator of the organization may do this."))
