"""Names people read for the ledger's plain-string transfer kinds. Kinds are codes that apps pick
when they post (they are hashed into the chain, so they stay codes); pages show these labels."""

import re

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
    "revenue_share_receivable": _("Revenue share due"),
    "expense_payout": _("Expense reimbursement payout"),
}


def transfer_kind_label(kind: str) -> str:
    """The label for a kind; an unknown kind shows as its code rather than disappearing."""
    return str(TRANSFER_KIND_LABELS.get(kind, kind))


# Memos the platform writes itself, in English with a receipt number: "refund of RA880-2026-000001",
# "dispute of …", "… (held)", "Stripe fee", "reversal of <key>". They are hashed into the chain, so
# they stay as written; pages describe them in the reader's language instead.
_DONATION_MEMO = re.compile(r"^(?:refund|dispute) of (?P<receipt>\S+)(?: \(held\))?$")
_DONATION_MEMO_DESCRIPTIONS = {
    "refund": _("Refund of donation %(receipt)s"),
    "refund_cover": _("Refund of donation %(receipt)s, covered by the host"),
    "dispute": _("Card payment dispute of donation %(receipt)s"),
    "dispute_cover": _("Card payment dispute of donation %(receipt)s, covered by the host"),
}


def transfer_memo_display(kind: str, memo: str) -> str:
    """A transfer's memo as a reader sees it: what people wrote, or the platform's own memo
    described by its kind in the page's language."""
    donation = _DONATION_MEMO.match(memo)
    if donation and kind in _DONATION_MEMO_DESCRIPTIONS:
        return str(_DONATION_MEMO_DESCRIPTIONS[kind] % {"receipt": donation["receipt"]})
    if kind == "stripe_fee" and memo == "Stripe fee":
        return transfer_kind_label(kind)
    if memo.startswith("reversal of "):
        return str(_("Reversal of an earlier transfer"))
    return memo
