"""Organizations' workspace card: the organizations platform staff verify."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Role
from apps.core.workspace import ActionCount, workspace_count, workspace_link
from apps.organizations.selectors import organization_verification_queue

workspace_link(
    Role.PLATFORM_STAFF, order=40, label=_("Organizations to verify"), url_name="organization-verification-queue"
)


@workspace_count(Role.PLATFORM_STAFF, order=10)
def staff_organizations_to_verify(*, user, memberships) -> list[ActionCount]:
    return [
        ActionCount(
            "organizations_to_verify",
            _("Organizations to verify"),
            organization_verification_queue().count(),
            reverse("organization-verification-queue"),
        )
    ]
