"""Pages: a worker's log and record, the organization's and community's queues, a project."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.models import Role
from apps.accounts.selectors import user_community_ids, user_organization_ids
from apps.core.aggregates import DecimalSum
from apps.core.errors import ApplicationError, ValidationFailed
from apps.core.ids import parse_id
from apps.core.money import decimal_to_fen, format_yuan
from apps.core.pages import (
    MoneyConfirm,
    money_confirm_render,
    money_confirm_stale,
    money_moved_message,
    object_or_404,
    show_error,
)
from apps.core.uploads import private_file_response
from apps.funds.payouts import milestone_payout_transfer
from apps.funds.selectors import fund_transfer_url
from apps.projects import services
from apps.projects.access import (
    milestone_attachment_get_for_user,
    project_get_for_user,
    user_is_project_party,
)
from apps.projects.filters import CommunityProjectFilter
from apps.projects.forms import MilestoneReportForm, QueueFilterForm, ServiceLogForm
from apps.projects.models import DeliveryRating, Milestone, Project, ServiceLog, ServiceRecord
from apps.projects.pdf import service_record_pdf
from apps.projects.selectors import (
    community_project_list,
    milestone_accept_preview,
    service_log_queue,
    service_log_queue_choices,
    service_log_queue_selection,
    worker_confirmed_logs,
    worker_hours_breakdown,
    worker_record_lines,
)
from apps.workers.selectors import worker_for_user


def _worker_or_404(request):
    worker = worker_for_user(request.user)
    if worker is None:
        raise Http404
    return worker


@login_required
def hours_log(request):
    """The worker's log form and their records."""
    worker = _worker_or_404(request)
    projects = Project.objects.filter(status=Project.Status.ACTIVE, team__worker=worker).distinct()
    if request.method == "POST":
        form = ServiceLogForm(request.POST, projects=projects)
        if form.is_valid():
            try:
                log = services.service_log_create(worker=worker, **form.cleaned_data)
            except ApplicationError as exc:
                show_error(request, exc, form)
            else:
                messages.success(request, _("Logged %(hours)s hours; waiting for approval.") % {"hours": log.hours})
                return redirect("projects:hours")
    else:
        form = ServiceLogForm(projects=projects)
    logs = ServiceLog.objects.filter(worker=worker).select_related("project")[:100]
    return render(request, "projects/hours_log.html", {"form": form, "logs": logs, "worker": worker})


@login_required
def hours_record(request):
    worker = _worker_or_404(request)
    return render(
        request,
        "projects/hours_record.html",
        {
            "worker": worker,
            "summary": worker_hours_breakdown(worker=worker),
            "records": worker.service_records.all()[:10],
        },
    )


@login_required
@require_POST
def hours_record_pdf(request):
    """Issue a service record (new verification number) and download it as a PDF."""
    worker = _worker_or_404(request)
    evidence = _evidence_filter(request.POST)
    record = services.service_record_issue(worker=worker, evidence=evidence)
    verify_url = request.build_absolute_uri(reverse("projects:record-verify", args=[record.verification_no]))
    logs = worker_confirmed_logs(worker=worker, evidence=evidence).order_by("date", "start_time")
    pdf = service_record_pdf(record=record, logs=logs, verify_url=verify_url)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="service-record-{record.verification_no}.pdf"'
    return response


def record_verify(request, verification_no: str):
    """Public: anyone with the number (or the QR code) checks the record. Shows the worker's name
    and breakdown only when the worker consented (public_profile); the totals always."""
    record = get_object_or_404(ServiceRecord.objects.select_related("worker"), verification_no=verification_no[:24])
    worker = record.worker
    evidence = record.evidence or _evidence_filter(request.GET)
    context = {"record": record, "public": worker.public_profile, "evidence": evidence}
    if worker.public_profile:
        context["summary"] = worker_hours_breakdown(worker=worker, evidence=evidence)
        context["lines"] = worker_record_lines(worker=worker, evidence=evidence)
    return render(request, "projects/record_verify.html", context)


def _evidence_filter(data) -> str:
    """``"checkin"`` when the record is to list only hours evidenced by check-in, else blank."""
    return ServiceLog.Evidence.CHECKIN if data.get("evidence") == ServiceLog.Evidence.CHECKIN else ""


def _queue(request, *, status: str, scope: dict, template: str, title: str):
    projects, workers = service_log_queue_choices(user=request.user, **scope)
    form = QueueFilterForm(request.GET or None, projects=projects, workers=workers)
    logs = service_log_queue(
        user=request.user, status=status, filters=request.GET if form.is_valid() else None, **scope
    )
    export_query = urlencode({k: v for k, v in request.GET.items() if v} | {"status": status})
    return render(
        request,
        template,
        {
            "form": form,
            "logs": logs[:200],
            "total": logs.aggregate(total=DecimalSum("hours"))["total"],
            "count": logs.count(),
            "title": title,
            "export_query": export_query,
        },
    )


def _posted_ids(request) -> list[int]:
    """The ticked records' ids; anything that is no id of ours is left out."""
    return [pk for pk in map(parse_id, request.POST.getlist("ids")) if pk is not None]


@login_required
def approve_queue(request):
    """The organization's queue: records awaiting approval, bulk approve."""
    org_ids = user_organization_ids(request.user, roles=(Role.ORG_ADMIN,))
    if not org_ids:
        raise Http404
    if request.method == "POST":
        ids = _posted_ids(request)
        logs = service_log_queue_selection(user=request.user, ids=ids, organization_ids=org_ids)
        if request.POST.get("action") == "reject":
            rejected = 0
            for log in logs:
                try:
                    services.service_log_reject(actor=request.user, log=log, reason=request.POST.get("reason", ""))
                    rejected += 1
                except ApplicationError as exc:
                    show_error(request, exc)
                    break
            messages.success(request, _("%(n)s records rejected.") % {"n": rejected})
        else:
            count = services.service_logs_bulk_approve(actor=request.user, logs=list(logs))
            messages.success(request, _("%(n)s records approved.") % {"n": count})
        return redirect(request.get_full_path())
    return _queue(
        request,
        status=ServiceLog.Status.SUBMITTED,
        scope={"organization_ids": org_ids},
        template="projects/queue_approve.html",
        title=_("Service hours awaiting approval"),
    )


@login_required
def confirm_queue(request):
    """The community's queue: approved records awaiting confirmation. Confirming asks first."""
    community_ids = user_community_ids(request.user)
    if not community_ids:
        raise Http404
    if request.method == "POST":
        ids = _posted_ids(request)
        logs = list(
            service_log_queue_selection(
                user=request.user, ids=ids, community_ids=community_ids, status=ServiceLog.Status.APPROVED
            )
        )
        action = request.POST.get("action")
        if action == "reject":
            for log in logs:
                try:
                    services.service_log_reject(actor=request.user, log=log, reason=request.POST.get("reason", ""))
                except ApplicationError as exc:
                    show_error(request, exc)
                    break
            return redirect(request.get_full_path())
        if action != "confirm" or request.POST.get("confirmed") != "yes":
            total = sum((log.hours for log in logs), start=0)
            return render(request, "projects/confirm_check.html", {"logs": logs, "total": total})
        confirmed = 0
        for log in logs:
            try:
                services.service_log_confirm(actor=request.user, log=log)
                confirmed += 1
            except ApplicationError as exc:
                show_error(request, exc)
        messages.success(request, _("%(n)s records confirmed.") % {"n": confirmed})
        return redirect(request.get_full_path())
    return _queue(
        request,
        status=ServiceLog.Status.APPROVED,
        scope={"community_ids": community_ids},
        template="projects/queue_confirm.html",
        title=_("Service hours awaiting confirmation"),
    )


def _project_page(request, project, *, bound_form=None, bound_mid=None, status=200):
    party = user_is_project_party(request.user, project)
    is_org = project.organization_id in user_organization_ids(request.user)
    ratings = (
        dict(
            DeliveryRating.objects.filter(project=project, milestone__isnull=False).values_list(
                "milestone_id", "rating"
            )
        )
        if party
        else {}
    )
    milestones = []
    for m in project.milestones.prefetch_related("attachments") if party else project.milestones.all():
        form = None
        if is_org and m.status in (m.Status.PENDING, m.Status.RETURNED):
            form = bound_form if m.pk == bound_mid else MilestoneReportForm(prefix=f"m{m.pk}")
        milestones.append(
            {
                "m": m,
                "amount": format_yuan(decimal_to_fen(m.amount)),
                "form": form,
                "upload_id": f"upload-progress-{m.pk}",
                "rating": ratings.get(m.pk),
            }
        )
    hours = None
    if party:
        hours = project.service_logs.counted().aggregate(total=DecimalSum("hours"))["total"]
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "amount": format_yuan(decimal_to_fen(project.amount)),
            "team": project.team.select_related("worker"),
            "milestones": milestones,
            "party": party,
            "confirmed_hours": hours,
            "is_staff_of_community": project.community_id in user_community_ids(request.user),
            "is_org": is_org,
        },
        status=status,
    )


def _project_or_404(request, pk):
    return object_or_404(project_get_for_user, user=request.user, pk=pk)


def project_detail(request, pk):
    return _project_page(request, _project_or_404(request, pk))


@login_required
@require_POST
def milestone_action(request, pk, mid, action):
    project = _project_or_404(request, pk)
    milestone = get_object_or_404(project.milestones, pk=mid)
    if action == "submit":
        form = MilestoneReportForm(request.POST, request.FILES, prefix=f"m{milestone.pk}")
        if form.is_valid():
            try:
                services.milestone_submit(
                    actor=request.user,
                    milestone=milestone,
                    report=form.cleaned_data["report"],
                    attachments=form.cleaned_data["attachments"],
                )
            except ApplicationError as exc:
                show_error(request, exc, form)
            else:
                messages.success(request, _("Report submitted."))
                return redirect("projects:project-detail", pk=project.pk)
        return _project_page(request, project, bound_form=form, bound_mid=milestone.pk, status=400)
    try:
        if action == "return":
            services.milestone_return(actor=request.user, milestone=milestone, reason=request.POST.get("reason", ""))
        elif action == "rate":
            rating = request.POST.get("rating", "")
            if not rating.isdigit():
                raise ValidationFailed(field_errors={"rating": [_("Choose a rating from 1 to 5.")]})
            services.delivery_rating_record(
                actor=request.user,
                project=project,
                milestone=milestone,
                rating=int(rating),
                comment=request.POST.get("comment", "")[:500],
            )
        else:
            raise Http404
    except ApplicationError as exc:
        show_error(request, exc)
    else:
        messages.success(request, _("Done."))
    return redirect("projects:project-detail", pk=project.pk)


@login_required
def milestone_accept(request, pk, mid):
    """GET: what accepting will pay, from which fund to whom (moves nothing). POST: accept and
    pay, then say what was paid and the ledger transfer."""
    project = _project_or_404(request, pk)
    milestone = get_object_or_404(project.milestones, pk=mid)
    if project.community_id not in user_community_ids(request.user):
        raise Http404
    submitted = milestone.status == milestone.Status.SUBMITTED
    if request.method == "POST":
        if submitted and (stale := money_confirm_stale(request, _accept_confirm(project, milestone))):
            return stale
        try:
            services.milestone_accept(actor=request.user, milestone=milestone)
        except ApplicationError as exc:
            show_error(request, exc)
        else:
            _say_milestone_paid(request, project, milestone)
        return redirect("projects:project-detail", pk=project.pk)
    if not submitted:
        messages.error(request, _("Only a submitted milestone can be accepted."))
        return redirect("projects:project-detail", pk=project.pk)
    return money_confirm_render(request, _accept_confirm(project, milestone))


def _accept_confirm(project, milestone) -> MoneyConfirm:
    return MoneyConfirm(
        title=_("Accept and pay"),
        question=_("Accept this milestone and pay its amount?"),
        move=milestone_accept_preview(milestone=milestone),
        subject=f"{project.title} · {milestone.title}",
        submit_label=_("Accept and pay"),
        cancel_url=reverse("projects:project-detail", args=[project.pk]),
    )


def _say_milestone_paid(request, project, milestone) -> None:
    transfer = milestone_payout_transfer(milestone=milestone)
    values = {"milestone": milestone.title, "payee": project.organization.name}
    if transfer is None:
        messages.success(
            request, _("Milestone %(milestone)s accepted; nothing was paid through the platform's books.") % values
        )
        return
    fund = project.need.fund
    money_moved_message(
        request,
        _("Milestone %(milestone)s accepted: %(amount)s paid to %(payee)s (%(transfer)s)."),
        amount=format_yuan(transfer.amount),
        transfer_id=transfer.pk,
        transfer_url=fund_transfer_url(fund, transfer.pk) if fund else None,
        **values,
    )


def milestone_attachment(request, pk, mid, aid):
    """A report's file for the project's parties; 404 for anyone else."""

    project = _project_or_404(request, pk)
    milestone = get_object_or_404(project.milestones, pk=mid)
    attachment = object_or_404(milestone_attachment_get_for_user, user=request.user, milestone=milestone, pk=aid)
    return private_file_response(attachment.file, download_name=attachment.name)


COMMUNITY_PROJECTS_PER_PAGE = 30


@login_required
def community_projects(request):
    """Community staff: their community's projects, each with its organization, next milestone and
    the money paid and still to pay; ``?milestones=submitted`` keeps those awaiting acceptance."""
    if not user_community_ids(request.user):
        raise PermissionDenied
    projects = community_project_list(user=request.user, filters=request.GET)
    page = Paginator(projects, COMMUNITY_PROJECTS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filter_form": CommunityProjectFilter(request.GET).form,
        "awaiting_only": request.GET.get("milestones") == Milestone.Status.SUBMITTED,
        "extra_query": query.urlencode(),
    }
    return render(request, "projects/community_projects.html", context)
