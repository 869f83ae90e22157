"""Dividends paid in a payout run: many holders' dividends in one database transaction, through
the ledger's batched path (``apps.ledger.batch``), each booked exactly as ``dividend_pay`` books it
(same key ``coop-dividend-payout:<allocation id>``, legs, memo), so a rerun, or ``dividend_pay``
afterwards, finds it paid."""

from __future__ import annotations

from types import SimpleNamespace

from django.db import connection, transaction
from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.cooperatives import booking
from apps.cooperatives.access import user_manages_cooperative
from apps.cooperatives.models import Cooperative, Distribution, DistributionAllocation, ShareHolder
from apps.core.errors import PermissionDenied
from apps.ledger.batch import BatchOutcome, BatchTransfer, transfers_append_batch
from apps.ledger.models import Account, Transfer
from apps.ledger.services import AccountRef


def _due():
    return DistributionAllocation.objects.filter(
        distribution__status=Distribution.Status.APPROVED, paid_at__isnull=True, amount__gt=0
    )


def dividend_payouts_due() -> list[int]:
    """The allocations of approved distributions not paid yet, by id (a distribution's holders
    together, so a batch mostly touches one cooperative's chain and bank)."""
    return list(_due().order_by("pk").values_list("pk", flat=True))


def _holder_accounts(holder_ids: set[int]) -> dict[int, AccountRef]:
    """The holders' ``dividends_payable`` accounts, read at once as ``AccountRef`` (approving the
    distribution opened them); one missing is opened as ``dividend_pay`` would."""
    found = {
        int(owner): AccountRef(*ref)
        for owner, *ref in Account.objects.filter(
            owner_type="coop_holder", kind="dividends_payable", owner_id__in=[str(h) for h in holder_ids]
        ).values_list("owner_id", "pk", "code", "currency", "book")
    }
    for holder in ShareHolder.objects.filter(pk__in=holder_ids - set(found)).select_related("cooperative"):
        found[holder.pk] = booking.holder_dividend_account(holder)
    return found


@transaction.atomic
def dividend_payouts_book(*, actor, allocation_ids: list[int]) -> BatchOutcome:
    """Pay these allocations' dividends in one transaction, each as ``dividend_pay`` would: the rows
    locked, only a cooperative's managers pay; an allocation paid meanwhile is left alone. Refused
    ones (``refused``, by ledger key) are not paid; the rest are booked and marked paid.

    The allocations are read as values, not models (two hundred thousand of them in a city's run);
    ``booking.dividend_payout_content`` gets what it reads of an allocation as plain attributes."""
    rows = list(
        _due()
        .select_for_update(of=("self",))
        .filter(pk__in=allocation_ids)
        .order_by("pk")
        .values_list(
            "pk",
            "amount",
            "distribution_id",
            "distribution__fiscal_year",
            "holder_id",
            "holder__name",
            "holder__cooperative_id",
        )
    )
    coops = Cooperative.objects.in_bulk({row[-1] for row in rows})
    banks = {pk: booking.cooperative_account(coop, "bank") for pk, coop in coops.items()}
    permitted = {pk: user_manages_cooperative(actor, coop) for pk, coop in coops.items()}
    accounts = _holder_accounts({row[4] for row in rows})
    distributions = {}
    refused = {}
    items = []
    for pk, amount, distribution_id, fiscal_year, holder_id, holder_name, coop_id in rows:
        if distribution_id not in distributions:
            distributions[distribution_id] = SimpleNamespace(fiscal_year=fiscal_year)
        allocation = SimpleNamespace(
            pk=pk,
            amount=amount,
            distribution_id=distribution_id,
            distribution=distributions[distribution_id],
            holder=SimpleNamespace(name=holder_name, cooperative=coops[coop_id]),
        )
        content = booking.dividend_payout_content(
            allocation=allocation, holder_account=accounts[holder_id], bank=banks[coop_id]
        )
        if not permitted[coop_id]:
            refused[content["key"]] = PermissionDenied(_("Only the community's staff may change the register."))
            continue
        items.append((pk, BatchTransfer(**content)))
    outcome = transfers_append_batch(transfers=[item for _pk, item in items])
    outcome.refused.update(refused)
    paid = {pk: outcome.booked.get(item.key) or outcome.existing.get(item.key) for pk, item in items}
    _mark_paid(actor, {pk: transfer for pk, transfer in paid.items() if transfer})
    return outcome


def _mark_paid(actor, transfers: dict[int, int]) -> None:
    """Mark the allocations paid with their transfers' ids, in one statement for the whole batch
    (``bulk_update``'s per-row CASE took longer than the booking): on PostgreSQL from two arrays,
    elsewhere with the id looked up by the transfer's key."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {DistributionAllocation._meta.db_table} a "  # noqa: S608 - the model's table
                "SET paid_at = %s, paid_by_id = %s, payout_transfer_id_text = p.transfer::text "
                "FROM unnest(%s::bigint[], %s::bigint[]) AS p(id, transfer) WHERE a.id = p.id",
                [timezone.now(), actor.pk, list(transfers), list(transfers.values())],
            )
        return
    booked = Transfer.objects.filter(
        key=Concat(Value("coop-dividend-payout:"), Cast(OuterRef("pk"), CharField()))
    ).values("pk")[:1]
    DistributionAllocation.objects.filter(pk__in=list(transfers)).update(
        paid_at=timezone.now(), paid_by=actor, payout_transfer_id_text=Cast(Subquery(booked), CharField())
    )
