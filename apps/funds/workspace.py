"""Funds' workspace cards for fund managers: their books and the reconciliation warnings."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Role
from apps.accounts.selectors import user_fund_ids
from apps.core.workspace import ActionCount, workspace_count, workspace_link
from apps.funds.selectors import fund_reconciliation_warning_count

workspace_link(Role.FUND_MANAGER, order=10, label=_("Fund books"), url_name="fund-list-page")


@workspace_count(Role.FUND_MANAGER, order=10)
def fund_manager_books(*, user, membership) -> list[ActionCount]:
    fund = membership.fund_id
    url = reverse("fund-detail-page", kwargs={"pk": fund}) if fund else reverse("fund-list-page")
    return [ActionCount("books", _("Books"), len(user_fund_ids(user)), url)]


@workspace_count(Role.FUND_MANAGER, order=30)
def fund_manager_reconciliation(*, user, membership) -> list[ActionCount]:
    return [
        ActionCount(
            "reconciliation_warnings",
            _("Reconciliation warnings"),
            fund_reconciliation_warning_count(fund_id=membership.fund_id, user=user),
            reverse("notifications"),
        )
    ]
