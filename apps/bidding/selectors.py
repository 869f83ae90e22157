"""Reads of needs, bids, panels and rankings."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, OuterRef, QuerySet, Subquery, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from apps.accounts.selectors import is_platform_staff, user_community_ids, user_organization_ids
from apps.bidding.access import SEALED_BID_STATUSES, need_visible_q
from apps.bidding.filters import NeedFilter
from apps.bidding.models import Need, NeedFollow, Objection, PanelReviewer, Proposal, Question
from apps.core.selectors import policy_current
from apps.organizations.models import Organization


def need_queryset(*, user, now: dt.datetime | None = None) -> QuerySet[Need]:
    """Needs with ``proposals_count``, the number of bids, as ``user`` may know it: sealed (None)
    before the deadline by the clock for everyone but platform staff, so that no page, API answer
    or export reveals how many bids a need has before it closes (as OCDS's numberOfTenderers)."""
    # A correlated subquery, not a JOIN + GROUP BY: the page's count and ordering then run on
    # needs alone, and only the rows of the page compute their bid count.
    bids = (
        Proposal.objects.filter(need=OuterRef("pk"), status__in=SEALED_BID_STATUSES)
        .order_by()
        .values("need")
        .annotate(n=Count("*"))
        .values("n")
    )
    count = Coalesce(Subquery(bids), 0)
    if not is_platform_staff(user):
        count = Case(
            When(bid_deadline__lte=now or timezone.now(), then=count), default=None, output_field=IntegerField()
        )
    return (
        Need.objects.select_related("community", "category", "fund")
        .annotate(proposals_count=count)
        .order_by("-published_at", "-id")
    )


def needs_open_for_bids(*, now: dt.datetime | None = None) -> QuerySet[Need]:
    """The one rule for "open for bids": published, with the bid deadline still ahead."""
    return Need.objects.filter(status=Need.Status.PUBLISHED, bid_deadline__gt=now or timezone.now())


def need_range_errors(*, budget_min, budget_max, service_start, service_end) -> dict[str, list[str]]:
    """The budget range and the service period, each on the field it concerns (a missing value is
    left to its field). The database enforces both as constraints, but those are reported on top."""
    errors: dict[str, list[str]] = {}
    if budget_min is not None and budget_max is not None and budget_min > budget_max:
        errors["budget_max"] = [_("The maximum budget must not be below the minimum budget.")]
    if service_start and service_end and service_start > service_end:
        errors["service_end"] = [_("The service must not end before it starts.")]
    return errors


def need_publication_errors(*, need: Need, now: dt.datetime) -> dict[str, list[str]]:
    """The rules a draft must meet to be published (CONTRACT: publish)."""
    policy = policy_current()
    errors: dict[str, list[str]] = {}
    earliest = now + dt.timedelta(days=policy.min_bidding_days)
    if need.bid_deadline <= now:
        errors.setdefault("bid_deadline", []).append(_("The bid deadline must be in the future."))
    elif need.bid_deadline < earliest:
        errors.setdefault("bid_deadline", []).append(
            _("Bidding must stay open at least %(days)s days.") % {"days": policy.min_bidding_days}
        )
    if timezone.localdate(need.bid_deadline) > need.service_start:
        errors.setdefault("bid_deadline", []).append(_("The bid deadline must not be after the service starts."))
    return errors | need_range_errors(
        budget_min=need.budget_min,
        budget_max=need.budget_max,
        service_start=need.service_start,
        service_end=need.service_end,
    )


def need_list(*, user, filters: dict | None = None) -> QuerySet[Need]:
    qs = need_queryset(user=user).filter(need_visible_q(user))
    if not filters:  # the API filters through its filter backend: no second FilterSet per request
        return qs
    return NeedFilter(filters, queryset=qs).qs


# Exact counts below this many matches; at or above it the count may be cached for a few seconds.
COUNT_CACHE_FROM = 1000
COUNT_CACHE_SECONDS = 10
# From this offset a page's rows are found by id first (see NeedPaginator.page).
DEEP_PAGE_FROM = 200


def need_count(queryset: QuerySet[Need]) -> int:
    """The number of needs of a list. Counting ~100,000 visible needs reads the whole index on every
    page, so a large count (≥ COUNT_CACHE_FROM) is kept for COUNT_CACHE_SECONDS, keyed by the
    count's SQL and parameters (the filters and the reader's visibility): it may then be a few
    seconds stale. Smaller counts are always exact."""
    try:
        sql, params = queryset.order_by().values("pk").query.sql_with_params()  # no joins or annotations
    except EmptyResultSet:
        return 0
    key = "bidding:need-count:" + hashlib.sha256(f"{sql}|{params!r}".encode()).hexdigest()
    cached = cache.get(key)
    if cached is not None:
        return cached
    n = queryset.count()
    if n >= COUNT_CACHE_FROM:
        cache.set(key, n, COUNT_CACHE_SECONDS)
    return n


class NeedPaginator(Paginator):
    """Django's paginator with ``need_count`` as its count (used by the list API and page)."""

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet):
            return need_count(self.object_list)
        return super().count

    def page(self, number):
        # A page holds the rows there are, not as many as a (possibly stale) count allows.
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = self.object_list[bottom : bottom + self.per_page]
        if bottom >= DEEP_PAGE_FROM and isinstance(self.object_list, QuerySet):
            # PostgreSQL computes the select list (the bid-count subquery) for every row an OFFSET
            # skips: find a deep page's ids on the bare rows first, then load those rows.
            ids = list(self.object_list.values_list("pk", flat=True)[bottom : bottom + self.per_page])
            rows = self.object_list.filter(pk__in=ids)
        return self._get_page(rows, number, self)


def need_list_of_community_staff(*, user) -> QuerySet[Need]:
    return need_queryset(user=user).filter(community_id__in=user_community_ids(user)).order_by("-created_at", "-id")


def proposal_list_of_user_organizations(*, user) -> QuerySet[Proposal]:
    return (
        Proposal.objects.filter(organization_id__in=user_organization_ids(user))
        .select_related("need", "organization")
        .order_by("-created_at", "-id")
    )


def panel_seats_of_reviewer(*, user) -> QuerySet[PanelReviewer]:
    if not getattr(user, "is_authenticated", False):
        return PanelReviewer.objects.none()
    return (
        PanelReviewer.objects.filter(reviewer=user)
        .select_related("need", "need__community", "need__project")
        .order_by("-id")
    )


def need_ranking_public(*, need: Need) -> list[dict]:
    """The ranking is public once the award notice is out (org names, scores, prices)."""
    if need.status not in (Need.Status.NOTICE, Need.Status.STALLED, Need.Status.AWARDED):
        return []
    return list(need.ranking or [])


def organizations_free_to_bid(*, user, need: Need) -> QuerySet[Organization]:
    """The user's verified organizations that may still bid on the need: one live proposal per
    organization (``proposal_submit`` enforces it; pages use this to offer the form). Only the
    user's own organizations' proposals are read."""
    mine = user_organization_ids(user)
    live = Proposal.objects.filter(need=need, organization_id__in=mine, status__in=Proposal.LIVE_STATUSES)
    return Organization.objects.filter(pk__in=mine, status="verified").exclude(pk__in=live.values("organization_id"))


def proposal_draft_of_organization(*, user, need: Need, organization: Organization) -> Proposal | None:
    """The draft bid of one of the user's organizations on the need, which the bid page continues."""
    if organization.pk not in user_organization_ids(user):
        return None
    return (
        Proposal.objects.filter(need=need, organization=organization, status=Proposal.Status.DRAFT)
        .prefetch_related("team", "budget_lines", "milestones")
        .first()
    )


# Questions, follows, objections (#21) ---------------------------------------------------------


def question_deadline(*, need: Need, policy=None) -> dt.datetime:
    """Questions are asked until ``question_deadline_days`` (policy) before the bid deadline."""
    return need.bid_deadline - dt.timedelta(days=(policy or policy_current()).question_deadline_days)


def questions_open(*, need: Need, now: dt.datetime | None = None) -> bool:
    return need.status == Need.Status.PUBLISHED and (now or timezone.now()) < question_deadline(need=need)


def question_list_public(*, need: Need) -> QuerySet[Question]:
    """A need's questions and answers as everyone reads them: never who asked (the rows keep it,
    the public fields do not carry it)."""
    return need.questions.order_by("asked_at", "id")


def questions_waiting_for_staff(*, community_ids, now: dt.datetime | None = None) -> QuerySet[Question]:
    """Unanswered questions on needs of ``community_ids``; ``overdue`` marks those still
    unanswered at the bid deadline (by the clock)."""
    now = now or timezone.now()
    return (
        Question.objects.filter(need__community_id__in=community_ids, answered_at__isnull=True)
        .exclude(need__status__in=(Need.Status.CANCELLED, Need.Status.DRAFT))
        .annotate(overdue=Case(When(need__bid_deadline__lte=now, then=1), default=0, output_field=IntegerField()))
        .select_related("need")
        .order_by("-overdue", "asked_at", "id")
    )


def need_is_followed(*, user, need: Need) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return NeedFollow.objects.filter(user=user, need=need).exists()


def needs_followed_by(*, user) -> QuerySet[Need]:
    """The needs ``user`` follows, newest follow first (a resident's or an organization's workspace)."""
    if not getattr(user, "is_authenticated", False):
        return Need.objects.none()
    return (
        Need.objects.filter(follows__user=user)
        .exclude(status=Need.Status.DRAFT)
        .select_related("community", "category")
        .order_by("-follows__created_at", "-id")
    )


def objection_list_public(*, need: Need) -> QuerySet[Objection]:
    """A need's objections with their grounds and decisions; who objected is for platform staff
    (the API and pages show ``filed_by`` to them alone)."""
    return need.objections.select_related("filed_by").order_by("created_at", "id")
