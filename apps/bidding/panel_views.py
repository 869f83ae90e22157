"""Platform staff's pages for review panels: which needs need a panel, and the panel of one need.
The web counterpart of ``PUT/POST needs/{id}/panel/``; the rules stay in ``need_panel_set``."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from apps.accounts.models import Role, User
from apps.accounts.selectors import is_platform_staff, users_with_role
from apps.bidding import services
from apps.bidding.access import need_get_for_user
from apps.bidding.models import Need, PanelReviewer
from apps.core.errors import ApplicationError
from apps.core.forms import IdsChoiceField
from apps.core.pages import object_or_404, show_error

PANEL_STATUSES = (Need.Status.PUBLISHED, Need.Status.EVALUATING)


def _staff_only(request) -> None:
    if not is_platform_staff(request.user):
        raise Http404


def _matches(user: User, q: str) -> bool:
    q = q.casefold()
    return any(q in (value or "").casefold() for value in (user.display_name, user.username, user.email))


class PanelForm(forms.Form):
    reviewers = IdsChoiceField(
        queryset=User.objects.none(),
        required=False,
        label=gettext_lazy("Reviewers"),
        error_messages={"invalid_choice": gettext_lazy("%(value)s is not in the reviewer pool.")},
    )

    def __init__(self, *args, pool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewers"].queryset = pool


def _seat_state(seat: PanelReviewer) -> str:
    if seat.recused:
        return "recused"
    return "declared" if seat.declared_at else "pending"


@login_required
def panel_index_view(request):
    """Needs that can take a panel (open or under evaluation), with how far each panel has got."""
    _staff_only(request)
    needs = (
        Need.objects.filter(status__in=PANEL_STATUSES)
        .select_related("community")
        .annotate(
            panel_size=Count("panel", distinct=True),
            declared=Count("panel", filter=Q(panel__declared_at__isnull=False, panel__recused=False), distinct=True),
            recused=Count("panel", filter=Q(panel__recused=True), distinct=True),
        )
        .order_by("bid_deadline", "pk")
    )
    page = Paginator(needs, 50).get_page(request.GET.get("page"))
    return render(request, "bidding/panel_index.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def need_panel_view(request, pk):
    _staff_only(request)
    need = object_or_404(need_get_for_user, user=request.user, pk=pk)
    seats = list(need.panel.select_related("reviewer").order_by("id"))
    pool = users_with_role(Role.REVIEWER).order_by("display_name", "username")
    pool_users = list(pool)
    q = (request.GET.get("q") or "").strip()[:100]
    current_ids = {s.reviewer_id for s in seats}
    form = PanelForm(request.POST or None, pool=pool)
    changes = None
    if request.method == "POST" and form.is_valid():
        chosen = list(form.cleaned_data["reviewers"])
        chosen_ids = {u.pk for u in chosen}
        if request.POST.get("confirm") == "yes":
            try:
                services.need_panel_set(actor=request.user, need=need, reviewers=chosen)
            except ApplicationError as exc:
                show_error(request, exc, form)
            else:
                messages.success(request, _("The panel is saved. Each reviewer now declares before seeing any bid."))
                return redirect("bidding:need-panel", pk=need.pk)
        else:
            changes = {
                "added": [u for u in pool_users if u.pk in chosen_ids - current_ids],
                "removed": [s.reviewer for s in seats if s.reviewer_id not in chosen_ids],
                "kept": [s.reviewer for s in seats if s.reviewer_id in chosen_ids],
                "ids": sorted(chosen_ids),
            }
    checked = set(form.data.getlist("reviewers")) if form.is_bound else {str(i) for i in current_ids}
    rows = [{"user": u, "checked": str(u.pk) in checked, "hidden": bool(q) and not _matches(u, q)} for u in pool_users]
    return render(
        request,
        "bidding/panel_form.html",
        {
            "need": need,
            "seats": [{"seat": s, "state": _seat_state(s)} for s in seats],
            "rows": rows,
            "shown": sum(1 for r in rows if not r["hidden"]),
            "q": q,
            "form": form,
            "changes": changes,
            "editable": need.status in PANEL_STATUSES,
        },
    )
