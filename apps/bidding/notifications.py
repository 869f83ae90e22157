"""Notifications of the bidding journey. Called after commit; the texts never carry sealed
content (no amounts, no bidder names before the award notice, no proposal text)."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from apps.accounts.models import Role
from apps.accounts.selectors import users_with_role
from apps.bidding.models import Need, NeedFollow, Objection, Proposal, Question
from apps.core.dates import local_datetime
from apps.notifications.services import notify
from apps.organizations.models import Organization

# Who hears of an organization's bids: its administrators and members.
ORG_PEOPLE = (Role.ORG_ADMIN, Role.ORG_MEMBER)


def _local(moment) -> str:
    return local_datetime(moment)


def notify_need_published(*, need_id: int) -> None:
    need = Need.objects.select_related("community", "category").get(pk=need_id)
    ancestors = [p + "/" for p in _path_prefixes(need.community.path)]
    followers = Organization.objects.filter(status=Organization.Status.VERIFIED).filter(
        Q(followed_categories=need.category) | Q(followed_regions__path__in=ancestors)
    )
    users = users_with_role(Role.ORG_ADMIN, organization=followers.values("pk"))
    notify(
        users=users,
        kind="bidding.need_published",
        title=_("New need: %(title)s") % {"title": need.title},
        body=_("%(community)s published a need in %(category)s. Bids are open until %(deadline)s.")
        % {
            "community": need.community.name,
            "category": need.category.display_name,
            "deadline": _local(need.bid_deadline),
        },
        url=need.get_absolute_url(),
    )


def _path_prefixes(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def notify_award_notice(*, need_id: int) -> None:
    need = Need.objects.get(pk=need_id)
    bidders = need.proposals.exclude(status__in=(Proposal.Status.DRAFT, Proposal.Status.WITHDRAWN)).values(
        "organization_id"
    )
    followers = [f.user for f in NeedFollow.objects.filter(need=need).select_related("user")]
    notify(
        users=[*users_with_role(ORG_PEOPLE, organization=bidders), *followers],
        kind="bidding.award_notice",
        title=_("Award notice published: %(title)s") % {"title": need.title},
        body=_("The award notice is public until %(end)s; objections may be filed until then.")
        % {"end": _local(need.notice_ends_at)},
        url=reverse("bidding:ranking", args=[need.pk]),
    )


def notify_award_stalled(*, need_id: int) -> None:
    """The notice ended but the award can't become a project: the community's staff and platform
    staff decide (cancel the need, which releases the reserved grant)."""
    need = Need.objects.get(pk=need_id)
    community_staff = users_with_role(Role.COMMUNITY_STAFF, community=need.community_id)
    notify(
        users=[*users_with_role(Role.PLATFORM_STAFF), *community_staff],
        kind="bidding.award_stalled",
        title=_("The award of %(title)s is stalled") % {"title": need.title},
        body=_("The award notice ended, but no project can be made: %(reason)s") % {"reason": need.stalled_reason},
        url=need.get_absolute_url(),
    )


def notify_objection_filed(*, objection_id: int) -> None:
    objection = Objection.objects.select_related("need").get(pk=objection_id)
    notify(
        users=users_with_role(Role.PLATFORM_STAFF),
        kind="bidding.objection_filed",
        title=_("Objection to the award of %(title)s") % {"title": objection.need.title},
        body=_("An objection was filed during the award notice and waits for a decision."),
        url=objection.need.get_absolute_url(),
    )


def notify_draft_deadline(*, proposal: Proposal) -> None:
    notify(
        users=users_with_role(ORG_PEOPLE, organization=proposal.organization_id),
        kind="bidding.draft_deadline",
        title=_("Your draft bid is not submitted: %(title)s") % {"title": proposal.need.title},
        body=_("Bids close at %(deadline)s. Submit your draft before then.")
        % {"deadline": _local(proposal.need.bid_deadline)},
        url=reverse("bidding:bid", args=[proposal.need_id]),
    )


def _short(text: str, n: int) -> str:
    return Truncator(text).chars(n)


def notify_question_asked(*, question_id: int) -> None:
    """The need's community staff hear of a question to answer; never who asked it."""
    question = Question.objects.select_related("need").get(pk=question_id)
    need = question.need
    notify(
        users=users_with_role(Role.COMMUNITY_STAFF, community=need.community_id),
        kind="bidding.question_asked",
        title=_("A question on %(title)s waits for your answer") % {"title": need.title},
        body=_("Question: %(text)s") % {"text": _short(question.text, 300)},
        url=need.get_absolute_url() + "#questions",
    )


def question_audience(*, question: Question):
    """Who hears of an answer: the people of every organization with a live bid on the need
    (drafts included) or that asked, and everyone following it. Each hears it alone, in their
    own notifications: no notification names the others, so nobody learns who bid or asked."""
    need = question.need
    organizations = {
        *need.proposals.filter(status__in=Proposal.LIVE_STATUSES).values_list("organization_id", flat=True),
        *need.questions.values_list("organization_id", flat=True),
    }
    people = set(users_with_role(ORG_PEOPLE, organization=list(organizations))) if organizations else set()
    followers = {f.user for f in NeedFollow.objects.filter(need=need).select_related("user")}
    return people | followers | {question.asked_by}


def notify_question_answered(*, question_id: int) -> None:
    question = Question.objects.select_related("need", "asked_by").get(pk=question_id)
    need = question.need
    body = _("Question: %(question)s\nAnswer: %(answer)s") % {
        "question": _short(question.text, 300),
        "answer": _short(question.answer, 600),
    }
    if question.changes_terms:
        notify(
            users=question_audience(question=question),
            kind="bidding.deadline_extended",
            title=_("The terms of %(title)s changed: bids close at %(deadline)s")
            % {"title": need.title, "deadline": _local(question.deadline_extended_to)},
            body=body
            + "\n"
            + _("The answer changes the need's terms, so the bid deadline moved from %(old)s to %(new)s.")
            % {"old": _local(question.deadline_extended_from), "new": _local(question.deadline_extended_to)},
            url=need.get_absolute_url() + "#questions",
        )
        return
    notify(
        users=question_audience(question=question),
        kind="bidding.question_answered",
        title=_("A question on %(title)s was answered") % {"title": need.title},
        body=body,
        url=need.get_absolute_url() + "#questions",
    )


def notify_objection_decided(*, objection_id: int) -> None:
    """The objector hears the decision and its reason."""
    objection = Objection.objects.select_related("need", "filed_by").get(pk=objection_id)
    notify(
        users=[objection.filed_by],
        kind="bidding.objection_decided",
        title=_("Your objection to the award of %(title)s was %(status)s")
        % {"title": objection.need.title, "status": objection.get_status_display()},
        body=_("Decision: %(decision)s") % {"decision": objection.decision},
        url=objection.need.get_absolute_url() + "#objections",
    )
