"""Dispatch's workspace links: reporting problems, the console, the units' inbox, and residents'
reports (triage for the community, reporting and following for residents)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Role
from apps.core.workspace import ActionCount, workspace_count, workspace_link
from apps.dispatch.selectors import reports_of_reporter, reports_to_triage

workspace_link(
    Role.COMMUNITY_STAFF, Role.GRID_WORKER, order=40, label=_("Report a problem"), url_name="dispatch:work-order-new"
)
workspace_link(
    Role.COMMUNITY_STAFF,
    Role.GRID_WORKER,
    order=41,
    label=_("Residents' reports to review"),
    url_name="dispatch:report-triage",
)
workspace_link(
    Role.STREET_OFFICER, Role.DISTRICT_OFFICER, order=10, label=_("Dispatch console"), url_name="dispatch:console"
)
workspace_link(Role.UNIT_STAFF, order=10, label=_("Work-order inbox"), url_name="dispatch:inbox")
workspace_link(Role.RESIDENT, order=40, label=_("Report a problem"), url_name="dispatch:report-new")


@workspace_count(Role.COMMUNITY_STAFF, Role.GRID_WORKER, order=41)
def residents_reports_to_review(*, user, memberships) -> list[ActionCount]:
    count = reports_to_triage(community_ids=[m.community_id for m in memberships]).count()
    return [
        ActionCount("reports_to_review", _("Residents' reports to review"), count, reverse("dispatch:report-triage"))
    ]


@workspace_count(Role.RESIDENT, order=40)
def my_reports(*, user, memberships) -> list[ActionCount]:
    url = reverse("dispatch:report-list") + "?mine=1"
    return [ActionCount("my_reports", _("My reports"), reports_of_reporter(user=user).count(), url)]
