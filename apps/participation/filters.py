import django_filters
from django.db.models import Q

from apps.participation.models import Suggestion
from apps.regions.models import Region
from apps.regions.selectors import within_region


class SuggestionFilter(django_filters.FilterSet):
    community = django_filters.CharFilter(
        method="filter_community", max_length=16, label="community (id or code), or a street or district code"
    )
    status = django_filters.ChoiceFilter(choices=Suggestion.Status.choices)
    category = django_filters.CharFilter(field_name="category__code", max_length=40)

    class Meta:
        model = Suggestion
        fields = ["status"]

    def filter_community(self, queryset, name, value):
        """A community by id or code, or any region by code (its communities' suggestions)."""
        value = value.strip()
        lookup = Q(code=value) | Q(pk=int(value)) if value.isdigit() and len(value) < 10 else Q(code=value)
        region = Region.objects.filter(lookup).only("pk", "path", "level").first()
        if region is None:
            return queryset.none()
        if region.level == Region.Level.COMMUNITY:
            return queryset.filter(community_id=region.pk)
        return queryset.filter(community_id__in=Region.objects.filter(within_region(region)).values("pk"))
