"""Pages: the worker's shifts (sign up, check in and out by typing the code or opening the
scanned QR code's link), the code page a community member shows, the organization's attendance."""

from __future__ import annotations

import datetime as dt

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.models import Role
from apps.accounts.selectors import user_community_ids, user_organization_ids
from apps.core.errors import ApplicationError
from apps.core.exports import export_codes
from apps.core.pages import object_or_404, show_error
from apps.projects.access import project_get_for_user
from apps.shifts import services
from apps.shifts.access import (
    WITNESS_ROLES,
    attendance_get_for_worker,
    shift_attendance_visible,
    shift_get_for_user,
    user_sees_project_shifts,
)
from apps.shifts.exports import attendance_csv, attendance_xlsx
from apps.shifts.forms import CheckInForm, CheckOutForm, ShiftForm
from apps.shifts.models import Attendance
from apps.shifts.selectors import (
    code_payload,
    open_shifts_for_worker,
    project_shift_list,
    shift_attendance,
    shift_attendance_counts,
    shifts_for_witness,
    worker_attendance_list,
    worker_next_attendance,
)
from apps.workers.selectors import worker_for_user


def _worker_or_404(request):
    worker = worker_for_user(request.user)
    if worker is None:
        raise Http404
    return worker


def _my_shifts_page(request, worker, *, form=None, status=200):
    now = timezone.now()
    nxt = worker_next_attendance(worker=worker, now=now)
    if form is None and nxt is not None:
        scanned = request.GET.get("code", "") if request.GET.get("shift") == str(nxt.shift_id) else ""
        form_class = CheckOutForm if nxt.status == Attendance.Status.CHECKED_IN else CheckInForm
        form = form_class(initial={"code": scanned, "content": nxt.shift.content})
    upcoming = worker_attendance_list(worker=worker, since=now).exclude(pk=getattr(nxt, "pk", None))
    past = worker_attendance_list(worker=worker).filter(shift__ends_at__lt=now).order_by("-shift__starts_at")[:20]
    return render(
        request,
        "shifts/mine.html",
        {
            "next": nxt,
            "form": form,
            "upcoming": upcoming,
            "past": past,
            "open_shifts": open_shifts_for_worker(worker=worker, now=now)[:30],
            # The in-page QR scanner needs jsQR from npm (`make install`); without it, the code input.
            "scanner": (settings.JSQR_DIST / "jsQR.js").is_file(),
        },
        status=status,
    )


@login_required
def my_shifts(request):
    """The worker's phone page: the next shift with its check-in (or check-out) form, their other
    shifts, and shifts of their projects to sign up for. The QR code at the place links here with
    ``?shift=&code=``, which fills the code in."""
    return _my_shifts_page(request, _worker_or_404(request))


@login_required
@require_POST
def signup(request, pk):
    worker = _worker_or_404(request)
    shift = object_or_404(shift_get_for_user, user=request.user, pk=pk)
    try:
        if request.POST.get("action") == "cancel":
            attendance = attendance_get_for_worker(worker=worker, shift=shift)
            attendance = services.shift_signup_cancel(actor=request.user, attendance=attendance)
            if attendance.status == Attendance.Status.LATE_CANCELLED:
                messages.warning(request, _("Cancelled late: the organization has been told."))
            else:
                messages.success(request, _("Your sign-up is cancelled."))
        else:
            services.shift_signup(actor=request.user, worker=worker, shift=shift)
            messages.success(request, _("You are signed up for this shift."))
    except ApplicationError as exc:
        show_error(request, exc)
    return redirect("shifts:mine")


@login_required
@require_POST
def check(request, pk):
    """Check in, or check out when already checked in."""
    worker = _worker_or_404(request)
    shift = object_or_404(shift_get_for_user, user=request.user, pk=pk)
    attendance = object_or_404(attendance_get_for_worker, worker=worker, shift=shift)
    checking_out = attendance.status == Attendance.Status.CHECKED_IN
    form = (CheckOutForm if checking_out else CheckInForm)(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if checking_out:
                done = services.shift_check_out(actor=request.user, worker=worker, shift=shift, **data)
                messages.success(
                    request,
                    _("Checked out: %(hours)s hours recorded, waiting for the organization's approval.")
                    % {"hours": done.service_log.hours},
                )
            else:
                done = services.shift_check_in(
                    actor=request.user,
                    worker=worker,
                    shift=shift,
                    code=data["code"],
                    lat=data["lat"],
                    long=data["long"],
                )
                if done.position_verified:
                    messages.success(request, _("Checked in."))
                else:
                    messages.success(request, _("Checked in; position not verified."))
            return redirect("shifts:mine")
        except ApplicationError as exc:
            show_error(request, exc, form)
    return _my_shifts_page(request, worker, form=form, status=400)


def _qr_svg(data: str) -> str:
    # segno writes the SVG itself from our own data: nothing a user typed goes into the markup.
    return mark_safe(segno.make(data, error="m").svg_inline(scale=6, border=2, omitsize=True))  # noqa: S308


def _code_context(request, shift):
    payload = code_payload(user=request.user, shift=shift)
    mine = reverse("shifts:mine")

    def link(token):
        return request.build_absolute_uri(f"{mine}?{urlencode({'shift': shift.pk, 'code': token})}")

    return {
        "shift": shift,
        "payload": payload,
        "qr": _qr_svg(link(payload["code"])),
        "day_qr": _qr_svg(link(payload["day_code"])),
        "poll_seconds": max(5, min(15, payload["rotates_every_seconds"] // 4)),
        "role_label": Role(payload["witness_role"]).label,
    }


def _code_or_403(request, pk):
    shift = object_or_404(shift_get_for_user, user=request.user, pk=pk)
    try:
        return _code_context(request, shift)
    except ApplicationError as exc:
        raise DjangoPermissionDenied(exc.message) from None


@login_required
def code_page(request, pk):
    """The community member's page: a large QR code that turns every ``checkin_code_seconds``
    (htmx reloads the code part), its six characters, and, printed, a poster with the day's code."""
    return render(request, "shifts/code.html", _code_or_403(request, pk))


@login_required
def code_live(request, pk):
    return render(request, "shifts/code_live.html", _code_or_403(request, pk))


@login_required
def attendance(request, pk):
    """A shift's attendance for its organization and community: counts, each worker, downloads."""
    shift = object_or_404(shift_get_for_user, user=request.user, pk=pk)
    if not shift_attendance_visible(request.user, shift):
        raise Http404
    rows = shift_attendance(shift=shift)
    download = request.GET.get("format")
    filename = f"shift-{shift.pk}-attendance"
    if download == "csv":
        return attendance_csv(rows, codes=export_codes(request), filename=f"{filename}.csv")
    if download == "xlsx":
        return attendance_xlsx(rows, codes=export_codes(request), filename=f"{filename}.xlsx")
    return render(
        request,
        "shifts/attendance.html",
        {
            "shift": shift,
            "rows": rows,
            "counts": shift_attendance_counts(shift=shift),
            "can_show_code": shift.project.community_id in user_community_ids(request.user, roles=WITNESS_ROLES),
        },
    )


@login_required
def witness_today(request):
    """Today's shifts in the communities a community member or grid worker serves, to show codes."""
    communities = user_community_ids(request.user, roles=WITNESS_ROLES)
    if not communities:
        raise Http404
    day = timezone.localdate()
    return render(
        request, "shifts/today.html", {"shifts": shifts_for_witness(community_ids=communities, day=day), "day": day}
    )


@login_required
def project_shifts(request, pk):
    """A project's shifts for its parties; its organization's administrator opens new ones here."""
    project = object_or_404(project_get_for_user, user=request.user, pk=pk)
    if not user_sees_project_shifts(request.user, project):
        raise Http404
    is_admin = project.organization_id in user_organization_ids(request.user, roles=(Role.ORG_ADMIN,))
    form = None
    status = 200
    if is_admin:
        form = ShiftForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.shift_create(
                    actor=request.user,
                    project=project,
                    starts_at=timezone.make_aware(dt.datetime.combine(data["date"], data["start_time"])),
                    ends_at=timezone.make_aware(dt.datetime.combine(data["date"], data["end_time"])),
                    place=data["place"],
                    capacity=data["capacity"],
                    min_worker_level=data["min_worker_level"],
                    content=data["content"],
                )
            except ApplicationError as exc:
                show_error(request, exc, form)
                status = 400
            else:
                messages.success(request, _("The shift is open for sign-up."))
                return redirect("shifts:project-shifts", pk=project.pk)
        elif request.method == "POST":
            status = 400
    today = timezone.localdate()
    shifts = project_shift_list(project=project, filters={"from": today - dt.timedelta(days=14)})
    return render(
        request, "shifts/project_shifts.html", {"project": project, "shifts": shifts, "form": form}, status=status
    )
