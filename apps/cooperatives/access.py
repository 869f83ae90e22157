"""Who may see and manage a cooperative.

- create a cooperative, add holders, record share transfers, pay approved dividends: the
  community's staff (community_staff of the cooperative's community) or platform staff;
- the cooperative's managers, who record a year's profit (with its financial statement) and
  declare a distribution: the community's staff only. The cooperative belongs to the community
  and its money is the community's business; platform staff operate the platform, not its books;
- approve (or reject) a declared distribution: the fund_manager of the community's fund, the
  party that receives the public-welfare share, and never the person who declared it;
- see the whole register, the recorded profits and their statements: all of the above;
- a resident or organization linked to a holding sees the cooperative, its own holding, its own
  dividends and the statements of the recorded profits (a holder is a party to the cooperative);
  everyone else gets 404.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from apps.accounts.selectors import is_platform_staff, user_community_ids, user_fund_ids
from apps.cooperatives.models import Cooperative, CooperativeProfit, Distribution, DistributionAllocation
from apps.core.errors import NotFound, PermissionDenied
from apps.funds.access import user_manages_fund


def user_manages_cooperative(user, coop: Cooperative) -> bool:
    return is_platform_staff(user) or coop.community_id in user_community_ids(user)


def user_declares_dividends(user, coop: Cooperative) -> bool:
    """The cooperative's managers: they record profits and declare distributions."""
    return coop.community_id in user_community_ids(user)


def user_approves_distributions(user, coop: Cooperative) -> bool:
    fund = getattr(coop.community, "fund", None)
    return fund is not None and user_manages_fund(user, fund.pk)


def user_sees_register(user, coop: Cooperative) -> bool:
    return user_manages_cooperative(user, coop) or user_approves_distributions(user, coop)


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


def profit_get_for_user(*, user, coop: Cooperative, profit_id) -> CooperativeProfit:
    """A recorded profit of a cooperative the user sees (``cooperative_get_for_user`` first)."""
    try:
        return coop.profits.get(pk=int(profit_id))
    except (CooperativeProfit.DoesNotExist, TypeError, ValueError):
        raise NotFound("Not found.") from None


def require_manager(user, coop: Cooperative) -> None:
    if not user_manages_cooperative(user, coop):
        raise PermissionDenied(_("Only the community's staff may change the register."))


def require_dividend_declarer(user, coop: Cooperative) -> None:
    if not user_declares_dividends(user, coop):
        raise PermissionDenied(
            _("Only the staff of the cooperative's community record its profits and declare its distributions.")
        )


def require_distribution_viewer(user, coop: Cooperative) -> None:
    """Previewing a waterfall: those who declare or approve a distribution."""
    if not (user_declares_dividends(user, coop) or user_approves_distributions(user, coop)):
        raise PermissionDenied(_("Only the cooperative's managers and the community fund's manager see this."))


def require_distribution_approver(user, distribution: Distribution) -> None:
    if not user_approves_distributions(user, distribution.cooperative):
        raise PermissionDenied(_("Only the manager of the community's fund approves a distribution."))
    if distribution.created_by_id == user.pk:
        raise PermissionDenied(
            _("You declared this distribution; another person, the community fund's manager, must approve it.")
        )
