from __future__ import annotations

import datetime as dt

from django.db.models import Count, Prefetch, Q, QuerySet

from apps.bidding.models import Need, Question
from apps.opendata.ocds import COUNTED_PROPOSALS


def needs_for_open_data(
    *, need_id=None, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> QuerySet[Need]:
    """Needs with public releases (published or later), optionally one need or a period of
    activity (published, awarded or updated in it). Each carries ``tenderer_count``, the bids
    its tender release counts, so a package of many needs is not one query per need."""
    qs = (
        Need.objects.exclude(status=Need.Status.DRAFT)
        .filter(published_at__isnull=False)
        .select_related("community", "category", "awarded_proposal__organization__region", "project__fund")
        # The tender's enquiries, public fields only (who asked is not even read).
        .prefetch_related(
            Prefetch(
                "questions",
                queryset=Question.objects.only("id", "need_id", "text", "asked_at", "answer", "answered_at").order_by(
                    "asked_at", "id"
                ),
            )
        )
        .annotate(tenderer_count=Count("proposals", filter=Q(proposals__status__in=COUNTED_PROPOSALS)))
        .order_by("pk")
    )
    if need_id is not None:
        qs = qs.filter(pk=need_id)
    if date_from:
        qs = qs.filter(Q(updated_at__date__gte=date_from) | Q(published_at__date__gte=date_from))
    if date_to:
        qs = qs.filter(published_at__date__lte=date_to)
    return qs
