"""Milestone payouts caught up in a payout run: accepted milestones whose payout is not in the books
yet (accepting pays at once, so these are milestones accepted where the platform's books were not
kept, e.g. carried over from another system), many in one database transaction through the
ledger's batched path (``apps.ledger.batch``), each booked exactly as ``funds.payouts.milestone_payout``
books it (key ``milestone:<id>:payout``), so a rerun finds it paid."""

from __future__ import annotations

from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, Value
from django.db.models.functions import Cast, Concat

from apps.core.money import decimal_to_fen
from apps.funds.payouts import project_reservation
from apps.ledger.batch import BatchOutcome, BatchTransfer, transfers_append_batch
from apps.ledger.models import Transfer
from apps.projects.models import Milestone


def _payout_key(milestone_id: int) -> str:
    return f"milestone:{milestone_id}:payout"


def milestone_payouts_due() -> list[int]:
    """Accepted milestones with an amount and no payout in the books, by id."""
    booked = Transfer.objects.filter(
        key=Concat(Value("milestone:"), Cast(OuterRef("pk"), CharField()), Value(":payout"))
    )
    return list(
        Milestone.objects.filter(status=Milestone.Status.ACCEPTED, amount__gt=0)
        .exclude(Exists(booked))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@transaction.atomic
def milestone_payouts_book(*, milestone_ids: list[int]) -> BatchOutcome:
    """Post each accepted milestone's amount from its project's reservation, once; a project without
    a reservation pays nothing through the books (as ``milestone_payout``)."""
    milestones = list(
        Milestone.objects.select_for_update(of=("self",))
        .select_related("project")
        .filter(pk__in=milestone_ids, status=Milestone.Status.ACCEPTED, amount__gt=0)
        .order_by("pk")
    )
    reservations = {}
    items = []
    for milestone in milestones:
        project = milestone.project
        if project.pk not in reservations:
            reservations[project.pk] = project_reservation(project)
        if reservations[project.pk] is None:
            continue
        items.append(
            BatchTransfer(
                key=_payout_key(milestone.pk),
                kind="grant_payout",
                pending=reservations[project.pk],
                amount=decimal_to_fen(milestone.amount),
                memo=f"{project.title} · {milestone.title}"[:500],
                reference=f"project:{project.pk}",
            )
        )
    return transfers_append_batch(transfers=items)
