"""Pages of resident reports: the report form and the public list (with the map), the public
tracking page ``/r/<tracking_no>/`` (join, rate), the photo, one-click unsubscribe, and the
community's triage page."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from apps.accounts.adapter import client_ip
from apps.accounts.selectors import user_community_ids
from apps.core.errors import ApplicationError
from apps.core.pages import object_or_404, show_error
from apps.core.selectors import policy_current
from apps.core.uploads import private_file_response
from apps.dispatch import access, services
from apps.dispatch.forms import ReportJoinForm, ReportRateForm, ReportRejectForm, ResidentReportForm
from apps.dispatch.models import ResidentReport
from apps.dispatch.report_mail import rate_token_valid, unsubscribe_follower_id
from apps.dispatch.selectors import (
    report_duplicates,
    report_joined_count,
    report_map_points,
    report_public,
    report_public_replies,
    report_rate_open,
    reports_of_reporter,
    reports_public,
)
from apps.regions.selectors import communities_centre


def _map_context(points) -> dict:
    if not settings.MAP_TILE_URL:
        return {"tile_url": "", "map_points": []}
    lat, lon = communities_centre()
    return {"tile_url": settings.MAP_TILE_URL, "map_points": points, "map_center": (f"{lat:.6f}", f"{lon:.6f}")}


def report_new(request):
    """Anyone reports a problem. Open reports of the same kind nearby are offered first
    ("我也遇到"); the reporter may still send theirs."""
    form = ResidentReportForm(request.POST or None, request.FILES or None)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        lat, lon = form.position()
        if not data["confirm_new"] and lat is not None:
            duplicates = report_duplicates(
                category=data["category"], lat=lat, lon=lon, radius_m=policy_current().duplicate_radius_m
            )
        if not duplicates:
            try:
                report, _dups = services.report_submit(
                    category=data["category"],
                    description=data["description"],
                    lat=lat,
                    lon=lon,
                    photos=data["photos"],
                    email=data["email"],
                    name=data["name"],
                    user=request.user,
                    client_address=client_ip(request),
                    language=(get_language() or "zh-hans"),
                )
            except ApplicationError as exc:
                if "lat" in exc.field_errors:
                    exc.field_errors["grid"] = exc.field_errors.pop("lat")
                show_error(request, exc, form)
            else:
                messages.success(
                    request,
                    _("Thank you. Your report's tracking number is %(no)s: keep it to follow the report.")
                    % {"no": report.tracking_no},
                )
                return redirect("dispatch:report-track", tracking_no=report.tracking_no)
        else:
            form.data = form.data.copy()
            form.data["confirm_new"] = "on"
    points = report_map_points(reports_public(open_only=True)[:300])
    return render(
        request,
        "dispatch/report_new.html",
        {"form": form, "duplicates": duplicates, "join_form": ReportJoinForm(), **_map_context(points)},
    )


def report_list(request):
    """The public list of resident reports, open ones on the map."""
    state = request.GET.get("status") or None
    if state not in ResidentReport.Status.values:
        state = None
    mine = request.GET.get("mine") == "1" and request.user.is_authenticated
    qs = reports_public(status=state, open_only=state is None and not mine)
    if mine:
        qs = qs.filter(pk__in=reports_of_reporter(user=request.user).values("pk"))
    reports = list(qs[:200])
    points = report_map_points([r for r in reports if r.is_open])
    return render(
        request,
        "dispatch/report_list.html",
        {
            "reports": reports,
            "status": state,
            "mine": mine,
            "statuses": ResidentReport.Status.choices,
            **_map_context(points),
        },
    )


def report_track(request, tracking_no):
    report = object_or_404(access.report_get_public, tracking_no=tracking_no)
    token = request.GET.get("t", "")
    rate_form = None
    if token and rate_token_valid(report, token) and report_rate_open(report):
        rate_form = ReportRateForm(initial={"token": token})
    public = report_public(report)
    return render(
        request,
        "dispatch/report_track.html",
        {
            "report": report,
            "public": public,
            "replies": report_public_replies(report),
            "joined_count": report_joined_count(report),
            "join_form": ReportJoinForm() if report.is_open else None,
            "rate_form": rate_form,
            "can_triage": access.can_triage(request.user, report) if request.user.is_authenticated else False,
            **_map_context(report_map_points([report])),
        },
    )


@require_POST
def report_join(request, tracking_no):
    report = object_or_404(access.report_get_public, tracking_no=tracking_no)
    form = ReportJoinForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a valid e-mail address, or leave it empty."))
    else:
        try:
            services.report_join(
                report=report,
                email=form.cleaned_data["email"],
                client_address=client_ip(request),
                language=get_language() or "zh-hans",
            )
        except ApplicationError as exc:
            show_error(request, exc)
        else:
            messages.success(request, _("Thank you: you were added to this report."))
    return redirect("dispatch:report-track", tracking_no=report.tracking_no)


@require_POST
def report_rate(request, tracking_no):
    report = object_or_404(access.report_get_public, tracking_no=tracking_no)
    form = ReportRateForm(request.POST)
    token = request.POST.get("token", "")
    if form.is_valid():
        try:
            services.report_rate(report=report, **form.cleaned_data)
        except ApplicationError as exc:
            show_error(request, exc)
        else:
            messages.success(request, _("Thank you for your rating."))
            return redirect("dispatch:report-track", tracking_no=report.tracking_no)
    else:
        messages.error(request, _("Choose a rating from 1 to 5."))
    return redirect(f"{report.get_absolute_url()}?t={token}#rate")


def report_photo(request, tracking_no, photo_id):
    """A report's photo (public, as the report; its metadata was removed on upload)."""
    report = object_or_404(access.report_get_public, tracking_no=tracking_no)
    photo = report.photos.filter(pk=photo_id).first()
    if photo is None:
        raise Http404
    response = private_file_response(photo.file)
    response["Content-Type"] = photo.mime
    response["Content-Disposition"] = response["Content-Disposition"].replace("attachment", "inline")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@csrf_exempt  # one-click unsubscribe (RFC 8058) posts from the mail client, with the signed token only
def report_unsubscribe(request, token):
    follower_id = unsubscribe_follower_id(token)
    follower = services.report_unsubscribe(follower_id=follower_id) if follower_id else None
    if follower is None:
        raise Http404
    return render(request, "dispatch/report_unsubscribed.html", {"report": follower.report})


@login_required
def report_triage(request):
    """The community's grid workers and staff take new reports up or reject them (phone first)."""
    user = request.user
    if not user_community_ids(user, roles=access.REPORTER_ROLES):
        raise DjangoPermissionDenied
    state = request.GET.get("status") or ResidentReport.Status.SUBMITTED
    if state not in ResidentReport.Status.values:
        state = ResidentReport.Status.SUBMITTED
    reports = list(access.reports_triage_visible(user).filter(status=state).prefetch_related("photos")[:100])
    radius = policy_current().duplicate_radius_m
    rows = [
        {
            "report": r,
            "duplicates": report_duplicates(
                category=r.category, lat=r.lat, lon=r.lon, radius_m=radius, exclude_pk=r.pk
            ),
            "reject_form": ReportRejectForm(prefix=r.tracking_no),
        }
        for r in reports
    ]
    return render(
        request,
        "dispatch/report_triage.html",
        {"rows": rows, "status": state, "statuses": ResidentReport.Status.choices},
    )


@login_required
@require_POST
def report_triage_action(request, tracking_no, action):
    report = object_or_404(access.report_get_public, tracking_no=tracking_no)
    try:
        if action == "accept":
            services.report_accept(actor=request.user, report=report)
            messages.success(
                request,
                _("Report %(no)s taken up as work order #%(id)s.")
                % {"no": report.tracking_no, "id": report.work_order_id},
            )
        elif action == "reject":
            form = ReportRejectForm(request.POST, prefix=report.tracking_no)
            if not form.is_valid():
                raise services.ValidationFailed(field_errors=form.errors)
            services.report_reject(actor=request.user, report=report, reason=form.cleaned_data["reason"])
            messages.success(request, _("Report %(no)s was not taken up.") % {"no": report.tracking_no})
        else:
            raise Http404
    except ApplicationError as exc:
        show_error(request, exc)
    return redirect("dispatch:report-triage")
