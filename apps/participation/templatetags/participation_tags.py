"""The residents' rating of a service, shown on the project's page (``{% resident_ratings project %}``):
the page belongs to projects, which does not import participation; the template asks for it."""

from django import template

from apps.participation.forms import ResidentRatingForm
from apps.participation.selectors import milestones_rateable_by, project_suggestion, resident_rating_summary

register = template.Library()


@register.inclusion_tag("participation/_resident_ratings.html", takes_context=True)
def resident_ratings(context, project):
    user = context["request"].user
    suggestion = project_suggestion(project=project)
    return {
        "project": project,
        "suggestion": suggestion,
        "summary": resident_rating_summary(project=project),
        "rateable": [
            {"milestone": m, "form": ResidentRatingForm(prefix=f"r{m.pk}")}
            for m in milestones_rateable_by(user=user, project=project)
        ],
        "csrf_token": context.get("csrf_token"),
    }
