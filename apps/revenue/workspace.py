"""Revenue's workspace cards: agreements for organizations, reports for fund managers."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Role
from apps.core.workspace import ActionCount, workspace_count, workspace_link
from apps.revenue.models import RevenueShareReport

workspace_link(Role.ORG_ADMIN, order=50, label=_("Revenue-share agreements"), url_name="revenue-share-list-page")
workspace_link(Role.FUND_MANAGER, order=20, label=_("Revenue-share reports"), url_name="revenue-share-list-page")


@workspace_count(Role.FUND_MANAGER, order=20)
def fund_manager_revenue_reports(*, user, memberships) -> list[ActionCount]:
    reports = RevenueShareReport.objects.filter(
        agreement__fund_id__in=[m.fund_id for m in memberships], status=RevenueShareReport.Status.SUBMITTED
    )
    return [
        ActionCount(
            "pending_reports", _("Revenue reports to review"), reports.count(), reverse("revenue-share-list-page")
        )
    ]
