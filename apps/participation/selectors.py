"""Reads of residents' suggestions (public lists, a resident's own, the staff's queue) and of the
residents' ratings of a service."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet

from apps.bidding.models import Need
from apps.participation.filters import SuggestionFilter
from apps.participation.models import ResidentRating, Suggestion, SuggestionComment, SuggestionSupport


def suggestions_annotated(queryset: QuerySet[Suggestion] | None = None, *, user=None) -> QuerySet[Suggestion]:
    """Suggestions with ``supports_count``, ``comments_count`` and, for a signed-in user,
    ``supported`` (whether they support it)."""
    queryset = Suggestion.objects.all() if queryset is None else queryset
    queryset = (
        queryset.select_related("community", "category", "need")
        .annotate(
            supports_count=Count("supports", distinct=True),
            comments_count=Count("comments", distinct=True),
        )
        .order_by("-created_at", "-id")
    )
    if getattr(user, "is_authenticated", False):
        queryset = queryset.annotate(
            supported=Exists(SuggestionSupport.objects.filter(suggestion=OuterRef("pk"), user=user))
        )
    return queryset


def suggestion_list(*, filters=None, user=None) -> QuerySet[Suggestion]:
    return SuggestionFilter(filters or {}, suggestions_annotated(user=user)).qs


def suggestion_comments(*, suggestion: Suggestion) -> list[SuggestionComment]:
    """Top-level comments in order, each with ``replies`` (oldest first), in two queries."""
    rows = list(suggestion.comments.select_related("author", "hidden_by"))
    replies: dict[int, list] = {}
    for row in rows:
        if row.parent_id:
            replies.setdefault(row.parent_id, []).append(row)
    top = [row for row in rows if row.parent_id is None]
    for row in top:
        row.reply_list = replies.get(row.pk, [])
    return top


def suggestion_supporter_ids(*, suggestion: Suggestion) -> list[int]:
    return list(SuggestionSupport.objects.filter(suggestion=suggestion).values_list("user_id", flat=True))


def suggestions_of_author(*, user) -> QuerySet[Suggestion]:
    return suggestions_annotated(Suggestion.objects.filter(author=user), user=user)


def suggestions_supported_by(*, user) -> QuerySet[Suggestion]:
    return suggestions_annotated(Suggestion.objects.filter(supports__user=user), user=user)


def needs_followed_by(*, user) -> QuerySet[Need]:
    """The needs a resident follows: those made from suggestions they wrote or support, and those
    they follow with the need page's button (``bidding``'s follows)."""
    return (
        Need.objects.filter(Q(suggestion__author=user) | Q(suggestion__supports__user=user) | Q(follows__user=user))
        .exclude(status=Need.Status.DRAFT)
        .select_related("community")
        .distinct()
        .order_by("-published_at", "-id")
    )


def suggestions_awaiting_answer(*, community_ids) -> QuerySet[Suggestion]:
    """What the community's staff should answer: suggestions that reached the support threshold
    (or went to the street) and have no answer yet."""
    return Suggestion.objects.filter(
        community_id__in=community_ids,
        status__in=(Suggestion.Status.OPEN, Suggestion.Status.ESCALATED),
        threshold_reached_at__isnull=False,
    )


def suggestions_escalated_in(*, regions) -> QuerySet[Suggestion]:
    query = Q(pk__in=[])
    for region in regions:
        query |= Q(community__path__startswith=region.path)
    return Suggestion.objects.filter(query, status=Suggestion.Status.ESCALATED)


def _mean(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def resident_rating_summary(*, project) -> dict:
    """Mean (one decimal) and count of the residents' ratings of a project's service."""
    row = ResidentRating.objects.filter(milestone__project=project).aggregate(mean=Avg("rating"), count=Count("id"))
    return {"mean": _mean(row["mean"]), "count": row["count"]}


def project_suggestion(*, project) -> Suggestion | None:
    return Suggestion.objects.filter(need_id=project.need_id).first()


def milestones_rateable_by(*, user, project) -> list:
    """The project's accepted milestones ``user`` may still rate: they support the suggestion
    behind its need, and have not rated that milestone yet."""
    if not getattr(user, "is_authenticated", False):
        return []
    suggestion = project_suggestion(project=project)
    if suggestion is None or not suggestion.supports.filter(user=user).exists():
        return []
    rated = ResidentRating.objects.filter(user=user, milestone__project=project).values("milestone_id")
    return list(project.milestones.filter(status="accepted").exclude(pk__in=rated).order_by("position", "id"))
