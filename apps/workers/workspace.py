"""Workers' workspace cards: the social workers platform staff verify and the workers short of
continuing education; the trainings an employer's administrators verify; the worker's own
continuing education."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Role
from apps.core.workspace import ActionCount, workspace_count, workspace_link
from apps.workers.access import trainings_to_verify_for_user
from apps.workers.selectors import worker_verification_queue, workers_short_of_training
from apps.workers.services import TRAINING_WARNING_DAYS

workspace_link(Role.PLATFORM_STAFF, order=50, label=_("Social workers to verify"), url_name="worker-verification-queue")
workspace_link(
    Role.PLATFORM_STAFF, order=51, label=_("Workers short of continuing education"), url_name="trainings-at-risk"
)
workspace_link(Role.ORG_ADMIN, order=60, label=_("Trainings to verify"), url_name="training-queue")
workspace_link(Role.SOCIAL_WORKER, order=60, label=_("Continuing education"), url_name="my-trainings")


@workspace_count(Role.PLATFORM_STAFF, order=20)
def staff_workers_to_verify(*, user, memberships) -> list[ActionCount]:
    return [
        ActionCount(
            "workers_to_verify",
            _("Social workers to verify"),
            worker_verification_queue().count(),
            reverse("worker-verification-queue"),
        ),
        ActionCount(
            "workers_short_of_training",
            _("Workers short of continuing education"),
            len(workers_short_of_training(today=timezone.localdate(), within_days=max(TRAINING_WARNING_DAYS))),
            reverse("trainings-at-risk"),
        ),
    ]


@workspace_count(Role.ORG_ADMIN, order=40)
def org_trainings_to_verify(*, user, memberships) -> list[ActionCount]:
    return [
        ActionCount(
            "trainings_to_verify",
            _("Trainings to verify"),
            trainings_to_verify_for_user(user).count(),
            reverse("training-queue"),
        )
    ]
