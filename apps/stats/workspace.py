"""Stats' workspace link: the oversight dashboard for street and district officers."""

from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Role
from apps.core.workspace import workspace_link

workspace_link(
    Role.STREET_OFFICER, Role.DISTRICT_OFFICER, order=20, label=_("Oversight dashboard"), url_name="oversight"
)
