from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import Prefetch, QuerySet

from apps.accounts.models import Membership, Role
from apps.core.errors import NotFound
from apps.core.ids import parse_id
from apps.core.models import PolicyVersion
from apps.core.selectors import policy_current
from apps.workers.filters import WorkerFilter
from apps.workers.models import REGISTRATION_PERIOD_YEARS, SocialWorker, Training


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


# Continuing education (继续教育) ------------------------------------------------------------


@dataclass(frozen=True)
class TrainingSummary:
    """A worker's continuing education in their current registration period."""

    period_start: dt.date
    period_end: dt.date
    required: int
    verified_hours: Decimal
    pending_hours: Decimal

    @property
    def remaining(self) -> Decimal:
        return max(Decimal(self.required) - self.verified_hours, Decimal("0.0"))

    @property
    def percent(self) -> int:
        """How much of the requirement is verified, 0–100 (for the progress bar)."""
        if not self.required:
            return 100
        return min(100, int(self.verified_hours * 100 / self.required))


def registration_period(worker: SocialWorker) -> tuple[dt.date, dt.date]:
    """The worker's current registration period: the three years that end on ``registered_until``,
    both days included."""
    end = worker.registered_until
    try:
        return end - relativedelta(years=REGISTRATION_PERIOD_YEARS) + dt.timedelta(days=1), end
    except (ValueError, OverflowError):  # a registration date in the first years of the calendar
        return dt.date.min, end


def training_hours_required(worker: SocialWorker, policy: PolicyVersion | None = None) -> int:
    policy = policy or policy_current()
    if worker.level == SocialWorker.Level.ASSISTANT:
        return policy.ce_hours_assistant
    return policy.ce_hours_social_worker


def _summarize(worker: SocialWorker, rows, policy: PolicyVersion) -> TrainingSummary:
    """``rows``: (status, completed_on, hours) of the worker's trainings; those completed inside the
    current registration period count."""
    start, end = registration_period(worker)
    totals = {Training.Status.VERIFIED: Decimal("0.0"), Training.Status.PENDING: Decimal("0.0")}
    for status, completed_on, hours in rows:
        if status in totals and start <= completed_on <= end:
            totals[status] += hours
    return TrainingSummary(
        period_start=start,
        period_end=end,
        required=training_hours_required(worker, policy),
        verified_hours=totals[Training.Status.VERIFIED],
        pending_hours=totals[Training.Status.PENDING],
    )


def worker_training_summary(*, worker: SocialWorker) -> TrainingSummary:
    start, end = registration_period(worker)
    rows = worker.trainings.filter(completed_on__range=(start, end)).values_list("status", "completed_on", "hours")
    return _summarize(worker, rows, policy_current())


def worker_trainings(*, worker: SocialWorker) -> QuerySet[Training]:
    return worker.trainings.select_related("decided_for")


def workers_short_of_training(
    *, today: dt.date, within_days: int, organization_ids: Iterable[int] | None = None
) -> list[tuple[SocialWorker, TrainingSummary]]:
    """Verified workers whose registration ends within ``within_days`` of ``today`` (and has not
    ended) while their verified continuing education is short of the requirement, soonest end
    first, each with their summary. Two queries, whatever the number of workers."""
    workers = SocialWorker.objects.filter(
        verified=True, registered_until__gte=today, registered_until__lte=today + dt.timedelta(days=within_days)
    ).select_related("user")
    if organization_ids is not None:
        employed = Membership.objects.active().filter(
            role=Role.SOCIAL_WORKER, organization_id__in=list(organization_ids)
        )
        workers = workers.filter(user_id__in=employed.values("user_id"))
    workers = list(workers.order_by("registered_until", "name", "pk"))
    if not workers:
        return []
    earliest = min(registration_period(w)[0] for w in workers)
    rows: dict[int, list] = defaultdict(list)
    for worker_id, status, completed_on, hours in Training.objects.filter(
        worker__in=workers, status=Training.Status.VERIFIED, completed_on__gte=earliest
    ).values_list("worker_id", "status", "completed_on", "hours"):
        rows[worker_id].append((status, completed_on, hours))
    policy = policy_current()
    summaries = [(w, _summarize(w, rows[w.pk], policy)) for w in workers]
    return [(w, s) for w, s in summaries if s.remaining > 0]
