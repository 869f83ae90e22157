"""Reads of funds: balances, totals, public transfer lists, monthly series."""

from __future__ import annotations

from collections import defaultdict

from django.core import signing
from django.db.models import Case, IntegerField, Q, QuerySet, Sum, When
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.core.ids import parse_id
from apps.core.models import Category
from apps.core.money import MoneyMove
from apps.funds.models import Donation, Fund, GivingSchedule, RefundHold
from apps.ledger.models import Account, Leg, Transfer
from apps.ledger.services import account_get_or_create
from apps.notifications.models import Notification
from apps.organizations.models import Organization
from apps.projects.models import Project

MOVING = ["single", "post"]
# The notification kind the Stripe reconciliation job sends a fund's managers.
RECONCILIATION_NOTICE_KIND = "fund_reconciliation"


GIVING_TOKEN_SALT = "funds.giving.manage"  # noqa: S105 - a signing salt, not a secret


def giving_schedule_by_token(token: str) -> GivingSchedule | None:
    """The monthly gift a donor's signed link names, or None (wrong, tampered or unknown)."""
    try:
        pk = signing.loads(token[:200], salt=GIVING_TOKEN_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(pk, int) or isinstance(pk, bool):
        return None
    return GivingSchedule.objects.select_related("fund").filter(pk=pk).first()


def giving_schedule_donations(schedule) -> QuerySet:
    return schedule.donations.order_by("-paid_at", "-id").exclude(receipt_no=None)


def fund_book(fund) -> str:
    return f"fund:{fund.code}"


def fund_account(fund, purpose: str | None = None) -> Account:
    """The fund's unrestricted money, or its money restricted to ``purpose`` (a category code):
    credit-normal and never below zero. The ledger opens the account on first use."""
    kind = f"restricted:{purpose}" if purpose else "available"
    return account_get_or_create(
        owner_type="fund",
        owner_id=fund.pk,
        kind=kind,
        currency=fund.currency,
        normal=Account.Normal.CREDIT,
        may_go_negative=False,
        book=fund_book(fund),
        name=f"{fund.name} · {purpose or 'unrestricted'}",
    )


def fund_money_display(fund, purpose: str | None = None) -> str:
    """The name people read for the fund's unrestricted money or its money given for ``purpose``
    (a category code), never the account's code."""
    if purpose:
        category = Category.objects.filter(code=purpose).first()
        name = category.display_name if category else purpose
        return _("%(fund)s, money given for %(purpose)s") % {"fund": fund.name, "purpose": name}
    return _("%(fund)s, unrestricted money") % {"fund": fund.name}


def fund_account_display(fund, account: Account) -> str:
    """``fund_money_display`` of one of the fund's accounts."""
    return fund_money_display(fund, account.kind.removeprefix("restricted:") if account.kind != "available" else None)


def refund_hold_resolve_preview(*, hold: RefundHold, resolution: str) -> MoneyMove:
    """What resolving the hold this way books, from the fund's money (the donation's purpose) or
    the host foundation's, to the donor Stripe already paid back; moves nothing
    (``services.refund_hold_resolve`` books)."""
    donation = hold.donation
    if resolution == RefundHold.Resolution.FUND:
        source = fund_money_display(hold.fund, donation.purpose or None)
    else:
        source = _("%(host)s, the host foundation, from its own means") % {"host": hold.fund.host_name}
    receipt = donation.receipt_no or str(donation.pk)
    return MoneyMove(
        amount_fen=hold.amount_fen,
        source=source,
        payee=_("The donor of receipt %(receipt)s, already paid back by card payment") % {"receipt": receipt},
        notes=[
            _(
                "The card payment provider already returned this money to the donor; booking it closes the hold "
                "in the fund's books. It cannot be undone."
            )
        ],
    )


def fund_transfer_url(fund, transfer_id) -> str | None:
    """Where the fund's public books show the transfer (its row on the fund's page), or ``None``
    when the transfer moved none of the fund's money."""
    shown = Transfer.objects.filter(
        pk=parse_id(transfer_id) or 0, phase__in=MOVING, legs__account_id__in=fund_account_ids(fund)
    ).exists()
    return f"{reverse('fund-detail-page', args=[fund.pk])}#transfer-{transfer_id}" if shown else None


def fund_account_ids(fund) -> list[int]:
    return list(
        Account.objects.filter(owner_type="fund", owner_id=str(fund.pk))
        .exclude(kind="bank")
        .values_list("pk", flat=True)
    )


def fund_balances(funds) -> dict[int, int]:
    """Fund id → money held (unrestricted + restricted), fen."""
    ids = [str(f.pk) for f in funds]
    out: dict[int, int] = defaultdict(int)
    for owner_id, balance in (
        Account.objects.filter(owner_type="fund", owner_id__in=ids)
        .exclude(kind="bank")
        .values_list("owner_id", "balance")
    ):
        out[int(owner_id)] += -balance
    return out


def fund_summary(fund) -> dict:
    accounts = list(Account.objects.filter(owner_type="fund", owner_id=str(fund.pk)).exclude(kind="bank"))
    ids = [a.pk for a in accounts]
    totals = Leg.objects.filter(account_id__in=ids, transfer__phase__in=MOVING).aggregate(
        out=Sum(Case(When(amount__gt=0, then="amount"), default=0, output_field=IntegerField())),
        into=Sum(Case(When(amount__lt=0, then="amount"), default=0, output_field=IntegerField())),
    )
    restricted = [
        {"purpose": a.kind.split(":", 1)[1], "balance": -a.balance, "available": a.available}
        for a in accounts
        if a.kind.startswith("restricted:")
    ]
    unrestricted = next((a for a in accounts if a.kind == "available"), None)
    return {
        "balance": sum(-a.balance for a in accounts),
        "total_in": -(totals["into"] or 0),
        "total_out": totals["out"] or 0,
        "restricted": restricted,
        "unrestricted": -unrestricted.balance if unrestricted else 0,
        "reserved": sum(a.pending_debits for a in accounts),
        "available": sum(a.available for a in accounts),
    }


def fund_transfers(fund):
    """Posted money movements of the fund, newest first, with the fund's net amount per transfer."""
    ids = fund_account_ids(fund)
    return (
        Transfer.objects.filter(phase__in=MOVING, legs__account_id__in=ids)
        .annotate(net=Sum("legs__amount", filter=Q(legs__account_id__in=ids)))
        .order_by("-created_at", "-id")
    )


def donor_displays(transfers) -> dict[str, str]:
    refs = [t.reference.split(":", 1)[1] for t in transfers if t.reference.startswith("donation:")]
    ids = [pk for pk in map(parse_id, refs) if pk]
    return {f"donation:{d.pk}": d.donor_display for d in Donation.objects.filter(pk__in=ids)}


def fund_monthly(fund) -> list[dict]:
    """Per month and transfer kind: money in and out (fen)."""
    ids = fund_account_ids(fund)
    rows = (
        Leg.objects.filter(account_id__in=ids, transfer__phase__in=MOVING)
        .annotate(month=TruncMonth("transfer__created_at"))
        .values("month", "transfer__kind")
        .annotate(
            out=Sum(Case(When(amount__gt=0, then="amount"), default=0, output_field=IntegerField())),
            into=Sum(Case(When(amount__lt=0, then="amount"), default=0, output_field=IntegerField())),
        )
        .order_by("month", "transfer__kind")
    )
    return [
        {"month": r["month"], "kind": r["transfer__kind"], "in": -(r["into"] or 0), "out": r["out"] or 0} for r in rows
    ]


def funds_public():
    return Fund.objects.select_related("community").order_by("code")


def total_raised_fen() -> int:
    """Donations received by all community funds, net of refunds (home page figure)."""
    totals = Donation.objects.filter(paid_at__isnull=False).aggregate(
        gross=Sum("amount_fen"), refunded=Sum("refunded_fen")
    )
    return (totals["gross"] or 0) - (totals["refunded"] or 0)


def fund_refund_holds(fund):
    """Open holds first, then resolved ones (newest first)."""
    return RefundHold.objects.filter(fund=fund).select_related("donation", "resolved_by", "transfer")


def refund_holds_open_count(*, fund_ids) -> int:
    """Refunds and disputes of these funds still waiting for their manager's resolution."""
    return RefundHold.objects.filter(fund_id__in=fund_ids, resolved=False).count()


def fund_reconciliation_warning_count(*, user) -> int:
    """``user``'s unread notices of Stripe reconciliation differences (the job sends them to the
    managers of the fund concerned)."""
    return Notification.objects.filter(user=user, kind=RECONCILIATION_NOTICE_KIND, read_at__isnull=True).count()


# What leaves a fund for the projects it pays: a grant posted to the organization for an accepted
# milestone (apps.funds.payouts.milestone_payout).
PAYOUT_KINDS = ("grant_payout",)


def fund_payouts(fund) -> QuerySet[Transfer]:
    """The grants the fund paid out, newest first; ``net`` is what left the fund (fen)."""
    return fund_transfers(fund).filter(kind__in=PAYOUT_KINDS)


def fund_payouts_count(*, fund_ids, since) -> int:
    """How many grants these funds paid out from ``since`` on."""
    return (
        Transfer.objects.filter(
            kind__in=PAYOUT_KINDS,
            phase__in=MOVING,
            created_at__gte=since,
            legs__account__owner_type="fund",
            legs__account__owner_id__in=[str(pk) for pk in fund_ids],
        )
        .distinct()
        .count()
    )


def fund_payout_rows(transfers) -> list[dict]:
    """Each payout (from ``fund_payouts``) with the organization it paid (the owner of the account
    it credited) and the project it paid for, read in three queries whatever the number of rows."""
    transfers = list(transfers)
    payee_of = {
        transfer_id: parse_id(owner_id)
        for transfer_id, owner_id in Leg.objects.filter(
            transfer__in=transfers, account__owner_type="organization"
        ).values_list("transfer_id", "account__owner_id")
    }
    project_of = {t.pk: parse_id(t.reference.removeprefix("project:")) for t in transfers}
    organizations = Organization.objects.in_bulk({pk for pk in payee_of.values() if pk})
    projects = Project.objects.in_bulk({pk for pk in project_of.values() if pk})
    return [
        {
            "transfer": t,
            "amount": t.net or 0,
            "payee": organizations.get(payee_of.get(t.pk)),
            "project": projects.get(project_of[t.pk]),
        }
        for t in transfers
    ]


def donation_purpose_category(donation):
    """The category a donation is restricted to, or None when it is unrestricted."""

    return Category.objects.filter(code=donation.purpose).first() if donation.purpose else None
