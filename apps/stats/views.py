import datetime as dt

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Role
from apps.accounts.selectors import is_platform_staff, memberships_active
from apps.core.errors import NotFound
from apps.core.models import Category
from apps.regions.models import Region
from apps.regions.selectors import within_region
from apps.stats.charts import bar_chart, treemap
from apps.stats.scorecard import KINDS, scorecards
from apps.stats.selectors import monthly_report, region_figures, stats_region_get_for_user

CHARTED = (
    ("needs_published", "Needs published"),
    ("needs_awarded", "Needs awarded"),
    ("hours_confirmed", "Hours confirmed"),
    ("funds_in", "Money in (yuan)"),
    ("work_orders", "Work orders"),
)

COMPONENT_LABELS = {
    "rating": "Community rating of delivery",
    "milestones": "Milestones accepted on time",
    "hours": "Hours delivered against plan",
    "dispatch": "Dispatch results",
}
RAW_LABELS = {
    "ratings": "ratings",
    "mean_rating": "mean rating (1–5)",
    "milestones_due": "milestones due",
    "accepted_on_time": "accepted by the due date",
    "hours_confirmed": "hours confirmed",
    "hours_planned": "hours planned for the period",
    "work_orders_closed": "work orders closed",
    "on_time_rate": "on-time rate",
    "reopen_rate": "reopen rate",
    "satisfaction": "satisfaction (1–5)",
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


TREEMAP_MEASURES = (
    ("hours_confirmed", "Hours confirmed"),
    ("needs_published", "Needs published"),
    ("funds_out", "Money out (yuan)"),
    ("work_orders", "Work orders"),
)


def _render_dashboard(request, region, date_from, date_to, *, public: bool):
    categories = list(Category.objects.all())
    category = next((c for c in categories if c.code == request.GET.get("category")), None)
    figures = region_figures(
        region=region, date_from=date_from, date_to=date_to, category=category.code if category else None
    )
    children = figures["children"]
    charts = [
        (_(label), bar_chart(title=_(label), rows=[(c["name"], c[key]) for c in children]))
        for key, label in CHARTED
        if children and any(c[key] is not None for c in children)
    ]
    measures = [(key, _(label)) for key, label in TREEMAP_MEASURES if figures[key] is not None]
    measure = next((m for m in measures if m[0] == request.GET.get("measure")), measures[0])
    tree = treemap(
        title=_("%(area)s by %(measure)s") % {"area": region.name, "measure": measure[1]},
        rows=[(c["name"], c[measure[0]]) for c in children],
    )
    return render(
        request,
        "stats/dashboard.html",
        {
            "region": region,
            "figures": figures,
            "charts": charts,
            "treemap": tree if children else None,
            "measure": measure,
            "measures": measures,
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
    for result in data["results"]:
        for component in result["components"]:
            component["label"] = _(COMPONENT_LABELS[component["component"]])
            component["raw_items"] = [(_(RAW_LABELS.get(k, k)), v) for k, v in component["raw"].items()]
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
        (_(label), report["figures"][key], report["previous"][key])
        for key, label in (
            ("needs_published", "Needs published"),
            ("needs_awarded", "Needs awarded"),
            ("needs_failed", "Needs failed"),
            ("median_days_to_award", "Median days to award"),
            ("hours_confirmed", "Hours confirmed"),
            ("beneficiaries_served", "Beneficiaries served"),
            ("funds_in", "Money in (yuan)"),
            ("funds_out", "Money out (yuan)"),
            ("work_orders", "Work orders reported"),
            ("on_time_rate", "On-time rate"),
            ("reopen_rate", "Reopen rate"),
            ("satisfaction", "Satisfaction (1–5)"),
        )
    ]
    return render(
        request,
        "stats/monthly.html",
        {"region": region, "report": report, "rows": rows, "generated": timezone.localtime()},
    )
