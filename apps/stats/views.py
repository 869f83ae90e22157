import datetime as dt

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
    ("needs_published", gettext_lazy("Needs published")),
    ("needs_awarded", gettext_lazy("Needs awarded")),
    ("hours_confirmed", gettext_lazy("Hours confirmed")),
    ("funds_in", gettext_lazy("Money in (yuan)")),
    ("work_orders", gettext_lazy("Work orders")),
)

COMPONENT_LABELS = {
    "rating": gettext_lazy("Community rating of delivery"),
    "milestones": gettext_lazy("Milestones accepted on time"),
    "hours": gettext_lazy("Hours delivered against plan"),
    "dispatch": gettext_lazy("Dispatch results"),
}
RAW_LABELS = {
    "ratings": gettext_lazy("ratings"),
    "mean_rating": gettext_lazy("mean rating (1–5)"),
    "milestones_due": gettext_lazy("milestones due"),
    "accepted_on_time": gettext_lazy("accepted by the due date"),
    "hours_confirmed": gettext_lazy("hours confirmed"),
    "hours_planned": gettext_lazy("hours planned for the period"),
    "work_orders_closed": gettext_lazy("work orders closed"),
    "on_time_rate": gettext_lazy("on-time rate"),
    "reopen_rate": gettext_lazy("reopen rate"),
    "satisfaction": gettext_lazy("satisfaction (1–5)"),
}
# How a raw figure reads on the page (others are shown as they are).
RAW_FORMATS = {
    "on_time_rate": "percent",
    "reopen_rate": "percent",
    "hours_confirmed": "hours",
    "hours_planned": "hours",
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
    ("hours_confirmed", gettext_lazy("Hours confirmed")),
    ("needs_published", gettext_lazy("Needs published")),
    ("funds_out", gettext_lazy("Money out (yuan)")),
    ("work_orders", gettext_lazy("Work orders")),
)


def _render_dashboard(request, region, date_from, date_to, *, public: bool):
    categories = list(Category.objects.all())
    category = next((c for c in categories if c.code == request.GET.get("category")), None)
    figures = region_figures(
        region=region, date_from=date_from, date_to=date_to, category=category.code if category else None
    )
    children = figures["children"]
    charts = [
        (str(label), bar_chart(title=str(label), rows=[(c["name"], c[key]) for c in children]))
        for key, label in CHARTED
        if children and any(c[key] is not None for c in children)
    ]
    measures = [(key, str(label)) for key, label in TREEMAP_MEASURES if figures[key] is not None]
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
            ("satisfaction", gettext_lazy("Satisfaction (1–5)"), None),
        )
    ]
    return render(
        request,
        "stats/monthly.html",
        {"region": region, "report": report, "rows": rows, "generated": timezone.localtime()},
    )
