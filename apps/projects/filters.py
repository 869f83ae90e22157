import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from apps.core.filters import IdFilter
from apps.core.ids import parse_id
from apps.projects.models import Milestone, Project, ServiceLog


class ProjectFilter(django_filters.FilterSet):
    organization = IdFilter(field_name="organization_id")
    community = django_filters.CharFilter(method="filter_community", max_length=40)
    status = django_filters.ChoiceFilter(choices=Project.Status.choices)

    class Meta:
        model = Project
        fields = ["organization", "community", "status"]

    def filter_community(self, queryset, name, value):
        """A community by its code (as everywhere in the API) or by its id."""
        pk = parse_id(value) if len(value) < 12 else None  # a region code is 12 digits
        if pk:
            return queryset.filter(community_id=pk)
        return queryset.filter(community__code=value)


class ServiceLogFilter(django_filters.FilterSet):
    worker = IdFilter(field_name="worker_id")
    project = IdFilter(field_name="project_id")
    status = django_filters.ChoiceFilter(choices=ServiceLog.Status.choices)
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("from"))
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("until"))
    organization = IdFilter(field_name="project__organization_id")
    community = IdFilter(field_name="project__community_id")

    class Meta:
        model = ServiceLog
        fields = ["worker", "project", "status", "date_from", "date_to", "organization", "community"]


class CommunityProjectFilter(django_filters.FilterSet):
    """The community staff's list of their projects: by status, or only those with a milestone
    report awaiting acceptance."""

    status = django_filters.ChoiceFilter(choices=Project.Status.choices, label=_("status"), empty_label=_("any status"))
    milestones = django_filters.ChoiceFilter(
        choices=[(Milestone.Status.SUBMITTED, _("with a milestone awaiting acceptance"))],
        method="filter_milestones",
        label=_("milestones"),
        empty_label=_("any milestones"),
    )

    class Meta:
        model = Project
        fields = ["status", "milestones"]

    def filter_milestones(self, queryset, name, value):
        return queryset.filter(Exists(Milestone.objects.filter(project=OuterRef("pk"), status=value)))
