"""Dates and times written into sentences (notifications, messages, errors), the way the page's
formats write them: 2026年12月4日 14:30 in Chinese, 4 Dec 2026 14:30 in English (the format
modules in ``marketplace/formats``). ISO stays for inputs, exports and the API."""

from __future__ import annotations

import datetime as dt

from django.utils import formats, timezone, translation


def local_date(value: dt.date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def local_datetime(value: dt.datetime) -> str:
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def bilingual_date(value: dt.date) -> str:
    """For documents printed in both languages whatever the page's (receipts): 2026年12月5日 5 Dec 2026."""
    with translation.override("zh-hans"):
        chinese = local_date(value)
    with translation.override("en"):
        return f"{chinese} {local_date(value)}"
