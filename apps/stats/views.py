import datetime as dt

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Role
from apps.accounts.selectors import is_platform_staff, memberships_active
from apps.core.errors import NotFound
from apps.regions.models import Region
from apps.stats.charts import bar_chart
from apps.stats.selectors import region_figures, stats_region_get_for_user

CHARTED = (
    ("needs_published", "Needs published"),
    ("needs_awarded", "Needs awarded"),
    ("hours_confirmed", "Hours confirmed"),
    ("funds_in", "Money in (yuan)"),
    ("work_orders", "Work orders"),
)


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


def _render_dashboard(request, region, date_from, date_to, *, public: bool):
    figures = region_figures(region=region, date_from=date_from, date_to=date_to)
    charts = [
        bar_chart(title=_(label), rows=[(c["name"], c[key]) for c in figures["children"]])
        for key, label in CHARTED
        if figures["children"]
    ]
    return render(
        request,
        "stats/dashboard.html",
        {
            "region": region,
            "figures": figures,
            "charts": list(zip([_(label) for _key, label in CHARTED], charts, strict=False)),
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
