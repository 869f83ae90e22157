"""Platform staff's verification queue of social workers' qualifications: thin pages over the
verify and reject services. Anyone else gets a 404, as for every staff page."""

from functools import partial

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.core.pages import object_or_404
from apps.organizations.verification_views import decision_page, staff_only
from apps.workers.selectors import worker_pending_get, worker_verification_queue
from apps.workers.services import worker_reject, worker_verify


@login_required
def worker_queue_view(request):
    staff_only(request)
    return render(request, "workers/verification_queue.html", {"workers": worker_verification_queue()})


@login_required
@require_http_methods(["GET", "POST"])
def worker_decision_view(request, pk, action: str):
    staff_only(request)
    worker = object_or_404(worker_pending_get, pk=pk)
    if action == "verify":
        service = worker_verify
        done = _("%(name)s is verified.")
    else:
        service = worker_reject
        done = _("%(name)s was rejected and told why.")
    return decision_page(
        request,
        action=action,
        run=partial(service, actor=request.user, worker=worker),
        template="workers/verification_action.html",
        context={"worker": worker},
        queue="worker-verification-queue",
        done=done % {"name": worker.name},
    )
