"""Continuing education (继续教育) pages: the worker's own trainings with their summary and the
form to add one; the verification queue of an employer's administrators; the certificate,
served to those who may see it; the workers at risk, for platform staff."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.accounts.models import Role
from apps.accounts.selectors import is_platform_staff, user_has_role
from apps.core.errors import ApplicationError
from apps.core.pages import object_or_404, show_error
from apps.core.uploads import private_file_response
from apps.organizations.verification_views import decision_page
from apps.workers.access import training_get_for_user, trainings_to_verify_for_user
from apps.workers.forms import TrainingForm
from apps.workers.selectors import (
    worker_for_user,
    worker_training_summary,
    worker_trainings,
    workers_short_of_training,
)
from apps.workers.services import TRAINING_WARNING_DAYS, training_reject, training_submit, training_verify


@login_required
@require_http_methods(["GET", "POST"])
def my_trainings(request):
    worker = worker_for_user(request.user)
    if worker is None:
        raise Http404
    form = TrainingForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            training_submit(actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            show_error(request, exc, form)
        else:
            messages.success(request, _("The training was recorded; your employer will verify it."))
            return redirect("my-trainings")
    summary = worker_training_summary(worker=worker)
    days_left = (summary.period_end - timezone.localdate()).days
    context = {
        "worker": worker,
        "summary": summary,
        "days_left": days_left if summary.remaining and 0 <= days_left <= max(TRAINING_WARNING_DAYS) else None,
        "trainings": worker_trainings(worker=worker),
        "form": form,
    }
    return render(request, "workers/my_trainings.html", context, status=400 if form.errors else 200)


def _org_admin_only(request) -> None:
    if not user_has_role(request.user, Role.ORG_ADMIN):
        raise Http404


@login_required
def training_queue(request):
    _org_admin_only(request)
    return render(request, "workers/training_queue.html", {"trainings": trainings_to_verify_for_user(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def training_decision(request, pk, action: str):
    _org_admin_only(request)
    training = object_or_404(training_get_for_user, user=request.user, pk=pk)
    if action == "verify":
        service, done = training_verify, _("“%(title)s” of %(name)s is verified.")
    else:
        service, done = training_reject, _("“%(title)s” of %(name)s was rejected and the worker told why.")
    return decision_page(
        request,
        action=action,
        run=partial(service, actor=request.user, training=training),
        template="workers/training_action.html",
        context={"training": training},
        queue="training-queue",
        done=done % {"title": training.title, "name": training.worker.name},
    )


@login_required
def training_certificate(request, pk):
    training = object_or_404(training_get_for_user, user=request.user, pk=pk)
    response = private_file_response(training.certificate, download_name=training.certificate_name)
    response["Content-Type"] = training.certificate_mime  # sniffed from the content on upload
    return response


@login_required
def trainings_at_risk(request):
    """Workers whose registration ends within 180 days while short of continuing education."""
    if not is_platform_staff(request.user):
        raise Http404
    at_risk = workers_short_of_training(today=timezone.localdate(), within_days=max(TRAINING_WARNING_DAYS))
    return render(request, "workers/trainings_at_risk.html", {"at_risk": at_risk, "days": max(TRAINING_WARNING_DAYS)})
