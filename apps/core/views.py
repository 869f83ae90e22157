from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from apps.accounts.selectors import memberships_active
from apps.core.workspace import ROLE_ACTIONS, workspace_counts


@login_required
def workspace(request):
    """Per-role dashboard: each membership with what the user can do in it."""
    sections = [
        {
            "membership": m,
            "actions": ROLE_ACTIONS.get(m.role, []),
            "counts": workspace_counts(user=request.user, membership=m),
        }
        for m in memberships_active(request.user)
    ]
    return render(request, "core/workspace.html", {"sections": sections})
