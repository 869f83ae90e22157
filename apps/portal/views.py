from django.contrib.auth.decorators import login_required
from django.shortcuts import render

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
