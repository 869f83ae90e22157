from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.pages import object_or_404
from apps.notifications import selectors, services
from apps.notifications.access import notification_get_for_user


@login_required
def notification_list(request):
    unread_only = request.GET.get("show") == "unread"
    qs = selectors.notifications_for_user(request.user, unread_only=unread_only)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {"page_obj": page, "unread_only": unread_only, "unread_count": selectors.unread_count(request.user)},
    )


@login_required
@require_POST
def notification_read(request, pk):
    n = object_or_404(notification_get_for_user, user=request.user, notification_id=pk)
    services.notification_mark_read(notification=n)
    if request.htmx:
        response = render(request, "notifications/_item.html", {"n": n, "just_read": True})
        response["HX-Trigger"] = "notificationsChanged"
        return response
    nxt = request.POST.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return redirect(nxt)
    return redirect("notifications")


@login_required
@require_POST
def notification_read_all(request):
    services.notifications_mark_all_read(user=request.user)
    return redirect("notifications")


@login_required
def notification_preferences(request):
    rows = selectors.preference_table(request.user)
    if request.method == "POST":
        for row in rows:
            k = row["kind"]
            services.notification_preference_set(
                user=request.user,
                kind=k,
                in_app=request.POST.get(f"{k}-in_app") == "on",
                email=request.POST.get(f"{k}-email") == "on",
                digest=request.POST.get(f"{k}-digest") == "on",
            )

        messages.success(request, _("Your notification settings were saved."))
        return redirect("notification-preferences")
    return render(request, "notifications/preferences.html", {"rows": rows})
