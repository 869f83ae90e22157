"""Who may see and manage a cooperative.

- create a cooperative, add holders, record share transfers: the community's staff
  (community_staff of the cooperative's community) or platform staff;
- declare a distribution: those, or the fund_manager of the community's fund;
- see the whole register: the same people;
- a resident or organization linked to a holding sees the cooperative, its own holding and
  its own dividends; everyone else gets 404.
"""

from __future__ import annotations

from django.db.models import Q

from apps.accounts.selectors import is_platform_staff, user_community_ids, user_fund_ids
from apps.cooperatives.models import Cooperative, Distribution, DistributionAllocation
from apps.core.errors import NotFound, PermissionDenied


def user_manages_cooperative(user, coop: Cooperative) -> bool:
    return is_platform_staff(user) or coop.community_id in user_community_ids(user)


def user_declares_dividends(user, coop: Cooperative) -> bool:
    if user_manages_cooperative(user, coop):
        return True
    fund = getattr(coop.community, "fund", None)
    return fund is not None and fund.pk in user_fund_ids(user)


def user_sees_register(user, coop: Cooperative) -> bool:
    return user_declares_dividends(user, coop)


def cooperatives_for_user(user):
    qs = Cooperative.objects.select_related("community", "organization")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if is_platform_staff(user):
        return qs
    return qs.filter(
        Q(community_id__in=user_community_ids(user))
        | Q(community__fund__id__in=user_fund_ids(user))
        | Q(holders__user=user)
    ).distinct()


def cooperative_get_for_user(*, user, cooperative_id) -> Cooperative:
    try:
        return cooperatives_for_user(user).get(pk=int(cooperative_id))
    except (Cooperative.DoesNotExist, TypeError, ValueError):
        raise NotFound("Not found.") from None


def holders_for_user(user, coop: Cooperative):
    qs = coop.holders.all()
    return qs if user_sees_register(user, coop) else qs.filter(user=user)


def distribution_get_for_user(*, user, coop: Cooperative, distribution_id) -> Distribution:
    try:
        return coop.distributions.get(pk=int(distribution_id))
    except (Distribution.DoesNotExist, TypeError, ValueError):
        raise NotFound("Not found.") from None


def allocation_get_for_user(*, user, distribution: Distribution, allocation_id) -> DistributionAllocation:
    """A holder's dividend: the register's readers see every one, a holder only their own."""
    qs = distribution.allocations.select_related("holder")
    if not user_sees_register(user, distribution.cooperative):
        qs = qs.filter(holder__user=user)
    try:
        return qs.get(pk=int(allocation_id))
    except (DistributionAllocation.DoesNotExist, TypeError, ValueError):
        raise NotFound("Not found.") from None


def require_manager(user, coop: Cooperative) -> None:
    if not user_manages_cooperative(user, coop):
        raise PermissionDenied("Only the community's staff may change the register.")


def require_dividend_declarer(user, coop: Cooperative) -> None:
    if not user_declares_dividends(user, coop):
        raise PermissionDenied("Only the community's staff or its fund's manager may declare a distribution.")
