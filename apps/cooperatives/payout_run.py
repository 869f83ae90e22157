"""Dividends paid in a payout run: many holders' dividends in one database transaction, through
the ledger's batched path (``apps.ledger.batch``), each booked exactly as ``dividend_pay`` books it
(same key ``coop-dividend-payout:<allocation id>``, legs, memo), so a rerun, or ``dividend_pay``
afterwards, finds it paid."""

from __future__ import annotations

from django.db import transaction
from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.cooperatives import booking
from apps.cooperatives.access import user_manages_cooperative
from apps.cooperatives.models import Distribution, DistributionAllocation
from apps.core.errors import PermissionDenied
from apps.ledger.batch import BatchOutcome, BatchTransfer, transfers_append_batch
from apps.ledger.models import Account, Transfer


def _due():
    return DistributionAllocation.objects.filter(
        distribution__status=Distribution.Status.APPROVED, paid_at__isnull=True, amount__gt=0
    )


def dividend_payouts_due() -> list[int]:
    """The allocations of approved distributions not paid yet, by id (a distribution's holders
    together, so a batch mostly touches one cooperative's chain and bank)."""
    return list(_due().order_by("pk").values_list("pk", flat=True))


def _holder_accounts(allocations) -> dict[int, Account]:
    """The holders' ``dividends_payable`` accounts, read at once (approving the distribution
    opened them); one missing is opened as ``dividend_pay`` would."""
    ids = {str(a.holder_id) for a in allocations}
    found = {
        int(acc.owner_id): acc
        for acc in Account.objects.filter(owner_type="coop_holder", kind="dividends_payable", owner_id__in=ids)
    }
    for allocation in allocations:
        if allocation.holder_id not in found:
            found[allocation.holder_id] = booking.holder_dividend_account(allocation.holder)
    return found


@transaction.atomic
def dividend_payouts_book(*, actor, allocation_ids: list[int]) -> BatchOutcome:
    """Pay these allocations' dividends in one transaction, each as ``dividend_pay`` would: the rows
    locked, only a cooperative's managers pay; an allocation paid meanwhile is left alone. Refused
    ones (``refused``, by ledger key) are not paid; the rest are booked and marked paid."""
    allocations = list(
        _due()
        .select_for_update(of=("self",))
        .select_related("distribution", "holder__cooperative")
        .filter(pk__in=allocation_ids)
        .order_by("pk")
    )
    accounts = _holder_accounts(allocations)
    banks: dict[int, Account] = {}
    permitted: dict[int, bool] = {}
    refused = {}
    items = []
    for allocation in allocations:
        coop = allocation.holder.cooperative
        if coop.pk not in banks:
            banks[coop.pk] = booking.cooperative_account(coop, "bank")
            permitted[coop.pk] = user_manages_cooperative(actor, coop)
        content = booking.dividend_payout_content(
            allocation=allocation, holder_account=accounts[allocation.holder_id], bank=banks[coop.pk]
        )
        if not permitted[coop.pk]:
            refused[content["key"]] = PermissionDenied(_("Only the community's staff may change the register."))
            continue
        items.append((allocation, BatchTransfer(**content)))
    outcome = transfers_append_batch(transfers=[item for _allocation, item in items])
    outcome.refused.update(refused)
    paid = [allocation.pk for allocation, item in items if item.key in outcome.booked or item.key in outcome.existing]
    booked = Transfer.objects.filter(
        key=Concat(Value("coop-dividend-payout:"), Cast(OuterRef("pk"), CharField()))
    ).values("pk")[:1]
    # one statement for the whole batch (bulk_update's per-row CASE took longer than the booking)
    DistributionAllocation.objects.filter(pk__in=paid).update(
        paid_at=timezone.now(), paid_by=actor, payout_transfer_id_text=Cast(Subquery(booked), CharField())
    )
    return outcome
