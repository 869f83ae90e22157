"""What each role can do, shown on the workspace, and what needs its action now (with counts).
Apps add their own action links here."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Role

ROLE_ACTIONS: dict[str, list[tuple[str, str]]] = {
    Role.PLATFORM_STAFF: [
        (_("Certification review queue"), "/certifications/queue/"),
        (_("Edit policy values"), "/cms-admin/policy/"),
        (_("Assign review panels"), "/needs/panels/"),
        (_("Organizations to verify"), "/verification/organizations/"),
        (_("Social workers to verify"), "/verification/workers/"),
    ],
    Role.COMMUNITY_STAFF: [
        (_("Publish a need"), "/needs/new/"),
        (_("My community's needs"), "/needs/mine/"),
        (_("Confirm service hours"), "/hours/confirm/"),
        (_("Report a problem"), "/work-orders/new/"),
        (_("Community cooperatives"), "/cooperatives/"),
    ],
    Role.GRID_WORKER: [(_("Report a problem"), "/work-orders/new/")],
    Role.ORG_ADMIN: [
        (_("Find needs to bid for"), "/needs/"),
        (_("My bids"), "/bids/"),
        (_("Approve service hours"), "/hours/approve/"),
        (_("Apply for social-enterprise certification"), "/certifications/"),
        (_("Revenue-share agreements"), "/revenue-shares/"),
    ],
    Role.ORG_MEMBER: [(_("Find needs to bid for"), "/needs/"), (_("My bids"), "/bids/")],
    Role.SOCIAL_WORKER: [(_("Log service hours"), "/hours/"), (_("My service record"), "/hours/record/")],
    Role.REVIEWER: [(_("My reviews"), "/reviews/")],
    Role.FUND_MANAGER: [
        (_("Fund books"), "/funds/"),
        (_("Revenue-share reports"), "/revenue-shares/"),
        (_("Community cooperatives"), "/cooperatives/"),
    ],
    Role.STREET_OFFICER: [(_("Dispatch console"), "/dispatch/"), (_("Oversight dashboard"), "/oversight/")],
    Role.DISTRICT_OFFICER: [(_("Dispatch console"), "/dispatch/"), (_("Oversight dashboard"), "/oversight/")],
    Role.UNIT_STAFF: [(_("Work-order inbox"), "/work-orders/inbox/")],
}


# What needs action now, with counts ---------------------------------------------------------
#
REPORTS_DUE_WITHIN_DAYS = 14

# One selector per role, scoped to the membership it is shown for (its community, organization or
# fund) or to the user (reviewer, worker): a count never includes rows the user may not see.
# Each count is one query.


@dataclass(frozen=True)
class ActionCount:
    key: str
    label: str
    value: int | Decimal
    url: str


def _community_staff(*, user, membership) -> list[ActionCount]:
    from apps.bidding.models import Need
    from apps.projects.models import Milestone, ServiceLog

    community = membership.community_id
    needs = Need.objects.filter(community_id=community)
    return [
        ActionCount("drafts", _("Drafts"), needs.filter(status="draft").count(), "/needs/mine/"),
        ActionCount("evaluating", _("Needs in evaluation"), needs.filter(status="evaluating").count(), "/needs/mine/"),
        ActionCount(
            "records_to_confirm",
            _("Records to confirm"),
            ServiceLog.objects.filter(
                project__community_id=community, status="approved", superseded_at__isnull=True
            ).count(),
            "/hours/confirm/",
        ),
        ActionCount(
            "milestones_to_accept",
            _("Milestones to accept"),
            Milestone.objects.filter(project__community_id=community, status="submitted").count(),
            "/needs/mine/",
        ),
    ]


def _open_needs_matching(org):
    from apps.bidding.models import Need
    from apps.regions.models import Region

    needs = Need.objects.filter(status="published", bid_deadline__gt=timezone.now())
    categories = list(org.followed_categories.values_list("pk", flat=True))
    paths = list(Region.objects.filter(pk__in=org.followed_regions.values("pk")).values_list("path", flat=True))
    if not categories and not paths:
        return needs
    match = Q(category_id__in=categories)
    for path in paths:
        match |= Q(community__path__startswith=path)
    return needs.filter(match)


def _organization(*, user, membership) -> list[ActionCount]:
    from apps.bidding.models import Proposal
    from apps.certification.models import AnnualReport
    from apps.projects.models import Milestone, ServiceLog

    org = membership.organization
    soon = timezone.localdate() + dt.timedelta(days=REPORTS_DUE_WITHIN_DAYS)
    counts = [
        ActionCount("open_needs", _("Open needs matching your follows"), _open_needs_matching(org).count(), "/needs/"),
        ActionCount(
            "bids",
            _("Bids in progress"),
            Proposal.objects.filter(organization=org, status__in=("draft", "submitted")).count(),
            "/bids/",
        ),
    ]
    if membership.role == Role.ORG_ADMIN:
        counts += [
            ActionCount(
                "records_to_approve",
                _("Records to approve"),
                ServiceLog.objects.filter(project__organization=org, status="submitted").count(),
                "/hours/approve/",
            ),
            ActionCount(
                "reports_due",
                _("Reports due"),
                Milestone.objects.filter(
                    project__organization=org,
                    project__status="active",
                    status__in=("pending", "returned"),
                    due_date__lte=soon,
                ).count()
                + AnnualReport.objects.filter(
                    certificate__organization=org, submitted_at__isnull=True, due_on__lte=soon
                ).count(),
                "/certifications/",
            ),
        ]
    return counts


def _social_worker(*, user, membership) -> list[ActionCount]:
    from apps.projects.models import Project, ServiceLog
    from apps.workers.selectors import worker_for_user

    worker = worker_for_user(user)
    if worker is None:
        return []
    today = timezone.localdate()
    logs = ServiceLog.objects.filter(worker=worker, superseded_at__isnull=True)
    month = logs.filter(date__gte=today.replace(day=1), date__lte=today, status__in=ServiceLog.LIVE_STATUSES)
    by_status = dict(logs.values_list("status").annotate(n=Count("id")).order_by())
    return [
        ActionCount(
            "my_projects",
            _("My projects"),
            Project.objects.filter(status="active", team__worker=worker).distinct().count(),
            "/hours/",
        ),
        ActionCount(
            "hours_this_month",
            _("Hours this month"),
            month.aggregate(total=Sum("hours"))["total"] or Decimal("0.00"),
            "/hours/",
        ),
        ActionCount("submitted", _("Records awaiting approval"), by_status.get("submitted", 0), "/hours/"),
        ActionCount("approved", _("Records awaiting confirmation"), by_status.get("approved", 0), "/hours/"),
        ActionCount("rejected", _("Records rejected"), by_status.get("rejected", 0), "/hours/"),
    ]


def _reviewer(*, user, membership) -> list[ActionCount]:
    from apps.bidding.models import PanelReviewer
    from apps.certification.models import PanelMember, Score

    seats = (
        PanelReviewer.objects.filter(reviewer=user, recused=False, need__status__in=("published", "evaluating"))
        .annotate(
            open_bids=Count("need__proposals", filter=Q(need__proposals__status="submitted"), distinct=True),
            mine=Count("need__proposals__scores", filter=Q(need__proposals__scores__reviewer=user), distinct=True),
        )
        # Bids open for scoring at the deadline by the clock, before the closing job has run too.
        .filter(Q(declared_at__isnull=True) | Q(need__bid_deadline__lte=timezone.now(), mine__lt=F("open_bids")))
    )
    certification = PanelMember.objects.filter(
        reviewer=user, recused=False, application__status="expert_review"
    ).filter(
        Q(declared_at__isnull=True) | ~Exists(Score.objects.filter(application=OuterRef("application"), reviewer=user))
    )
    return [
        ActionCount("need_panels", _("Need panels to declare or score"), seats.count(), "/reviews/"),
        ActionCount(
            "certification_panels",
            _("Certification panels to declare or score"),
            certification.count(),
            "/certifications/",
        ),
    ]


def _fund_manager(*, user, membership) -> list[ActionCount]:
    from apps.accounts.models import Membership
    from apps.funds.models import RefundHold
    from apps.notifications.models import Notification
    from apps.revenue.models import RevenueShareReport

    fund = membership.fund_id
    return [
        ActionCount(
            "books",
            _("Books"),
            Membership.objects.active().filter(user=user, role=Role.FUND_MANAGER, fund__isnull=False).count(),
            f"/funds/{fund}/" if fund else "/funds/",
        ),
        ActionCount(
            "pending_reports",
            _("Revenue reports to review"),
            RevenueShareReport.objects.filter(agreement__fund_id=fund, status="submitted").count(),
            "/revenue-shares/",
        ),
        ActionCount(
            "reconciliation_warnings",
            _("Reconciliation warnings"),
            RefundHold.objects.filter(fund_id=fund, resolved=False).count()
            + Notification.objects.filter(user=user, kind="fund_reconciliation", read_at__isnull=True).count(),
            "/notifications/",
        ),
    ]


def _platform_staff(*, user, membership) -> list[ActionCount]:
    from apps.certification.models import Application
    from apps.organizations.selectors import organization_verification_queue
    from apps.workers.selectors import worker_verification_queue

    return [
        ActionCount(
            "organizations_to_verify",
            _("Organizations to verify"),
            organization_verification_queue().count(),
            "/verification/organizations/",
        ),
        ActionCount(
            "workers_to_verify",
            _("Social workers to verify"),
            worker_verification_queue().count(),
            "/verification/workers/",
        ),
        ActionCount(
            "certifications_to_review",
            _("Certification applications to review"),
            Application.objects.filter(status="submitted").count(),
            "/certifications/queue/",
        ),
    ]


COUNTERS = {
    Role.COMMUNITY_STAFF: _community_staff,
    Role.ORG_ADMIN: _organization,
    Role.ORG_MEMBER: _organization,
    Role.SOCIAL_WORKER: _social_worker,
    Role.REVIEWER: _reviewer,
    Role.FUND_MANAGER: _fund_manager,
    Role.PLATFORM_STAFF: _platform_staff,
}


def workspace_counts(*, user, membership) -> list[ActionCount]:
    """What needs ``user``'s action now in ``membership`` (which must be one of theirs)."""
    if membership.user_id != user.pk:
        return []
    counter = COUNTERS.get(membership.role)
    return counter(user=user, membership=membership) if counter else []
