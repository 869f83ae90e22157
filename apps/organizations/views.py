from django.shortcuts import render
from django.utils import timezone

from apps.core.pages import object_or_404
from apps.organizations.selectors import organization_get_for_user
from apps.projects.models import Project
from apps.projects.selectors import organization_project_figures


def organization_detail(request, pk: int):
    """An organization's public profile: registration, certification badge, public figures."""
    org = object_or_404(organization_get_for_user, user=request.user, pk=pk)
    today = timezone.localdate()
    figures = organization_project_figures(organization=org, date_from=today.replace(month=1, day=1), date_to=today)
    projects = Project.objects.filter(organization=org).select_related("community").order_by("-created_at")[:20]
    return render(
        request, "organizations/organization_detail.html", {"org": org, "figures": figures, "projects": projects}
    )
