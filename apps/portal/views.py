from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.templatetags.static import static

from apps.accounts.selectors import memberships_active
from apps.core.workspace import workspace_counts, workspace_links


@login_required
def workspace(request):
    """Per-role dashboard: each membership with what the user can do in it and what needs their
    action now, from the cards the apps register."""
    sections = [
        {
            "membership": m,
            "links": workspace_links(membership=m),
            "counts": workspace_counts(user=request.user, membership=m),
        }
        for m in memberships_active(request.user)
    ]
    return render(request, "portal/workspace.html", {"sections": sections})


def page_not_found(request, exception):
    """The 404 page in the site's chrome and the request's language (``handler404``)."""
    return render(request, "404.html", status=404)


def permission_denied(request, exception):
    """The 403 page in the site's chrome and the request's language (``handler403``)."""
    return render(request, "403.html", status=403)


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links; send them to the SVG icon."""
    return redirect(static("img/favicon.svg"))
