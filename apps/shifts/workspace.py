"""Shifts on the workspace: a worker's shifts, and the shifts a community member shows codes for today."""

from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Role
from apps.core.workspace import workspace_link

workspace_link(Role.SOCIAL_WORKER, order=5, label=_("My shifts"), url_name="shifts:mine")
workspace_link(
    Role.COMMUNITY_STAFF, Role.GRID_WORKER, order=28, label=_("Today's shifts"), url_name="shifts:witness-today"
)
