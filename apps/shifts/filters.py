import django_filters

from apps.shifts.models import Shift


class ShiftFilter(django_filters.FilterSet):
    """``from`` and ``to`` (dates): the shifts starting on or after / on or before them."""

    class Meta:
        model = Shift
        fields: list[str] = []


# The query's names are Python keywords, so they are added to the declared filters by name.
ShiftFilter.base_filters["from"] = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__gte")
ShiftFilter.base_filters["to"] = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__lte")
