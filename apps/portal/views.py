from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _

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


def admin_sign_in(request):
    """The CMS admin's and the Django admin's sign-in: allauth's form, which asks enrolled users
    for their one-time code. A user who is signed in already and still sent here lacks access to
    that admin: they get a page that says so (403), not the form, which would send them straight
    back to the admin, and the admin here again (a redirect loop)."""
    if request.user.is_authenticated:
        message = _(
            "Your account may not open this administration area. If you need it, ask the platform's "
            "administrator to give you access."
        )
        return render(request, "403.html", {"message": message}, status=403)
    query = request.META.get("QUERY_STRING", "")
    return redirect(reverse("account_login") + (f"?{query}" if query else ""))


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links; send them to the SVG icon."""
    return redirect(static("img/favicon.svg"))
