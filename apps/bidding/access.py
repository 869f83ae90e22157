"""Who may read a need or a sealed proposal. Every page, API view, export and notification that
shows a proposal goes through these functions.

The rule (CONTRACT, "Visibility"): the bidding organization always; the need's community staff
and the panel's declared, non-recused reviewers only after the deadline; everyone else gets a 404
that does not reveal the proposal exists. The deadline is judged by the clock, whatever status
``bidding_close_deadlines`` has set yet: until it runs, a reviewer's recusal is checked against
the final bidders here, as the job would.

Before the deadline nothing about the bids leaks either: their number (``selectors.need_queryset``)
and what a recusal is about (``panel_seat_recusal_reason``) are for platform staff only.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.selectors import (
    is_platform_staff,
    user_community_ids,
    user_organization_ids,
    user_was_member_since,
)
from apps.bidding.models import Need, Objection, PanelReviewer, Proposal, Question
from apps.core.errors import NotFound
from apps.core.ids import parse_id
from apps.core.selectors import policy_current

CLOSED_STATUSES = (
    Need.Status.EVALUATING,
    Need.Status.NOTICE,
    Need.Status.STALLED,
    Need.Status.AWARDED,
    Need.Status.FAILED,
)
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


def objection_get(*, need: Need, pk) -> Objection:
    """An objection to ``need``, which the caller read through ``need_get_for_user``."""
    objection = need.objections.filter(pk=_pk(pk)).first()
    if objection is None:
        raise NotFound("Not found.")
    return objection


def question_get_for_user(*, user, pk) -> Question:
    """A question is public where its need is: read through the need's visibility."""
    question = Question.objects.select_related("need", "need__community").filter(pk=_pk(pk)).first()
    if question is None or not Need.objects.filter(need_visible_q(user), pk=question.need_id).exists():
        raise NotFound("Not found.")
    return question


def reviewer_seat(*, user, need: Need) -> PanelReviewer | None:
    if not getattr(user, "is_authenticated", False):
        return None
    seat = PanelReviewer.objects.filter(need=need, reviewer=user).select_related("reviewer").first()
    if seat is not None:
        seat.need = need
    return seat


def panel_seat_conflict_reason(*, seat: PanelReviewer, now: dt.datetime) -> str:
    """Why the reviewer's ties recuse them from the need, or "": a member of its community or of
    an organization that bid (withdrawn bids count), now or within the look-back period."""
    need = seat.need
    since = now - dt.timedelta(days=365 * policy_current().conflict_lookback_years)
    if user_was_member_since(seat.reviewer, since, community_id=need.community_id):
        return _("Member of the community, now or within the look-back period.")
    bidders = need.proposals.exclude(status=Proposal.Status.DRAFT).values_list("organization_id", flat=True)
    if user_was_member_since(seat.reviewer, since, organization_ids=set(bidders)):
        return _("Member of a bidding organization, now or within the look-back period.")
    return ""


def panel_seat_may_review(*, seat: PanelReviewer, now: dt.datetime) -> bool:
    """A declared, non-recused reviewer, after the deadline by the clock. Until the closing job
    has run, the recusal it would apply (ties to the final bidders) is applied here."""
    need = seat.need
    if not seat.may_review or now < need.bid_deadline:
        return False
    if need.status == Need.Status.PUBLISHED:
        return not panel_seat_conflict_reason(seat=seat, now=now)
    return need.status in CLOSED_STATUSES


def panel_seat_recusal_reason(*, user, seat: PanelReviewer, now: dt.datetime | None = None) -> str:
    """The recusal reason ``user`` may read: before the deadline it could name a bidder (or that
    one of the reviewer's organizations bid), so only platform staff read it; everyone else,
    the reviewer included, reads a neutral reason."""
    now = now or timezone.now()
    if not seat.recused or now >= seat.need.bid_deadline or is_platform_staff(user):
        return seat.recused_reason
    return _(
        "Recused for a conflict of interest (declared, or a tie to the community or to a bidder); "
        "the reason is shown after the bid deadline."
    )


def _sees_sealed_bids(*, user, need: Need, now: dt.datetime) -> bool:
    """Whether ``user`` may read the bids of ``need`` other than their own organization's."""
    if not getattr(user, "is_authenticated", False) or now < need.bid_deadline:
        return False
    if need.community_id in user_community_ids(user):
        return True
    seat = reviewer_seat(user=user, need=need)
    return bool(seat) and panel_seat_may_review(seat=seat, now=now)


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
