"""Accounts' workspace link: platform staff, who hold the policy permissions, edit policy values."""

from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Role
from apps.core.workspace import workspace_link

workspace_link(Role.PLATFORM_STAFF, order=20, label=_("Edit policy values"), url_name="policy:index")
