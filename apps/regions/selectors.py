from django.db.models import QuerySet

from apps.core.errors import NotFound
from apps.regions.models import Region


def region_list(*, level: str | None = None, parent: str | None = None) -> QuerySet[Region]:
    qs = Region.objects.select_related("parent")
    if level:
        qs = qs.filter(level=level)
    if parent:
        qs = qs.filter(parent__code=parent)
    return qs


def region_get(*, code: str) -> Region:
    try:
        return Region.objects.get(code=code)
    except Region.DoesNotExist:
        raise NotFound("No such region.") from None


def regions_within(region: Region) -> QuerySet[Region]:
    return Region.objects.filter(path__startswith=region.path)
