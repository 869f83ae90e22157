"""Who may read a need or a sealed proposal. Every page, API view, export and notification that
shows a proposal goes through these functions.

The rule (CONTRACT, "Visibility"): the bidding organization always; the need's community staff
and the panel's declared, non-recused reviewers only after the deadline (judged by the clock,
and, for reviewers, once bidding was closed so that recusals cover every bidder); everyone else
gets a 404 that does not reveal the proposal exists.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from apps.accounts.selectors import user_community_ids, user_organization_ids
from apps.bidding.models import Need, PanelReviewer, Proposal
from apps.core.errors import NotFound
from apps.core.ids import parse_id

CLOSED_STATUSES = (Need.Status.EVALUATING, Need.Status.NOTICE, Need.Status.AWARDED, Need.Status.FAILED)
# Proposals that reached the deadline as bids; drafts and withdrawn ones stay with their org.
SEALED_BID_STATUSES = (
    Proposal.Status.SUBMITTED,
    Proposal.Status.INELIGIBLE,
    Proposal.Status.AWARDED,
    Proposal.Status.NOT_AWARDED,
    Proposal.Status.EXCLUDED,
)


def _pk(value) -> int:
    pk = parse_id(value)
    if pk is None:
        raise NotFound("Not found.")
    return pk


def need_visible_q(user) -> Q:
    """Published and later needs for everyone; drafts only for their community's staff."""
    visible = ~Q(status=Need.Status.DRAFT)
    communities = user_community_ids(user)
    if communities:
        visible |= Q(status=Need.Status.DRAFT, community_id__in=communities)
    return visible


def need_get_for_user(*, user, pk, queryset: QuerySet | None = None) -> Need:
    qs = queryset if queryset is not None else Need.objects.select_related("community", "category", "fund")
    need = qs.filter(need_visible_q(user), pk=_pk(pk)).first()
    if need is None:
        raise NotFound("Not found.")
    return need


def reviewer_seat(*, user, need: Need) -> PanelReviewer | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return PanelReviewer.objects.filter(need=need, reviewer=user).first()


def _sees_sealed_bids(*, user, need: Need, now: dt.datetime) -> bool:
    """Whether ``user`` may read the bids of ``need`` other than their own organization's."""
    if not getattr(user, "is_authenticated", False) or now < need.bid_deadline:
        return False
    if need.community_id in user_community_ids(user):
        return True
    if need.status not in CLOSED_STATUSES:
        return False
    seat = reviewer_seat(user=user, need=need)
    return bool(seat and seat.may_review)


def proposal_visible_q(*, user, need: Need, now: dt.datetime | None = None) -> Q:
    now = now or timezone.now()
    visible = Q(pk__in=[])
    orgs = user_organization_ids(user)
    if orgs:
        visible |= Q(organization_id__in=orgs)
    if _sees_sealed_bids(user=user, need=need, now=now):
        visible |= Q(status__in=SEALED_BID_STATUSES)
    return visible


def proposal_list_for_user(*, user, need: Need, now: dt.datetime | None = None) -> QuerySet[Proposal]:
    return (
        Proposal.objects.filter(need=need)
        .filter(proposal_visible_q(user=user, need=need, now=now))
        .select_related("organization", "need")
        .prefetch_related("budget_lines", "milestones", "team__worker", "attachments")
    )


def proposal_get_for_user(*, user, pk, now: dt.datetime | None = None) -> Proposal:
    proposal = (
        Proposal.objects.select_related("need", "need__community", "need__category", "organization")
        .filter(pk=_pk(pk))
        .first()
    )
    if proposal is None:
        raise NotFound("Not found.")
    need = proposal.need
    if need.status == Need.Status.DRAFT and need.community_id not in user_community_ids(user):
        raise NotFound("Not found.")
    allowed = Proposal.objects.filter(pk=proposal.pk).filter(proposal_visible_q(user=user, need=need, now=now))
    if not allowed.exists():
        raise NotFound("Not found.")
    return proposal


def proposal_may_see_content(*, user, proposal: Proposal, now: dt.datetime | None = None) -> bool:
    try:
        proposal_get_for_user(user=user, pk=proposal.pk, now=now)
    except NotFound:
        return False
    return True
