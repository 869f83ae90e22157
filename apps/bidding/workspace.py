"""Bidding's workspace cards: publishing and following needs, bids, and need review panels."""

from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Role
from apps.bidding.models import Need, PanelReviewer, Proposal
from apps.bidding.selectors import needs_open_for_bids, questions_waiting_for_staff
from apps.core.workspace import ActionCount, workspace_count, workspace_link
from apps.organizations.models import Organization
from apps.regions.models import Region
from apps.regions.selectors import within_region

workspace_link(Role.PLATFORM_STAFF, order=30, label=_("Assign review panels"), url_name="bidding:panel-index")
workspace_link(Role.COMMUNITY_STAFF, order=10, label=_("Publish a need"), url_name="bidding:need-new")
workspace_link(Role.COMMUNITY_STAFF, order=20, label=_("My community's needs"), url_name="bidding:needs-mine")
workspace_link(
    Role.ORG_ADMIN, Role.ORG_MEMBER, order=10, label=_("Find needs to bid for"), url_name="bidding:need-list"
)
workspace_link(Role.ORG_ADMIN, Role.ORG_MEMBER, order=20, label=_("My bids"), url_name="bidding:my-bids")
workspace_link(Role.REVIEWER, order=10, label=_("My reviews"), url_name="bidding:reviews")


@workspace_count(Role.COMMUNITY_STAFF, order=10)
def community_needs(*, user, memberships) -> list[ActionCount]:
    needs = Need.objects.filter(community_id__in=[m.community_id for m in memberships])
    url = reverse("bidding:needs-mine")
    return [
        ActionCount("drafts", _("Drafts"), needs.filter(status=Need.Status.DRAFT).count(), url),
        ActionCount("evaluating", _("Needs in evaluation"), needs.filter(status=Need.Status.EVALUATING).count(), url),
    ]


@workspace_count(Role.COMMUNITY_STAFF, order=11)
def community_questions(*, user, memberships) -> list[ActionCount]:
    """Questions to answer; those still unanswered at the bid deadline are flagged apart."""
    waiting = questions_waiting_for_staff(community_ids=[m.community_id for m in memberships])
    url = reverse("bidding:questions-waiting")
    return [
        ActionCount("questions", _("Questions to answer"), waiting.count(), url),
        ActionCount(
            "questions_overdue",
            _("Questions unanswered at the bid deadline"),
            waiting.filter(overdue=1).count(),
            url,
        ),
    ]


def _open_needs_matching_follows(organization_ids: list[int]) -> QuerySet[Need]:
    """Needs open for bids in the categories or regions any of the organizations follows (every
    open need when one of them follows none)."""
    needs = needs_open_for_bids()
    follows = Organization.followed_categories.through.objects.filter(organization_id__in=organization_ids)
    region_follows = Organization.followed_regions.through.objects.filter(organization_id__in=organization_ids)
    categories = list(follows.values_list("organization_id", "category_id"))
    region_ids = list(region_follows.values_list("organization_id", "region_id"))
    if {org for org, _category in categories} | {org for org, _region in region_ids} != set(organization_ids):
        return needs
    match = Q(category_id__in={category for _org, category in categories})
    for region in Region.objects.filter(pk__in={region for _org, region in region_ids}).only("path"):
        match |= within_region(region, via="community")
    return needs.filter(match)


@workspace_count(Role.ORG_ADMIN, Role.ORG_MEMBER, order=10)
def organization_bidding(*, user, memberships) -> list[ActionCount]:
    organization_ids = [m.organization_id for m in memberships]
    return [
        ActionCount(
            "open_needs",
            _("Open needs matching your follows"),
            _open_needs_matching_follows(organization_ids).count(),
            reverse("bidding:need-list"),
        ),
        ActionCount(
            "bids",
            _("Bids in progress"),
            Proposal.objects.filter(organization_id__in=organization_ids, status__in=Proposal.LIVE_STATUSES).count(),
            reverse("bidding:my-bids"),
        ),
    ]


@workspace_count(Role.REVIEWER, order=10)
def reviewer_need_panels(*, user, memberships) -> list[ActionCount]:
    seats = (
        PanelReviewer.objects.filter(
            reviewer=user, recused=False, need__status__in=(Need.Status.PUBLISHED, Need.Status.EVALUATING)
        )
        .annotate(
            open_bids=Count(
                "need__proposals", filter=Q(need__proposals__status=Proposal.Status.SUBMITTED), distinct=True
            ),
            mine=Count("need__proposals__scores", filter=Q(need__proposals__scores__reviewer=user), distinct=True),
        )
        # Bids open for scoring at the deadline by the clock, before the closing job has run too.
        .filter(Q(declared_at__isnull=True) | Q(need__bid_deadline__lte=timezone.now(), mine__lt=F("open_bids")))
    )
    return [ActionCount("need_panels", _("Need panels to declare or score"), seats.count(), reverse("bidding:reviews"))]
