from django import template

from apps.ledger.labels import transfer_kind_label

register = template.Library()


@register.filter
def transfer_kind(kind: str) -> str:
    return transfer_kind_label(kind)
