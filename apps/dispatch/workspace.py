"""Dispatch's workspace links: reporting problems, the console and the units' inbox."""

from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Role
from apps.core.workspace import workspace_link

workspace_link(
    Role.COMMUNITY_STAFF, Role.GRID_WORKER, order=40, label=_("Report a problem"), url_name="dispatch:work-order-new"
)
workspace_link(
    Role.STREET_OFFICER, Role.DISTRICT_OFFICER, order=10, label=_("Dispatch console"), url_name="dispatch:console"
)
workspace_link(Role.UNIT_STAFF, order=10, label=_("Work-order inbox"), url_name="dispatch:inbox")
