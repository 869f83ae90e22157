import datetime as dt
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import Role
from apps.accounts.selectors import is_platform_staff, memberships_active
from apps.core.charts import EXPENSE, INCOME, NEUTRAL, Chart, Series, bar_chart
from apps.core.errors import NotFound
from apps.core.models import Category
from apps.core.templatetags.sanshe_format import hours, yuan
from apps.regions.models import Region
from apps.regions.selectors import within_region
from apps.stats.labels import COMPONENT_LABELS, RAW_LABELS
from apps.stats.scorecard import KINDS, scorecards
from apps.stats.selectors import monthly_report, region_figures, stats_region_get_for_user

# How a raw figure reads on the page (others are shown as they are).
RAW_FORMATS = {
    "on_time_rate": "percent",
    "reopen_rate": "percent",
    "hours_confirmed": "hours",
    "hours_planned": "hours",
    "mean_rating": "rating",
    "satisfaction": "rating",
}


def _parse_period(request) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    try:
        date_to = dt.date.fromisoformat(request.GET.get("to") or str(today))
        date_from = dt.date.fromisoformat(request.GET.get("from") or str(date_to.replace(month=1, day=1)))
    except ValueError:
        date_from, date_to = today.replace(month=1, day=1), today
    return min(date_from, date_to), max(date_from, date_to)


def _home_region(user) -> Region | None:
    if is_platform_staff(user):
        return Region.objects.filter(level=Region.Level.CITY).order_by("code").first()
    for m in memberships_active(user):
        if m.role in (Role.STREET_OFFICER, Role.DISTRICT_OFFICER) and m.region:
            return m.region
    return None


def _count(value: Decimal) -> str:
    return f"{value:,}"


def _area_charts(children: list[dict]) -> list[Chart]:
    """The dashboard's charts, one bar per child area (a district, a street, a community), each in
    the page's language with its unit; a chart of figures the category filter leaves out (null)
    is not drawn."""

    def chart(title, series, keys, show):
        rows = [(c["name"], [c[k] for k in keys]) for c in children]
        if all(v is None for _name, values in rows for v in values):
            return None
        return bar_chart(title=title, heading=_("Area"), series=series, rows=rows, show=show)

    charts = [
        chart(
            _("Needs published and awarded"),
            [Series(_("Needs published"), NEUTRAL), Series(_("Needs awarded"), INCOME)],
            ("needs_published", "needs_awarded"),
            _count,
        ),
        chart(_("Hours confirmed"), [Series(_("Hours confirmed"), NEUTRAL)], ("hours_confirmed",), hours),
        chart(
            _("Money in and out"),
            [Series(_("Money in"), INCOME), Series(_("Money out"), EXPENSE)],
            ("funds_in", "funds_out"),
            yuan,
        ),
        chart(_("Work orders"), [Series(_("Work orders"), NEUTRAL)], ("work_orders",), _count),
    ]
    return [c for c in charts if c is not None]


def _render_dashboard(request, region, date_from, date_to, *, public: bool):
    categories = list(Category.objects.all())
    category = next((c for c in categories if c.code == request.GET.get("category")), None)
    figures = region_figures(
        region=region, date_from=date_from, date_to=date_to, category=category.code if category else None
    )
    return render(
        request,
        "stats/dashboard.html",
        {
            "region": region,
            "figures": figures,
            "charts": _area_charts(figures["children"]),
            "categories": categories,
            "category": category,
            "date_from": date_from,
            "date_to": date_to,
            "public": public,
        },
    )


@login_required
def dashboard(request, code: str | None = None):
    """The officer's dashboard for their area (platform staff: the city), with drill-down."""
    date_from, date_to = _parse_period(request)
    if code is None:
        region = _home_region(request.user)
        if region is None:
            return render(request, "stats/no_area.html", status=403)
    else:
        try:
            region = stats_region_get_for_user(user=request.user, code=code)
        except NotFound:
            return render(request, "stats/no_area.html", status=404)
    return _render_dashboard(request, region, date_from, date_to, public=False)


def public_dashboard(request):
    """City-wide aggregated figures for everyone (no drill-down below districts)."""
    date_from, date_to = _parse_period(request)
    region = Region.objects.filter(level=Region.Level.CITY).order_by("code").first()
    if region is None:
        return render(request, "stats/no_area.html", status=404)
    return _render_dashboard(request, region, date_from, date_to, public=True)


def _officer_region(request, code: str | None):
    """The region a dashboard page shows: the user's home area, or ``code`` when they may see it;
    None when they may not (the caller answers 403 or 404)."""
    if code is None:
        return _home_region(request.user)
    try:
        return stats_region_get_for_user(user=request.user, code=code)
    except NotFound:
        return None


@login_required
def scorecard_page(request, code: str | None = None):
    """Joint-evaluation scorecards of the communities or organizations of the officer's area."""
    date_from, date_to = _parse_period(request)
    region = _officer_region(request, code)
    if region is None:
        return render(request, "stats/no_area.html", status=403 if code is None else 404)
    kind = request.GET.get("kind") if request.GET.get("kind") in KINDS else "community"
    data = scorecards(region=region, date_from=date_from, date_to=date_to, kind=kind)
    # Every component's weight (the residents' one included), named as in the table.
    data["weight_items"] = [(str(COMPONENT_LABELS[c]), w) for c, w in data["weights"].items()]
    for result in data["results"]:
        for component in result["components"]:
            component["label"] = str(COMPONENT_LABELS[component["component"]])
            component["raw_items"] = [
                (str(RAW_LABELS.get(k, k)), v, RAW_FORMATS.get(k)) for k, v in component["raw"].items()
            ]
    return render(
        request,
        "stats/scorecards.html",
        {"region": region, "data": data, "kind": kind, "date_from": date_from, "date_to": date_to},
    )


def _parse_month(request) -> tuple[int, int]:
    """``?month=YYYY-MM``; by default the last complete month."""
    try:
        year, month = (int(part) for part in (request.GET.get("month") or "").split("-"))
        dt.date(year, month, 1)
    except ValueError:
        last = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
        year, month = last.year, last.month
    return year, month


@login_required
def monthly_page(request, code: str | None = None):
    """Print-ready monthly report (每月通报) of a street; above street level, the list of streets."""
    region = _officer_region(request, code)
    if region is None:
        return render(request, "stats/no_area.html", status=403 if code is None else 404)
    year, month = _parse_month(request)
    if region.level in (Region.Level.CITY, Region.Level.DISTRICT):
        streets = Region.objects.filter(within_region(region), level=Region.Level.STREET).order_by("code")
        return render(
            request,
            "stats/monthly_streets.html",
            {"region": region, "streets": streets, "month": f"{year:04d}-{month:02d}"},
        )
    report = monthly_report(region=region, year=year, month=month)
    rows = [
        (label, (report["figures"][key], report["previous"][key]), number_format)
        for key, label, number_format in (
            ("needs_published", gettext_lazy("Needs published"), None),
            ("needs_awarded", gettext_lazy("Needs awarded"), None),
            ("needs_failed", gettext_lazy("Needs failed"), None),
            ("median_days_to_award", gettext_lazy("Median days to award"), None),
            ("hours_confirmed", gettext_lazy("Hours confirmed"), "hours"),
            ("beneficiaries_served", gettext_lazy("Beneficiaries served"), None),
            ("funds_in", gettext_lazy("Money in"), "yuan"),
            ("funds_out", gettext_lazy("Money out"), "yuan"),
            ("work_orders", gettext_lazy("Work orders reported"), None),
            ("on_time_rate", gettext_lazy("On-time rate"), "percent"),
            ("reopen_rate", gettext_lazy("Reopen rate"), "percent"),
            ("satisfaction", gettext_lazy("Satisfaction"), "rating"),
        )
    ]
    return render(
        request,
        "stats/monthly.html",
        {"region": region, "report": report, "rows": rows, "generated": timezone.localtime()},
    )
