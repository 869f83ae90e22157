import django_filters
from django.db.models import Q

from apps.certification.models import Application, Certificate
from apps.core.filters import IdFilter
from apps.organizations.models import Organization


class ApplicationFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Application.Status.choices)
    organization = IdFilter(field_name="organization_id")
    q = django_filters.CharFilter(field_name="organization__name", lookup_expr="icontains", max_length=100)

    class Meta:
        model = Application
        fields = ["status", "organization"]


class RegistryFilter(django_filters.FilterSet):
    district = django_filters.CharFilter(method="filter_district", max_length=16)
    legal_form = django_filters.ChoiceFilter(
        field_name="organization__legal_form", choices=Organization.LegalForm.choices
    )
    status = django_filters.ChoiceFilter(choices=Certificate.Status.choices)
    q = django_filters.CharFilter(method="filter_q", max_length=100)

    class Meta:
        model = Certificate
        fields = ["status"]

    def filter_district(self, queryset, name, value):
        return queryset.filter(organization__region__path__contains=f"{value}/")

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(organization__name__icontains=value) | Q(certificate_no__iexact=value))
