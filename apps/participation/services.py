"""Writes of residents' suggestions: submit, support, discuss, answer, escalate; and the
residents' rating of the service their suggestion became."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.selectors import is_platform_staff
from apps.bidding.services import need_create
from apps.core.errors import ApplicationError, PermissionDenied, StateConflict, ValidationFailed
from apps.core.selectors import policy_current
from apps.participation.access import user_answers_suggestions_of, user_is_party_of, user_is_resident_of
from apps.participation.models import (
    COMMENT_MAX,
    REASON_MAX,
    ResidentRating,
    Suggestion,
    SuggestionComment,
    SuggestionSupport,
    SupporterNotice,
)
from apps.participation.notifications import (
    notify_answered,
    notify_escalated,
    notify_need_progress,
    notify_threshold_reached,
)
from apps.projects.models import Milestone

# Comments a person may write: at most this many in the short window, and in a day.
COMMENTS_PER_WINDOW = 5
COMMENT_WINDOW = dt.timedelta(minutes=10)
COMMENTS_PER_DAY = 50
DECLINE_REASON_MIN = 10


class TooManyComments(ApplicationError):
    status_code = 429


def _field_errors(exc: ValidationError) -> dict:
    return {f: [str(m) for e in errs for m in e.messages] for f, errs in exc.error_dict.items()}


def _lock(suggestion: Suggestion) -> Suggestion:
    return Suggestion.objects.select_for_update(of=("self",)).select_related("community").get(pk=suggestion.pk)


def _require_resident(actor, community, message: str) -> None:
    """``message`` names the community as ``%(community)s``."""
    if not user_is_resident_of(actor, community.pk):
        raise PermissionDenied(message % {"community": community.name})


def _require_staff(actor, suggestion: Suggestion) -> None:
    if not user_answers_suggestions_of(actor, suggestion.community_id):
        raise PermissionDenied(_("Only the staff of %(community)s may do this.") % {"community": suggestion.community})


@transaction.atomic
def suggestion_create(*, actor, community, title: str, description: str, category) -> Suggestion:
    if community.level != "community":
        raise ValidationFailed(field_errors={"community": [_("Choose a community.")]})
    _require_resident(actor, community, _("Only residents of %(community)s may make suggestions there."))
    suggestion = Suggestion(
        community=community,
        author=actor,
        title=(title or "").strip(),
        description=(description or "").strip(),
        category=category,
    )
    try:
        suggestion.full_clean(exclude=["author", "need", "answered_by"])
    except ValidationError as exc:
        raise ValidationFailed(field_errors=_field_errors(exc)) from None
    suggestion.save()
    return suggestion


@transaction.atomic
def suggestion_support(*, actor, suggestion: Suggestion, now: dt.datetime | None = None) -> SuggestionSupport:
    """Add the actor's support, once. Reaching the policy's threshold puts the suggestion before
    the community's staff (notified once)."""
    now = now or timezone.now()
    suggestion = _lock(suggestion)
    _require_resident(actor, suggestion.community, _("Only residents of %(community)s may support its suggestions."))
    if not suggestion.is_answerable:
        raise StateConflict(_("This suggestion has been answered; it takes no more supports."))
    if SuggestionSupport.objects.filter(suggestion=suggestion, user=actor).exists():
        raise StateConflict(_("You already support this suggestion."))
    support = SuggestionSupport.objects.create(suggestion=suggestion, user=actor)
    supports = suggestion.supports.count()
    if suggestion.threshold_reached_at is None and supports >= policy_current().suggestion_support_threshold:
        suggestion.threshold_reached_at = now
        suggestion.save(update_fields=["threshold_reached_at", "updated_at"])
        notify_threshold_reached(suggestion=suggestion, supports=supports)
    return support


@transaction.atomic
def suggestion_unsupport(*, actor, suggestion: Suggestion) -> None:
    suggestion = _lock(suggestion)
    if not suggestion.is_answerable:
        raise StateConflict(_("This suggestion has been answered; its supports are kept."))
    deleted, _rows = SuggestionSupport.objects.filter(suggestion=suggestion, user=actor).delete()
    if not deleted:
        raise StateConflict(_("You do not support this suggestion."))


@transaction.atomic
def comment_create(
    *, actor, suggestion: Suggestion, text: str, parent: SuggestionComment | None = None, now=None
) -> SuggestionComment:
    now = now or timezone.now()
    if not user_is_party_of(actor, suggestion):
        raise PermissionDenied(
            _("Only residents and staff of %(community)s may join this discussion.")
            % {"community": suggestion.community.name}
        )
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(field_errors={"text": [_("Write your comment.")]})
    if len(text) > COMMENT_MAX:
        raise ValidationFailed(
            field_errors={"text": [_("A comment has at most %(n)s characters.") % {"n": COMMENT_MAX}]}
        )
    if parent is not None:
        if parent.suggestion_id != suggestion.pk:
            raise ValidationFailed(field_errors={"parent": [_("Reply to a comment of this suggestion.")]})
        if parent.parent_id is not None:
            raise ValidationFailed(
                field_errors={"parent": [_("Replies go one level deep: reply to the comment itself.")]}
            )
    mine = SuggestionComment.objects.filter(author=actor)
    if mine.filter(created_at__gte=now - COMMENT_WINDOW).count() >= COMMENTS_PER_WINDOW or (
        mine.filter(created_at__gte=now - dt.timedelta(days=1)).count() >= COMMENTS_PER_DAY
    ):
        raise TooManyComments(_("You are commenting too often. Please wait a few minutes and try again."))
    return SuggestionComment.objects.create(suggestion=suggestion, author=actor, parent=parent, text=text)


@transaction.atomic
def comment_hide(*, actor, comment: SuggestionComment, reason: str) -> SuggestionComment:
    comment = SuggestionComment.objects.select_for_update().select_related("suggestion__community").get(pk=comment.pk)
    if not (is_platform_staff(actor) or user_answers_suggestions_of(actor, comment.suggestion.community_id)):
        raise PermissionDenied(_("Only the community's staff may hide a comment."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(field_errors={"reason": [_("Say why the comment is hidden.")]})
    if len(reason) > 500:
        raise ValidationFailed(field_errors={"reason": [_("A reason has at most 500 characters.")]})
    if comment.hidden:
        raise StateConflict(_("This comment is already hidden."))
    comment.hidden = True
    comment.hidden_reason = reason
    comment.hidden_by = actor
    comment.hidden_at = timezone.now()
    comment.save(update_fields=["hidden", "hidden_reason", "hidden_by", "hidden_at"])
    return comment


def _answer(suggestion: Suggestion, actor, status: str) -> None:
    suggestion.status = status
    suggestion.answered_by = actor
    suggestion.answered_at = timezone.now()


@transaction.atomic
def suggestion_adopt(*, actor, suggestion: Suggestion, **need_fields) -> Suggestion:
    """Draft a need from the suggestion (bidding's ``need_create``, so the need's own rules hold)
    and link it: ``need.suggestion``. Title, description and category default to the
    suggestion's."""
    suggestion = _lock(suggestion)
    _require_staff(actor, suggestion)
    if not suggestion.is_answerable:
        raise StateConflict(_("This suggestion has already been answered."))
    need_fields.setdefault("title", suggestion.title[:120])
    need_fields.setdefault("description", suggestion.description)
    need_fields.setdefault("category", suggestion.category)
    need = need_create(actor=actor, community=suggestion.community, **need_fields)
    suggestion.need = need
    _answer(suggestion, actor, Suggestion.Status.ADOPTED)
    suggestion.save(update_fields=["need", "status", "answered_by", "answered_at", "updated_at"])
    notify_answered(suggestion=suggestion)
    return suggestion


@transaction.atomic
def suggestion_decline(*, actor, suggestion: Suggestion, reason: str) -> Suggestion:
    suggestion = _lock(suggestion)
    _require_staff(actor, suggestion)
    if not suggestion.is_answerable:
        raise StateConflict(_("This suggestion has already been answered."))
    reason = (reason or "").strip()
    if len(reason) < DECLINE_REASON_MIN:
        raise ValidationFailed(
            field_errors={
                "reason": [
                    _("Give the residents a reason of at least %(n)s characters; it is shown publicly.")
                    % {"n": DECLINE_REASON_MIN}
                ]
            }
        )
    if len(reason) > REASON_MAX:
        raise ValidationFailed(
            field_errors={"reason": [_("A reason has at most %(n)s characters.") % {"n": REASON_MAX}]}
        )
    suggestion.decline_reason = reason
    _answer(suggestion, actor, Suggestion.Status.DECLINED)
    suggestion.save(update_fields=["decline_reason", "status", "answered_by", "answered_at", "updated_at"])
    notify_answered(suggestion=suggestion)
    return suggestion


@transaction.atomic
def suggestions_escalate_overdue(*, now: dt.datetime | None = None) -> int:
    """Suggestions that reached the support threshold and are still unanswered
    ``suggestion_answer_days`` later go to the street's officers (once)."""
    now = now or timezone.now()
    due = now - dt.timedelta(days=policy_current().suggestion_answer_days)
    overdue = list(
        Suggestion.objects.select_for_update(of=("self",))
        .select_related("community")
        .filter(status=Suggestion.Status.OPEN, threshold_reached_at__lte=due)
    )
    for suggestion in overdue:
        suggestion.status = Suggestion.Status.ESCALATED
        suggestion.escalated_at = now
        suggestion.save(update_fields=["status", "escalated_at", "updated_at"])
        notify_escalated(suggestion=suggestion)
    return len(overdue)


def supporters_tell(*, suggestion: Suggestion, event: str, url: str) -> bool:
    """Tell the suggestion's author and supporters of a step of its need, once per step."""
    try:
        with transaction.atomic():
            SupporterNotice.objects.create(suggestion=suggestion, event=event)
    except IntegrityError:
        return False
    notify_need_progress(suggestion=suggestion, event=event.split(":")[0], url=url)
    return True


@transaction.atomic
def resident_rating_record(*, actor, milestone, rating: int, comment: str = "") -> ResidentRating:
    """A supporter of the suggestion behind the project's need rates the service after an
    accepted milestone: 1–5, once per milestone."""
    suggestion = Suggestion.objects.filter(need_id=milestone.project.need_id).first()
    if suggestion is None:
        raise PermissionDenied(_("This service did not come from a residents' suggestion."))
    if not suggestion.supports.filter(user=actor).exists():
        raise PermissionDenied(_("Only the residents who supported the suggestion behind this service may rate it."))
    if milestone.status != Milestone.Status.ACCEPTED:
        raise StateConflict(_("A stage can be rated once the community has accepted it."))
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise ValidationFailed(field_errors={"rating": [_("Choose a rating from 1 to 5.")]})
    comment = (comment or "").strip()
    if len(comment) > 500:
        raise ValidationFailed(field_errors={"comment": [_("A comment has at most %(n)s characters.") % {"n": 500}]})
    if ResidentRating.objects.filter(milestone=milestone, user=actor).exists():
        raise StateConflict(_("You have already rated this stage."))
    return ResidentRating.objects.create(milestone=milestone, user=actor, rating=rating, comment=comment)
