import django_filters
from django.db.models import Q

from apps.organizations.models import Organization


class OrganizationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", max_length=100)
    legal_form = django_filters.ChoiceFilter(choices=Organization.LegalForm.choices)
    status = django_filters.ChoiceFilter(choices=Organization.Status.choices)
    region = django_filters.CharFilter(method="filter_region", max_length=12)

    class Meta:
        model = Organization
        fields = ["legal_form", "status"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(description__icontains=value))

    def filter_region(self, queryset, name, value):
        return queryset.filter(region__path__contains=f"{value}/")
