from decimal import Decimal, InvalidOperation

from django import template

from apps.core.money import decimal_to_fen, format_yuan

register = template.Library()


@register.filter
def yuan(value) -> str:
    """¥1,234.50 from a Decimal or a two-decimal string."""
    if value in (None, ""):
        return ""
    try:
        return format_yuan(decimal_to_fen(Decimal(str(value))))
    except (InvalidOperation, ValueError):
        return ""
