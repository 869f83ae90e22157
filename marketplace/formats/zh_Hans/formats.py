"""Dates on zh pages (#20): 2026年12月4日, with time 2026年12月4日 14:30.

Templates print dates with ``|date`` (DATE_FORMAT) or ``|date:"DATETIME_FORMAT"``; ISO stays in
input values, ``<time datetime>``, URLs, exports and the API.
"""

DATE_FORMAT = "Y年n月j日"
DATETIME_FORMAT = "Y年n月j日 H:i"
SHORT_DATE_FORMAT = "Y年n月j日"
SHORT_DATETIME_FORMAT = "Y年n月j日 H:i"
YEAR_MONTH_FORMAT = "Y年n月"
MONTH_DAY_FORMAT = "n月j日"
TIME_FORMAT = "H:i"
