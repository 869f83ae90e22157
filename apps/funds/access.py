from apps.accounts.selectors import is_platform_staff, user_fund_ids
from apps.core.errors import NotFound, PermissionDenied
from apps.core.ids import parse_id
from apps.funds.models import Fund


def fund_get_public(fund_id) -> Fund:
    """Funds are public books: anyone may see any fund."""
    fund = Fund.objects.select_related("community").filter(pk=parse_id(fund_id)).first()
    if fund is None:
        raise NotFound("No such fund.")
    return fund


def fund_require_manager(user, fund) -> None:
    if not user.is_authenticated or not (fund.pk in user_fund_ids(user) or is_platform_staff(user)):
        raise PermissionDenied("Only the fund's manager can do this.")
