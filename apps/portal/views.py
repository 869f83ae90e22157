from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.templatetags.static import static

from apps.accounts.selectors import memberships_active
from apps.core.workspace import workspace_counts, workspace_links


@login_required
def workspace(request):
    """Per-role dashboard: one card per role, with what the user can do in it and what needs their
    action now, from the cards the apps register. Memberships of one role (an administrator of
    several organizations) share their role's card: its links once, its counts over all of them."""
    by_role: dict[str, list] = {}
    for membership in memberships_active(request.user):
        by_role.setdefault(membership.role, []).append(membership)
    sections = [
        {
            "role": memberships[0].get_role_display(),
            "scopes": [scope for m in memberships if (scope := _scope(m))],
            "links": workspace_links(role=role),
            "counts": workspace_counts(user=request.user, memberships=memberships),
        }
        for role, memberships in by_role.items()
    ]
    return render(request, "portal/workspace.html", {"sections": sections})


def _scope(membership) -> str:
    """What the membership is of (its community, organization, fund, region or unit), by name."""
    scope = membership.community or membership.organization or membership.fund or membership.region or membership.unit
    return str(scope) if scope else ""


def page_not_found(request, exception):
    """The 404 page in the site's chrome and the request's language (``handler404``)."""
    return render(request, "404.html", status=404)


def permission_denied(request, exception):
    """The 403 page in the site's chrome and the request's language (``handler403``)."""
    return render(request, "403.html", status=403)


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links; send them to the SVG icon."""
    return redirect(static("img/favicon.svg"))
