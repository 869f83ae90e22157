"""Funds' workspace cards for fund managers: the refund holds waiting for them, this month's grant
payouts and the reconciliation warnings, each linking to its page (of their fund, or the list of
funds when they manage several)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Role
from apps.core.workspace import ActionCount, workspace_count, workspace_link
from apps.funds.selectors import fund_payouts_count, fund_reconciliation_warning_count, refund_holds_open_count

workspace_link(Role.FUND_MANAGER, order=10, label=_("Fund books"), url_name="fund-list-page")


def _fund_page(memberships, url_name: str) -> str:
    """The page ``url_name`` of the one fund the memberships are of, else the list of funds."""
    fund_ids = {m.fund_id for m in memberships}
    if len(fund_ids) == 1:
        return reverse(url_name, kwargs={"pk": fund_ids.pop()})
    return reverse("fund-list-page")


@workspace_count(Role.FUND_MANAGER, order=10)
def fund_manager_holds(*, user, memberships) -> list[ActionCount]:
    return [
        ActionCount(
            "refund_holds",
            _("Refund holds to resolve"),
            refund_holds_open_count(fund_ids=[m.fund_id for m in memberships]),
            _fund_page(memberships, "fund-refund-holds"),
        )
    ]


@workspace_count(Role.FUND_MANAGER, order=25)
def fund_manager_payouts(*, user, memberships) -> list[ActionCount]:
    month_start = timezone.localtime().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return [
        ActionCount(
            "payouts",
            _("Grant payouts this month"),
            fund_payouts_count(fund_ids=[m.fund_id for m in memberships], since=month_start),
            _fund_page(memberships, "fund-payouts"),
        )
    ]


@workspace_count(Role.FUND_MANAGER, order=30)
def fund_manager_reconciliation(*, user, memberships) -> list[ActionCount]:
    return [
        ActionCount(
            "reconciliation_warnings",
            _("Reconciliation warnings"),
            fund_reconciliation_warning_count(user=user),
            reverse("notifications"),
        )
    ]
