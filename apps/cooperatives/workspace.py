"""Cooperatives' workspace link, for community staff and fund managers."""

from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Role
from apps.core.workspace import workspace_link

workspace_link(
    Role.COMMUNITY_STAFF,
    Role.FUND_MANAGER,
    order=50,
    label=_("Community cooperatives"),
    url_name="cooperative-list-page",
)
