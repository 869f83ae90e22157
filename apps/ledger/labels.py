"""Names people read for the ledger's plain-string transfer kinds. Kinds are codes that apps pick
when they post (they are hashed into the chain, so they stay codes); pages show these labels."""

from django.utils.translation import gettext_lazy as _

TRANSFER_KIND_LABELS: dict[str, str] = {
    "income": _("Income"),
    "donation": _("Donation"),
    "stripe_fee": _("Card payment fee"),
    "refund": _("Refund"),
    "refund_cover": _("Refund covered by the host"),
    "dispute": _("Card payment dispute"),
    "dispute_cover": _("Dispute covered by the host"),
    "grant": _("Grant award"),
    "grant_payout": _("Grant payout"),
    "dividend": _("Dividend"),
    "dividend_payout": _("Dividend payout"),
    "coop_profit": _("Cooperative profit"),
    "revenue_share": _("Revenue share"),
}


def transfer_kind_label(kind: str) -> str:
    """The label for a kind; an unknown kind shows as its code rather than disappearing."""
    return str(TRANSFER_KIND_LABELS.get(kind, kind))
