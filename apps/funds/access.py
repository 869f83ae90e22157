from apps.accounts.selectors import user_fund_ids
from apps.core.errors import NotFound, PermissionDenied
from apps.core.ids import parse_id
from apps.funds.models import Fund


def fund_get_public(fund_id) -> Fund:
    """Funds are public books: anyone may see any fund."""
    fund = Fund.objects.select_related("community").filter(pk=parse_id(fund_id)).first()
    if fund is None:
        raise NotFound("No such fund.")
    return fund


def user_manages_fund(user, fund_id: int) -> bool:
    """True for an active fund manager of this fund."""
    return bool(getattr(user, "is_authenticated", False)) and fund_id in user_fund_ids(user)


def fund_require_manager(user, fund_id: int) -> None:
    """Money of a fund is moved only by the fund's own managers (an active fund_manager
    membership of that fund, signed in with their second factor). Platform staff and superusers
    may read the books but not act on them: the one rule for funds, revenue shares and holds."""
    if not user_manages_fund(user, fund_id):
        raise PermissionDenied("Only the fund's manager can do this.")
