import calendar

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.shortcuts import render
from django.utils import timezone

from apps.opendata.selectors import needs_for_open_data


def open_data(request):
    """The open-data page: what can be downloaded, in which format, under which licence, with a
    bulk package per month in which needs were published."""
    months = (
        needs_for_open_data()
        .order_by()
        .annotate(month=TruncMonth("published_at", tzinfo=timezone.get_current_timezone()))
        .values("month")
        .annotate(n=Count("id"))
        .order_by("-month")
    )
    periods = [
        {
            "month": row["month"],
            "published": row["n"],
            "from": row["month"].date(),
            "to": row["month"].date().replace(day=calendar.monthrange(row["month"].year, row["month"].month)[1]),
        }
        for row in months
    ]
    return render(
        request,
        "opendata/open_data.html",
        {"needs_count": sum(p["published"] for p in periods), "periods": periods},
    )
