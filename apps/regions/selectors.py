from django.db.models import Q, QuerySet

from apps.regions.models import Region


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
