"""Pages of certification: applicant form and status, staff queue, reviewer page, public registry,
certificate page and PDF. Thin: parse, access, service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.accounts.models import Role
from apps.accounts.selectors import is_platform_staff, user_organization_ids, users_with_role
from apps.certification import access, selectors, services
from apps.certification.forms import (
    AnnualReportForm,
    ApplicationForm,
    DeclarationForm,
    DocumentForm,
    NewApplicationForm,
    ObjectionForm,
    PanelForm,
    PreliminaryForm,
    ReasonForm,
    ResolveForm,
    ScoreForm,
)
from apps.certification.models import Application, PanelMember
from apps.certification.pdf import certificate_pdf_bytes
from apps.core.errors import ApplicationError, ValidationFailed
from apps.core.ids import parse_id
from apps.core.pages import language_neutral_url, object_or_404, show_error
from apps.organizations.models import Organization
from apps.regions.models import Region

# Who must act next, per status (shown in the staff queue).
HOLDERS = {
    "draft": "applicant",
    "returned": "applicant",
    "submitted": "platform staff",
    "expert_review": "panel",
    "notice": "public notice",
}


def _holder_label(status: str) -> str:
    labels = {
        "applicant": _("Applicant"),
        "platform staff": _("Platform staff"),
        "panel": _("Expert panel"),
        "public notice": _("Public notice"),
    }
    return labels.get(HOLDERS.get(status, ""), "—")


# ---------------------------------------------------------------- applicant


@login_required
def application_list(request):
    admin_orgs = Organization.objects.filter(pk__in=user_organization_ids(request.user, roles=(Role.ORG_ADMIN,)))
    applications = selectors.certification_list_for_user(user=request.user).order_by("-created_at")[:50]
    form = None
    if admin_orgs.exists():
        form = NewApplicationForm(request.POST or None, organizations=admin_orgs)
        if request.method == "POST" and form.is_valid():
            data = dict(form.cleaned_data)
            try:
                application = services.certification_create(actor=request.user, **data)
            except ApplicationError as exc:
                show_error(request, exc, form)
            else:
                messages.success(request, _("Draft saved. Check the eligibility results, then submit."))
                return redirect("certification-page", pk=application.pk)
    invitations = PanelMember.objects.filter(reviewer=request.user).select_related("application__organization")
    return render(
        request,
        "certification/application_list.html",
        {
            "applications": applications,
            "form": form,
            "invitations": invitations,
            "is_staff": is_platform_staff(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_page(request, pk):
    application = object_or_404(access.certification_get_for_user, user=request.user, pk=pk)
    user = request.user
    is_staff = is_platform_staff(user)
    is_admin = application.organization_id in user_organization_ids(user, roles=(Role.ORG_ADMIN,))
    bound = {}
    if request.method == "POST":
        action = _application_action(request, application, request.POST.get("action", ""))
        if action is None:
            return redirect("certification-page", pk=application.pk)
        name, form, service, done = action
        if form is None or form.is_valid():
            try:
                service(**(form.cleaned_data if form is not None else {}))
            except ApplicationError as exc:
                show_error(request, exc, form)
            else:
                messages.success(request, done)
                return redirect("certification-page", pk=application.pk)
        if form is None:
            return redirect("certification-page", pk=application.pk)
        bound[name] = form
    application = access.certification_get_for_user(user=user, pk=pk)
    certificate = (
        getattr(application, "certificate", None) if application.status in ("certified", "expired", "revoked") else None
    )
    return render(
        request,
        "certification/application_page.html",
        {
            "application": application,
            "certificate": certificate,
            "reports": certificate.annual_reports.all() if certificate else [],
            "is_staff": is_staff,
            "is_admin": is_admin,
            "edit_form": ApplicationForm(instance=application)
            if is_admin and application.status in Application.EDITABLE
            else None,
            "document_form": DocumentForm() if is_admin and application.status in Application.EDITABLE else None,
            "preliminary_form": PreliminaryForm() if is_staff and application.status == "submitted" else None,
            "panel_form": PanelForm(
                reviewers=users_with_role(Role.REVIEWER).order_by("username"),
                initial={"reviewers": [m.reviewer_id for m in application.panel.all()]},
            )
            if is_staff and application.status in ("submitted", "expert_review")
            else None,
            "revoke_form": ReasonForm() if is_staff and application.status == "certified" else None,
            "report_form": AnnualReportForm()
            if is_admin and certificate and certificate.status in ("certified", "suspended")
            else None,
            "resolve_form": ResolveForm() if is_staff else None,
            "panel": application.panel.select_related("reviewer") if is_staff else [],
            "scores": application.scores.select_related("reviewer") if is_staff else [],
            "events": application.events.select_related("actor"),
            **bound,
        },
    )


def _application_action(request, application, action: str):
    """The posted action of the application page: the name its form has in the page, the bound
    form (None for a button), the service to call with the form's data and what to say when done."""
    post = request.POST
    base = {"actor": request.user, "application": application}

    def call(service, **fixed):
        return lambda **data: service(**base, **fixed, **data)

    if action == "edit":
        form = ApplicationForm(post, instance=Application.objects.get(pk=application.pk))
        return "edit_form", form, call(services.certification_update), _("Saved.")
    if action == "document":
        form = DocumentForm(post, request.FILES)
        return "document_form", form, call(services.certification_document_add), _("Document added.")
    if action == "submit":
        return None, None, call(services.certification_submit), _("Submitted.")
    if action == "preliminary":
        form = PreliminaryForm(post)
        return "preliminary_form", form, call(services.certification_preliminary), _("Recorded.")
    if action == "panel":
        form = PanelForm(post, reviewers=users_with_role(Role.REVIEWER).order_by("username"))
        return (
            "panel_form",
            form,
            lambda reviewers: services.certification_panel_set(**base, reviewers=list(reviewers)),
            _("Panel set."),
        )
    if action == "decide":
        return None, None, call(services.certification_decide), _("Decided.")
    if action == "revoke":
        return "revoke_form", ReasonForm(post), call(services.certification_revoke), _("Certificate revoked.")
    if action == "resolve":
        objection = application.objections.filter(pk=parse_id(post.get("objection"))).first()
        if objection is None:
            raise Http404
        return (
            "resolve_form",
            ResolveForm(post),
            lambda **data: services.certification_objection_resolve(actor=request.user, objection=objection, **data),
            _("Objection resolved."),
        )
    if action == "report":
        form = AnnualReportForm(post)
        return "report_form", form, call(services.annual_report_submit), _("Annual report received.")
    return None


# ---------------------------------------------------------------- staff and reviewers


@login_required
def staff_queue(request):
    # Not a secret that the queue exists: anyone else signed in is told they may not see it.
    if not is_platform_staff(request.user):
        raise PermissionDenied
    filters = request.GET.copy()
    if not filters.getlist("status"):
        filters.setlist("status", ["submitted", "expert_review", "notice", "returned"])
    rows = []
    now = timezone.now()
    for application in selectors.certification_queue(filters=filters)[:200]:
        panel = list(application.panel.all())
        rows.append(
            {
                "application": application,
                "holder": _holder_label(application.status),
                "days_in_stage": (now - application.stage_entered_at).days,
                "panel_size": len([m for m in panel if not m.recused]),
                "declared": len([m for m in panel if m.declared_at]),
                # Scores of this round only: an upheld objection reopens expert review.
                "scored": len([sc for sc in application.scores.all() if sc.scored_at >= application.stage_entered_at]),
                "open_objections": len([o for o in application.objections.all() if o.status == "open"]),
            }
        )
    return render(
        request,
        "certification/queue.html",
        {
            "rows": rows,
            "statuses": Application.Status.choices,
            "selected": filters.getlist("status"),
            "q": request.GET.get("q", ""),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def reviewer_page(request, pk):
    application = object_or_404(access.certification_get_for_panel_member, user=request.user, pk=pk)
    member = PanelMember.objects.filter(application=application, reviewer=request.user).first()
    if member is None:
        raise Http404
    bound = {}
    actions = {
        "declare": ("declaration_form", DeclarationForm, services.certification_declare, _("Declaration recorded.")),
        "score": ("score_form", ScoreForm, services.certification_score, _("Score saved.")),
    }
    if request.method == "POST":
        if request.POST.get("action") not in actions:
            return redirect("certification-review", pk=application.pk)
        name, form_class, service, done = actions[request.POST["action"]]
        form = form_class(request.POST)
        if form.is_valid():
            try:
                service(actor=request.user, application=application, **form.cleaned_data)
            except ApplicationError as exc:
                show_error(request, exc, form)
            else:
                messages.success(request, done)
                return redirect("certification-review", pk=application.pk)
        bound[name] = form
    member.refresh_from_db()
    own = application.scores.filter(reviewer=request.user).first()
    return render(
        request,
        "certification/reviewer_page.html",
        {
            "application": application,
            "member": member,
            "declaration_form": DeclarationForm() if member.declared_at is None else None,
            "score_form": ScoreForm(initial={"score": own.score, "comment": own.comment} if own else None)
            if member.may_review and application.status == "expert_review"
            else None,
            "own_score": own,
            # An upheld objection reopened expert review: a score from before no longer counts.
            "score_outdated": own is not None
            and application.status == "expert_review"
            and own.scored_at < application.stage_entered_at,
            **bound,
        },
    )


# ---------------------------------------------------------------- public


def registry(request):
    page = Paginator(selectors.registry_list(filters=request.GET), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "certification/registry.html",
        {
            "page": page,
            "notices": selectors.notice_list(),
            "districts": Region.objects.filter(level="district"),
            "legal_forms": Organization.LegalForm.choices,
            "statuses": (
                ("certified", _("certified")),
                ("suspended", _("suspended")),
                ("expired", _("expired")),
                ("revoked", _("revoked")),
            ),
            "objection_form": ObjectionForm() if request.user.is_authenticated else None,
        },
    )


@login_required
@require_http_methods(["POST"])
def notice_object(request, pk):
    application = object_or_404(access.certification_get_for_objection, user=request.user, pk=pk)
    form = ObjectionForm(request.POST)
    # The registry lists many notices, each with its own form: the refusal is shown on top.
    try:
        if not form.is_valid():
            raise ValidationFailed(field_errors=form.errors)
        services.certification_object(actor=request.user, application=application, text=form.cleaned_data["text"])
    except ApplicationError as exc:
        show_error(request, exc)
    else:
        messages.success(request, _("Your objection was filed; platform staff will review it."))
    return redirect("social-enterprise-registry")


def certificate_page(request, certificate_no):
    certificate = object_or_404(access.certificate_get_public, certificate_no=certificate_no)
    return render(
        request,
        "certification/certificate.html",
        {
            "certificate": certificate,
            "valid_today": selectors.certificate_is_valid_on(certificate, timezone.localdate()),
            "verify_url": request.build_absolute_uri(language_neutral_url(certificate.get_absolute_url())),
        },
    )


def certificate_pdf(request, certificate_no):
    certificate = object_or_404(access.certificate_get_public, certificate_no=certificate_no)
    data = certificate_pdf_bytes(
        certificate, verify_url=request.build_absolute_uri(language_neutral_url(certificate.get_absolute_url()))
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{certificate.certificate_no}.pdf"'
    return response
