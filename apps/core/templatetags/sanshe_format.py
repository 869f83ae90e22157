"""Numbers people can read (#20): money as ¥1,234.50, rates as percentages, durations with a unit.

Registered as a template builtin (settings TEMPLATES OPTIONS "builtins"), so templates use these
filters without ``{% load %}``. Each filter shows an empty value as "" (templates add their own
"—" with ``default``) and leaves a value it cannot read as it was.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.translation import gettext

from apps.core.money import decimal_to_fen, format_yuan

register = template.Library()


def _decimal(value) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


@register.filter
def yuan(value) -> str:
    """¥1,234.50 from a Decimal, a number or a decimal string of yuan; -¥12.00 when negative."""
    amount = _decimal(value)
    if amount is None:
        return "" if value is None else str(value)
    return format_yuan(decimal_to_fen(amount))


@register.filter
def signed_yuan(value) -> str:
    """+¥48,000.00 or -¥48,000.00 (¥0.00 for zero): a change rather than a balance."""
    amount = _decimal(value)
    if amount is None:
        return "" if value is None else str(value)
    fen = decimal_to_fen(amount)
    return ("+" if fen > 0 else "") + format_yuan(fen)


@register.filter
def fen_yuan(value) -> str:
    """¥1,234.50 from a whole number of fen."""
    amount = _decimal(value)
    if amount is None or amount != amount.to_integral_value():
        return "" if value is None else str(value)
    return format_yuan(int(amount))


@register.filter
def percent(value, places=0) -> str:
    """95% from a rate 0.95 (100% from 1.000); ``places`` decimals kept (``|percent:1`` → 95.5%)."""
    rate = _decimal(value)
    if rate is None:
        return "" if value is None else str(value)
    places = max(int(places), 0)
    shown = (rate * 100).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{shown}%"


@register.filter
def hours(value) -> str:
    """29 小时 / 29 h: a number of hours with its unit, trailing zeros dropped (7.50 → 7.5)."""
    number = _decimal(value)
    if number is None:
        return "" if value is None else str(value)
    shown = number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()
    text = f"{shown:f}"
    return gettext("%(hours)s h") % {"hours": text}


@register.filter
def hours_minutes(value) -> str:
    """48 小时 12 分 / 48 h 12 min from a number of minutes (its sign dropped: callers say
    "overdue" or "left" themselves)."""
    number = _decimal(value)
    if number is None:
        return "" if value is None else str(value)
    whole, minutes = divmod(abs(int(number)), 60)
    return gettext("%(hours)d h %(minutes)d min") % {"hours": whole, "minutes": minutes}


@register.filter
def percent_points(value) -> str:
    """75% from a rate already in percent (75.0), as dispatch's unit results give it; one decimal
    kept when there is one (87.5%)."""
    number = _decimal(value)
    if number is None:
        return "" if value is None else str(value)
    shown = number.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{shown.to_integral_value() if shown == shown.to_integral_value() else shown}%"


@register.filter
def out_of_five(value) -> str:
    """4.6 / 5: a mean rating on the 1–5 scale, with one decimal and its scale."""
    number = _decimal(value)
    if number is None:
        return "" if value is None else str(value)
    return f"{number.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)} / 5"
