import django_filters
from django.utils.translation import gettext_lazy as _

from apps.bidding import text_index
from apps.bidding.models import Need
from apps.regions.models import Region
from apps.regions.selectors import within_region

ORDERINGS = ("bid_deadline", "-bid_deadline", "-published_at", "budget_max", "-budget_max")


class NeedFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Need.Status.choices)
    category = django_filters.CharFilter(field_name="category__code", max_length=40)
    region = django_filters.CharFilter(method="filter_region", max_length=16)
    budget_min = django_filters.NumberFilter(field_name="budget_max", lookup_expr="gte", min_value=0)
    budget_max = django_filters.NumberFilter(field_name="budget_min", lookup_expr="lte", min_value=0)
    deadline_after = django_filters.IsoDateTimeFilter(field_name="bid_deadline", lookup_expr="gte")
    q = django_filters.CharFilter(method="filter_q", max_length=100)
    ordering = django_filters.OrderingFilter(
        fields=(("bid_deadline", "bid_deadline"), ("published_at", "published_at"), ("budget_max", "budget_max")),
        label=_("ordering"),
    )

    class Meta:
        model = Need
        fields = ["status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the orderings CONTRACT names are offered.
        self.filters["ordering"].extra["choices"] = [(o, o) for o in ORDERINGS]

    def filter_region(self, queryset, name, value):
        """A region at any level: the need's community lies under it (Region.path prefix)."""
        region = Region.objects.filter(code=value).only("path").first()
        if region is None:
            return queryset.none()
        # community_id IN (…), not a join on the path: the count then reads the needs' community index.
        return queryset.filter(community_id__in=Region.objects.filter(within_region(region)).values("pk"))

    def filter_q(self, queryset, name, value):
        """Title or description contains ``value`` (through the gram index: ``text_index``)."""
        return text_index.filter_contains(queryset, value)
