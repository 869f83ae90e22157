"""Workers' workspace card: the social workers platform staff verify."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Role
from apps.core.workspace import ActionCount, workspace_count, workspace_link
from apps.workers.selectors import worker_verification_queue

workspace_link(Role.PLATFORM_STAFF, order=50, label=_("Social workers to verify"), url_name="worker-verification-queue")


@workspace_count(Role.PLATFORM_STAFF, order=20)
def staff_workers_to_verify(*, user, memberships) -> list[ActionCount]:
    return [
        ActionCount(
            "workers_to_verify",
            _("Social workers to verify"),
            worker_verification_queue().count(),
            reverse("worker-verification-queue"),
        )
    ]
