"""Dates and times written into sentences (notifications, messages, errors), the way the page's
formats write them: 2026年12月4日 14:30 in Chinese, 4 Dec 2026 14:30 in English (the format
modules in ``marketplace/formats``). ISO stays for inputs, exports and the API."""

from __future__ import annotations

import datetime as dt

from django.utils import formats, timezone


def local_date(value: dt.date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def local_datetime(value: dt.datetime) -> str:
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
