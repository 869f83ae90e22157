from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, QuerySet

from apps.accounts.models import Membership, Role
from apps.core.errors import NotFound
from apps.core.ids import parse_id
from apps.workers.filters import WorkerFilter
from apps.workers.models import SocialWorker


def worker_is_qualified_on(worker: SocialWorker, date: dt.date, min_level: str | None = None) -> bool:
    """A worker may be on a team and log hours on ``date`` only when verified, already
    qualified and still registered then, at ``min_level`` or above."""
    if not worker.verified:
        return False
    if worker.qualified_since and date < worker.qualified_since:
        return False
    if date > worker.registered_until:
        return False
    return not (min_level and SocialWorker.LEVEL_RANK[worker.level] < SocialWorker.LEVEL_RANK[min_level])


def worker_list(*, filters: dict | None = None) -> QuerySet[SocialWorker]:
    qs = SocialWorker.objects.prefetch_related("skills")
    return WorkerFilter(filters or {}, queryset=qs).qs


def worker_get_for_user(*, user, pk) -> SocialWorker:
    """Public profiles are readable by anyone (the certificate number is masked when shown)."""
    try:
        return SocialWorker.objects.prefetch_related("skills").get(pk=parse_id(pk))
    except SocialWorker.DoesNotExist:
        raise NotFound("Not found.") from None


def worker_for_user(user) -> SocialWorker | None:
    return SocialWorker.objects.filter(user=user).first() if user.is_authenticated else None


def worker_verification_queue() -> QuerySet[SocialWorker]:
    """Workers whose qualification awaits verification (neither verified nor rejected since their
    last change), oldest first, with their employers, in a fixed number of queries."""

    employments = (
        Membership.objects.active()
        .filter(role=Role.SOCIAL_WORKER, organization__isnull=False)
        .select_related("organization")
        .order_by("id")
    )
    return (
        SocialWorker.objects.filter(verified=False, rejected_at__isnull=True)
        .select_related("user")
        .prefetch_related("skills", Prefetch("user__memberships", queryset=employments, to_attr="employments"))
        .order_by("created_at", "pk")
    )


def worker_pending_get(*, pk) -> SocialWorker:
    try:
        return worker_verification_queue().get(pk=parse_id(pk))
    except SocialWorker.DoesNotExist:
        raise NotFound("Not found.") from None
