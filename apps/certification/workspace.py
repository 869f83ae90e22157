"""Certification's workspace cards: applying, the staff review queue, expert panels and the reports
a certified enterprise owes."""

import datetime as dt

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Role
from apps.certification.models import AnnualReport, Application, PanelMember, Score
from apps.core.workspace import ActionCount, workspace_count, workspace_link
from apps.projects.selectors import milestones_due

REPORTS_DUE_WITHIN_DAYS = 14

workspace_link(Role.PLATFORM_STAFF, order=10, label=_("Certification review queue"), url_name="certification-queue")
workspace_link(
    Role.ORG_ADMIN,
    order=40,
    label=_("Apply for social-enterprise certification"),
    url_name="certification-list-page",
)


@workspace_count(Role.ORG_ADMIN, order=30)
def organization_reports_due(*, user, memberships) -> list[ActionCount]:
    """Milestone reports and certificate annual reports due within two weeks or overdue."""
    organization_ids = [m.organization_id for m in memberships]
    soon = timezone.localdate() + dt.timedelta(days=REPORTS_DUE_WITHIN_DAYS)
    annual = AnnualReport.objects.filter(
        certificate__organization_id__in=organization_ids, submitted_at__isnull=True, due_on__lte=soon
    )
    return [
        ActionCount(
            "reports_due",
            _("Reports due"),
            milestones_due(organization_ids=organization_ids, by=soon).count() + annual.count(),
            reverse("certification-list-page"),
        )
    ]


@workspace_count(Role.REVIEWER, order=20)
def reviewer_certification_panels(*, user, memberships) -> list[ActionCount]:
    seats = PanelMember.objects.filter(
        reviewer=user, recused=False, application__status=Application.Status.EXPERT_REVIEW
    ).filter(
        Q(declared_at__isnull=True) | ~Exists(Score.objects.filter(application=OuterRef("application"), reviewer=user))
    )
    return [
        ActionCount(
            "certification_panels",
            _("Certification panels to declare or score"),
            seats.count(),
            reverse("certification-list-page"),
        )
    ]


@workspace_count(Role.PLATFORM_STAFF, order=30)
def staff_certifications_to_review(*, user, memberships) -> list[ActionCount]:
    return [
        ActionCount(
            "certifications_to_review",
            _("Certification applications to review"),
            Application.objects.filter(status=Application.Status.SUBMITTED).count(),
            reverse("certification-queue"),
        )
    ]
