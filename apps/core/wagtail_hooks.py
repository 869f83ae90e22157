"""Policy values in the Wagtail admin: platform staff see every version and save a new one; a
version is never edited or deleted (an application is judged by the version in force)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from apps.core.errors import ApplicationError
from apps.core.models import PolicyVersion
from apps.core.selectors import policy_current
from apps.core.services import policy_update


class PolicyCreateView(generic.CreateView):
    def get_initial_form_instance(self):
        return PolicyVersion(**policy_current().values())

    def save_instance(self):
        data = self.form.cleaned_data
        try:
            return policy_update(
                actor=self.request.user,
                changes={key: data[key] for key in PolicyVersion.POLICY_KEYS},
                note=data.get("note", ""),
            )
        except ApplicationError as exc:
            raise PermissionDenied(exc.message) from exc


class PolicyEditView(generic.EditView):
    """Editing means saving a new version: send the user to the form that does that."""

    def dispatch(self, request, *args, **kwargs):
        return redirect(reverse("policy:add"))


class PolicyDeleteView(generic.DeleteView):
    def dispatch(self, request, *args, **kwargs):
        raise PermissionDenied(_("Policy versions are never deleted."))


class PolicyViewSet(ModelViewSet):
    model = PolicyVersion
    icon = "cog"
    menu_label = _("Policy values")
    add_to_admin_menu = True
    name = "policy"
    form_fields = ["note", *PolicyVersion.POLICY_KEYS]
    list_display = ["version", "created_at", "created_by", "note", "min_bidding_days", "dividend_cap_percent"]
    inspect_view_enabled = True
    add_view_class = PolicyCreateView
    edit_view_class = PolicyEditView
    delete_view_class = PolicyDeleteView


@hooks.register("register_admin_viewset")
def register_policy_viewset():
    return PolicyViewSet()
