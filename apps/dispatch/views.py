"""Pages: report form, dispatch console, unit inbox, order timeline, grid view, monthly results."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.models import Role
from apps.accounts.selectors import is_platform_staff, user_community_ids, user_officer_regions, user_unit_ids
from apps.core.errors import ApplicationError
from apps.core.pages import object_or_404, show_error
from apps.core.uploads import private_file_response
from apps.dispatch import access, services
from apps.dispatch.forms import CoReplyForm, DispatchForm, RateForm, ReplyForm, WorkOrderReportForm
from apps.dispatch.models import DispatchCategory, WorkOrder
from apps.dispatch.selectors import unit_monthly_results, units_serving, work_order_list, work_order_map_points
from apps.regions.models import Region


def _get_order(request, pk) -> WorkOrder:
    return object_or_404(access.work_order_get_for_user, user=request.user, pk=pk)


@login_required
def work_order_new(request):
    communities = list(Region.objects.filter(pk__in=user_community_ids(request.user, roles=access.REPORTER_ROLES)))
    if not communities:
        raise DjangoPermissionDenied
    duplicates = []
    form = WorkOrderReportForm(request.POST or None, request.FILES or None, communities=communities)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            order = services.work_order_report(reporter=request.user, **data)
        except services.DuplicateSuspected as exc:
            duplicates = exc.candidates
        except ApplicationError as exc:
            show_error(request, exc, form)
        else:
            messages.success(request, _("Reported as work order #%(id)s.") % {"id": order.pk})
            return redirect("dispatch:work-order-detail", pk=order.pk)
    return render(request, "dispatch/work_order_new.html", {"form": form, "duplicates": duplicates})


def _can_use_console(user) -> bool:
    """Officers dispatch from it; a community's staff and grid workers follow their own orders there."""
    return (
        is_platform_staff(user)
        or bool(user_officer_regions(user))
        or bool(user_community_ids(user, roles=access.REPORTER_ROLES))
    )


def _filters(request):
    params = request.GET
    state = params.get("status") or None
    if state not in WorkOrder.Status.values:
        state = None
    overdue = {"1": True, "0": False}.get(params.get("overdue", ""))
    return state, overdue


@login_required
def dispatch_console(request):
    """Queue for the street and district: deadlines, filters, assignment of called orders."""
    if not _can_use_console(request.user):
        raise DjangoPermissionDenied
    state, overdue = _filters(request)
    orders = list(work_order_list(user=request.user, status=state, overdue=overdue)[:200])
    now = timezone.now()
    rows = []
    for order in orders:
        form = None
        if order.status == WorkOrder.Status.CALLED and access.can_dispatch(request.user, order):
            form = DispatchForm(units=units_serving(order.community), prefix=f"o{order.pk}")
        rows.append({"order": order, "form": form, "timer": _timer(order, now)})
    return render(
        request,
        "dispatch/console.html",
        {
            "rows": rows,
            "statuses": WorkOrder.Status.choices,
            "status": state,
            "overdue": overdue,
            "map_configured": bool(settings.MAP_TILE_URL),
        },
    )


def _timer(order: WorkOrder, now: dt.datetime) -> dict | None:
    """The next deadline the order is running against, and how far off (negative: late)."""
    if order.status == WorkOrder.Status.DISPATCHED and order.respond_by:
        deadline, label = order.respond_by, _("respond")
        if now > order.respond_by:
            deadline, label = order.resolve_by, _("resolve")
    elif order.status == WorkOrder.Status.ACCEPTED and order.resolve_by:
        deadline, label = order.resolve_by, _("resolve")
    else:
        return None
    seconds = int((deadline - now).total_seconds())
    return {
        "deadline": deadline,
        "label": label,
        "late": seconds < 0,
        "minutes": abs(seconds) // 60,
    }


@login_required
def unit_inbox(request):
    if not user_unit_ids(request.user) and not is_platform_staff(request.user):
        raise DjangoPermissionDenied
    state, overdue = _filters(request)
    mine = user_unit_ids(request.user)
    orders = work_order_list(user=request.user, status=state, overdue=overdue)
    if mine:
        co_handled = WorkOrder.co_units.through.objects.filter(unit__in=mine).values("workorder_id")
        orders = orders.filter(Q(lead_unit__in=mine) | Q(pk__in=co_handled))
    orders = orders.exclude(status=WorkOrder.Status.CLOSED) if state is None else orders
    now = timezone.now()
    rows = [{"order": o, "timer": _timer(o, now), "lead": o.lead_unit_id in mine} for o in orders[:200]]
    return render(
        request,
        "dispatch/inbox.html",
        {
            "rows": rows,
            "statuses": WorkOrder.Status.choices,
            "status": state,
            "overdue": overdue,
            "map_configured": bool(settings.MAP_TILE_URL),
        },
    )


@login_required
def work_order_detail(request, pk):
    order = _get_order(request, pk)
    user = request.user
    status = order.status
    S = WorkOrder.Status
    context = {
        "order": order,
        "events": order.events.select_related("actor", "unit"),
        "co_replies": order.co_replies.select_related("unit"),
        "photos": order.photos.all(),
        "show_contact": access.can_see_reporter_contact(user, order),
        "timer": _timer(order, timezone.now()),
        "can_call": status == S.REPORTED and access.is_community_staff_of(user, order),
        "dispatch_form": DispatchForm(units=units_serving(order.community))
        if status == S.CALLED and access.can_dispatch(user, order)
        else None,
        "can_accept": status == S.DISPATCHED and access.is_lead_unit_staff(user, order),
        "reply_form": ReplyForm()
        if status in (S.DISPATCHED, S.ACCEPTED) and access.is_lead_unit_staff(user, order)
        else None,
        "co_reply_form": CoReplyForm()
        if status in (S.DISPATCHED, S.ACCEPTED, S.HANDLED) and access.co_unit_of(user, order)
        else None,
        "rate_form": RateForm() if status == S.HANDLED and access.is_community_staff_of(user, order) else None,
    }
    return render(request, "dispatch/work_order_detail.html", context)


@login_required
@require_POST
def work_order_action(request, pk, action):
    forms_for = {"dispatch": None, "reply": ReplyForm, "co-reply": CoReplyForm, "rate": RateForm}
    order = _get_order(request, pk)
    try:
        if action == "call":
            services.work_order_call(actor=request.user, order=order)
        elif action == "accept":
            services.work_order_accept(actor=request.user, order=order)
        elif action == "dispatch":
            prefix = request.POST.get("prefix") or None
            form = DispatchForm(request.POST, units=units_serving(order.community), prefix=prefix)
            if not form.is_valid():
                raise services.ValidationFailed(field_errors=form.errors)
            services.work_order_dispatch(actor=request.user, order=order, **form.cleaned_data)
        elif action in forms_for:
            form = forms_for[action](request.POST)
            if not form.is_valid():
                raise services.ValidationFailed(field_errors=form.errors)
            service = {
                "reply": services.work_order_reply,
                "co-reply": services.work_order_co_reply,
                "rate": services.work_order_rate,
            }[action]
            service(actor=request.user, order=order, **form.cleaned_data)
        else:
            raise Http404
    except ApplicationError as exc:
        show_error(request, exc)
    else:
        messages.success(request, _("Done."))
    back = request.POST.get("next", "")
    if back in ("console", "inbox"):
        return redirect(f"dispatch:{back}")
    return redirect("dispatch:work-order-detail", pk=pk)


@login_required
def work_order_photo(request, pk, photo_id):
    order = _get_order(request, pk)
    photo = order.photos.filter(pk=photo_id).first()
    if photo is None:
        raise Http404
    response = private_file_response(photo.file)
    response["Content-Type"] = photo.mime
    response["Content-Disposition"] = response["Content-Disposition"].replace("attachment", "inline")
    return response


@login_required
def grid_view(request):
    """Open orders counted per grid and category: a table, not a map (no tile server is assumed)."""
    return render(request, "dispatch/grid.html", _grid_context(request))


@login_required
def map_view(request):
    """Open orders on a map from the configured tile server; the grid view when none is configured."""
    if not settings.MAP_TILE_URL:
        return render(request, "dispatch/grid.html", _grid_context(request))
    points = work_order_map_points(user=request.user)
    return render(
        request,
        "dispatch/map.html",
        {
            "tile_url": settings.MAP_TILE_URL,
            "tile_host": urlsplit(settings.MAP_TILE_URL).netloc,
            "points": points,
            "placed": [p for p in points if p["lat"] is not None and p["lon"] is not None],
        },
    )


def _grid_context(request) -> dict:
    visible = access.work_orders_visible(request.user).open()
    counts = visible.values("grid__code", "grid__name", "community__name", "category__code").annotate(n=Count("id"))
    categories = list(DispatchCategory.objects.filter(active=True))
    table: dict = {}
    for row in counts:
        key = row["grid__code"] or ""
        entry = table.setdefault(
            key,
            {
                "code": key,
                "name": row["grid__name"] or _("(no grid)"),
                "community": row["community__name"],
                "cells": {},
            },
        )
        entry["cells"][row["category__code"]] = row["n"]
    rows = []
    for entry in sorted(table.values(), key=lambda e: e["code"]):
        entry["values"] = [entry["cells"].get(c.code, 0) for c in categories]
        entry["total"] = sum(entry["values"])
        rows.append(entry)
    return {"rows": rows, "categories": categories, "map_configured": bool(settings.MAP_TILE_URL)}


def _parse_month(value: str | None) -> tuple[int, int]:
    today = timezone.localdate()
    try:
        year, month = (int(x) for x in (value or "").split("-"))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return year, month
    except ValueError:
        pass
    return today.year, today.month


@login_required
def monthly_results(request):
    """On-time rate, reopen rate and average rating per lead unit for one month."""
    user = request.user
    if is_platform_staff(user):
        region = None
    else:
        regions = user_officer_regions(user)
        if not regions and not user_unit_ids(user):
            raise DjangoPermissionDenied
        region = regions[0] if regions else None
    year, month = _parse_month(request.GET.get("month"))
    units = None
    if region is None and not is_platform_staff(user):
        units = list(user_unit_ids(user))
    results = unit_monthly_results(year=year, month=month, region=region, units=units)
    return render(
        request,
        "dispatch/monthly.html",
        {"results": results, "month": f"{year:04d}-{month:02d}", "region": region, "Role": Role},
    )
