import math
from decimal import Decimal

from django.db.models import Q, QuerySet

from apps.regions.models import Region

# How far from the nearest grid or community centre a position may be and still belong to it,
# when no outline contains it: beyond this, the position is outside every community we serve.
NEAREST_CENTRE_MAX_M = 1500
EARTH_RADIUS_M = 6_371_000


def region_list(*, level: str | None = None, parent: str | None = None) -> QuerySet[Region]:
    qs = Region.objects.select_related("parent")
    if level:
        qs = qs.filter(level=level)
    if parent:
        qs = qs.filter(parent__code=parent)
    return qs


def within_region(region: Region, *, via: str = "") -> Q:
    """The one lookup for "in ``region`` or any region inside it" (its path is a prefix): on
    regions themselves, or through the region a row points at, ``via`` a lookup path such as
    ``"community"`` or ``"project__community"``."""
    return Q(**{f"{via}__path__startswith" if via else "path__startswith": region.path})


def distance_m(lat1, lon1, lat2, lon2) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp = p2 - p1
    dl = math.radians(float(lon2) - float(lon1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def _inside(lat: float, lon: float, outline: list) -> bool:
    """Ray casting: whether (lat, lon) lies inside the polygon of [lat, lon] corners."""
    inside = False
    n = len(outline)
    for i in range(n):
        (y1, x1), (y2, x2) = outline[i], outline[(i + 1) % n]
        if (y1 > lat) != (y2 > lat):
            cross = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
            if lon < cross:
                inside = not inside
    return inside


def _valid_outline(outline) -> bool:
    return (
        isinstance(outline, list)
        and len(outline) >= 3
        and all(isinstance(p, list | tuple) and len(p) == 2 for p in outline)
    )


def community_at(*, lat: Decimal, lon: Decimal) -> tuple[Region, Region | None] | None:
    """The community (and grid) a position lies in: the grid whose outline contains it, else the
    nearest grid or community centre within ``NEAREST_CENTRE_MAX_M``; None outside them all."""
    flat, flon = float(lat), float(lon)
    placed = list(
        Region.objects.filter(level__in=("community", "grid"), lat__isnull=False, lon__isnull=False).select_related(
            "parent"
        )
    )
    for region in placed:
        if region.level == "grid" and _valid_outline(region.outline) and _inside(flat, flon, region.outline):
            return region.parent, region
    best, best_d = None, None
    for region in placed:
        d = distance_m(flat, flon, region.lat, region.lon)
        if best_d is None or d < best_d or (d == best_d and region.level == "grid"):
            best, best_d = region, d
    if best is None or best_d > NEAREST_CENTRE_MAX_M:
        return None
    if best.level == "grid":
        return best.parent, best
    return best, None


def communities_centre() -> tuple[float, float]:
    """The middle of the placed communities (where a map opens), else the centre of Chengdu."""
    rows = list(
        Region.objects.filter(level="community", lat__isnull=False, lon__isnull=False).values_list("lat", "lon")
    )
    if not rows:
        return 30.6586, 104.0648
    return sum(float(r[0]) for r in rows) / len(rows), sum(float(r[1]) for r in rows) / len(rows)
