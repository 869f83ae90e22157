from django import template

from apps.ledger.labels import transfer_kind_label, transfer_memo_display

register = template.Library()


@register.filter
def transfer_kind(kind: str) -> str:
    return transfer_kind_label(kind)


@register.filter
def transfer_memo(transfer) -> str:
    """A transfer's memo as readers see it (``transfer_memo_display``): what people wrote, or the
    platform's own memo described in the page's language."""
    return transfer_memo_display(transfer.kind, transfer.memo)
