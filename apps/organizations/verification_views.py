"""Platform staff's verification queue of organizations: thin pages over the verify and reject
services. Anyone else gets a 404, as for every staff page. The workers' queue reuses
``decision_page``."""

from collections.abc import Callable
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.accounts.selectors import is_platform_staff
from apps.core.errors import ApplicationError
from apps.core.pages import object_or_404, show_error
from apps.organizations.forms import RejectionForm
from apps.organizations.selectors import organization_pending_get, organization_verification_queue
from apps.organizations.services import organization_reject, organization_verify


def staff_only(request) -> None:
    if not is_platform_staff(request.user):
        raise Http404


def decision_page(request, *, action: str, run: Callable, template: str, context: dict, queue: str, done: str):
    """GET: the confirmation page (with a reason field when rejecting). POST: run the service and
    go back to the queue; refusals are shown next to the reason field or at the top of the form."""
    form = RejectionForm(request.POST or None) if action == "reject" else None
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            run(**({"reason": form.cleaned_data["reason"]} if form else {}))
        except ApplicationError as exc:
            show_error(request, exc, form)
            if form is None:
                return redirect(queue)
        else:
            messages.success(request, done)
            return redirect(queue)
    return render(request, template, {**context, "action": action, "form": form})


@login_required
def organization_queue_view(request):
    staff_only(request)
    return render(
        request, "organizations/verification_queue.html", {"organizations": organization_verification_queue()}
    )


@login_required
@require_http_methods(["GET", "POST"])
def organization_decision_view(request, pk, action: str):
    staff_only(request)
    org = object_or_404(organization_pending_get, pk=pk)
    if action == "verify":
        service = organization_verify
        done = _("%(name)s is verified and now appears in public lists.")
    else:
        service = organization_reject
        done = _("%(name)s was rejected; its administrators were told why.")
    return decision_page(
        request,
        action=action,
        run=partial(service, actor=request.user, organization=org),
        template="organizations/verification_action.html",
        context={"org": org},
        queue="organization-verification-queue",
        done=done % {"name": org.name},
    )
