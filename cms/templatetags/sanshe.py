"""Site-wide template helpers: ``{% load sanshe %}``.

Filters: ``cn_date``, ``cn_datetime`` (2026年11月27日 / 27 Nov 2026 in English), ``yuan`` (Decimal or
string yuan → ¥1,234.50), ``fen_yuan`` (integer fen → ¥1,234.50).
Tags: ``{% breadcrumbs label url label url … %}`` (last item is the current page),
``{% form_field form.field %}`` (label, input, help and errors next to the field).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django import template
from django.utils import timezone, translation

from apps.core.money import decimal_to_fen, format_yuan

register = template.Library()

_EN_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _english() -> bool:
    return (translation.get_language() or "zh-hans").startswith("en")


def _as_date(value):
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value
    return value


@register.filter
def cn_date(value) -> str:
    """2026年11月27日 (Chinese) or 27 Nov 2026 (English); '' for empty values."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    value = _as_date(value)
    if _english():
        return f"{value.day} {_EN_MONTHS[value.month - 1]} {value.year}"
    return f"{value.year}年{value.month}月{value.day}日"


@register.filter
def cn_datetime(value) -> str:
    """2026年11月27日 14:05 (local time) or 27 Nov 2026 14:05."""
    if not value:
        return ""
    if not isinstance(value, dt.datetime):
        return cn_date(value)
    value = _as_date(value)
    return f"{cn_date(value)} {value:%H:%M}"


@register.filter
def yuan(value) -> str:
    """A Decimal / int / string amount in yuan → ¥1,234.50. Not a number → '—'."""
    if value is None or value == "" or isinstance(value, bool):
        return "—"
    try:
        return format_yuan(decimal_to_fen(Decimal(str(value))))
    except (InvalidOperation, ValueError):
        return "—"


@register.filter
def fen_yuan(value) -> str:
    """Integer fen → ¥1,234.50."""
    try:
        return format_yuan(int(value))
    except (TypeError, ValueError):
        return "—"


@register.inclusion_tag("includes/breadcrumbs.html")
def breadcrumbs(*args, lang: str = ""):
    """``{% url 'bidding:need-list' as needs_url %}{% breadcrumbs _("Needs") needs_url need.title "" %}``
    — Home is always first. ``lang="zh-Hans"`` marks the items (CMS page titles) as Chinese."""
    items = [(str(args[i]), args[i + 1] if i + 1 < len(args) else "") for i in range(0, len(args), 2)]
    return {"items": items, "lang": lang}


@register.inclusion_tag("includes/form_field.html")
def form_field(field, hint: str = ""):
    """One form field with its label, help text and errors next to it (aria-describedby/invalid)."""
    described = []
    if field.help_text or hint:
        described.append(f"{field.auto_id}-help")
    if field.errors:
        described.append(f"{field.auto_id}-errors")
    attrs = {}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if field.errors:
        attrs["aria-invalid"] = "true"
    if field.field.required:
        attrs["required"] = True
    return {"field": field, "widget": field.as_widget(attrs=attrs), "hint": hint}
