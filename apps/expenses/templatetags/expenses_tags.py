"""The project page's budget section: ``{% project_budget_lines project %}``."""

from django import template

from apps.expenses.access import user_sees_expenses
from apps.expenses.selectors import budget_lines_with_totals, budget_totals
from apps.expenses.services import budget_lines_ensure

register = template.Library()


@register.inclusion_tag("expenses/_project_section.html", takes_context=True)
def project_budget_lines(context, project):
    """Per line: budget, claimed, approved, paid and remaining (public totals); the project's
    parties also get the link to the claims."""
    budget_lines_ensure(project=project)
    lines = list(budget_lines_with_totals(project=project))
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "project": project,
        "lines": lines,
        "totals": budget_totals(lines),
        "party": user is not None and user_sees_expenses(user, project),
        "closed": project.status != project.Status.ACTIVE,
    }
