"""Certification applications in the Wagtail admin: a read-only list for platform staff, filtered by
status, each row linking to the staff page where the work is done (services are not bypassed)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from apps.accounts.models import Role, User
from apps.accounts.selectors import is_platform_staff, users_with_role
from apps.certification.models import Application


class CertificationStaffReadOnlyPolicy(BasePermissionPolicy):
    """Platform staff may view; nobody adds, edits or deletes here (each transition has its service)."""

    def user_has_permission(self, user, action):
        return action == "view" and user.is_active and is_platform_staff(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        if "view" not in actions:
            return User.objects.none()
        return users_with_role(Role.PLATFORM_STAFF).filter(is_active=True)

    def users_with_permission(self, action):
        return self.users_with_any_permission([action])


register_permission_policy(Application, CertificationStaffReadOnlyPolicy(Application))


def _staff_page(application: Application) -> str:
    return reverse("certification-page", args=[application.pk])


def _days_in_stage(application: Application) -> int:
    return (timezone.now() - application.stage_entered_at).days


class ApplicationIndexView(IndexView):
    default_ordering = "stage_entered_at"

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("organization")


class ApplicationViewSet(ModelViewSet):
    model = Application
    icon = "doc-full"
    menu_label = _("Certification applications")
    add_to_admin_menu = True
    name = "certification_applications"
    list_filter = ["status"]
    search_fields = ["organization__name"]
    list_per_page = 50
    inspect_view_enabled = True
    copy_view_enabled = False
    form_fields = ["status"]  # required by the viewset; the policy never allows its edit form
    list_display = [
        TitleColumn("organization", label=_("Organization"), get_url=_staff_page),
        Column("status", label=_("Status"), accessor="get_status_display"),
        DateColumn("submitted_at", label=_("Submitted at")),
        Column("days_in_stage", label=_("Days in this stage"), accessor=_days_in_stage),
        Column("score_mean", label=_("Mean score")),
    ]
    inspect_view_fields = [
        "organization",
        "status",
        "submitted_at",
        "stage_entered_at",
        "preliminary_note",
        "score_mean",
        "decision_note",
        "notice_ends_at",
    ]
    index_view_class = ApplicationIndexView


@hooks.register("register_admin_viewset")
def register_certification_viewset():
    return ApplicationViewSet()
