"""Writes of the dispatch app: one service per transition of a work order."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from apps.accounts.models import Role
from apps.accounts.selectors import users_with_role
from apps.core.errors import ApplicationError, PermissionDenied, StateConflict, ValidationFailed
from apps.core.selectors import policy_current
from apps.core.uploads import validate_upload
from apps.dispatch import access
from apps.dispatch.models import (
    DispatchCategory,
    ReportFollower,
    ResidentReport,
    ResidentReportPhoto,
    Unit,
    WorkOrder,
    WorkOrderCoReply,
    WorkOrderEvent,
    WorkOrderPhoto,
)
from apps.dispatch.report_mail import rate_token_valid, report_follow_order, report_mail_followers
from apps.dispatch.selectors import (
    report_duplicates,
    report_rate_limited,
    report_rate_open,
    units_serving,
    work_order_duplicates,
)
from apps.notifications.services import notify
from apps.regions.selectors import community_at

MAX_PHOTOS = 6
S = WorkOrder.Status


class DuplicateSuspected(StateConflict):
    """Open orders of the same category on the same grid were reported in the last 7 days."""

    def __init__(self, candidates: Sequence[WorkOrder]):
        super().__init__(
            _("Possibly a duplicate of an open work order; resend with confirm_not_duplicate=true to report anyway.")
        )
        self.candidates = list(candidates)


def _event(order, kind, *, actor=None, unit=None, from_status="", note="", data=None) -> WorkOrderEvent:
    event = WorkOrderEvent.objects.create(
        order=order,
        kind=kind,
        actor=actor,
        unit=unit,
        from_status=from_status,
        to_status=order.status,
        note=note,
        data=data or {},
    )
    if order.source == WorkOrder.Source.RESIDENT and from_status:
        report_follow_order(order=order, event=event)
    if order.reporter_id and order.reporter_id != getattr(actor, "pk", None) and from_status:
        # The reporter follows every change of what they reported (not their own actions).
        _notify(
            [order.reporter],
            order=order,
            kind="dispatch_reporter",
            title=_("Your report #%(id)s: %(status)s") % {"id": order.pk, "status": order.get_status_display()},
        )
    return event


def _notify(users, *, order: WorkOrder, title: str, body: str = "", kind: str = "dispatch") -> None:
    if users:
        notify(users=users, kind=kind, title=title, body=body, url=order.get_absolute_url())


def _lock(order: WorkOrder) -> WorkOrder:
    """Lock the order's row until the transaction ends and read it afresh, in place: two
    transitions of one order at once (two officers dispatching, a reply and a rating) run one after
    the other, the second judged on the state the first left."""
    order.refresh_from_db(
        from_queryset=WorkOrder.objects.select_for_update(of=("self",)).select_related(
            "community", "community__parent", "grid", "category", "lead_unit"
        )
    )
    return order


def _require_state(order: WorkOrder, *allowed: str) -> None:
    if order.status not in allowed:
        raise StateConflict(
            _("This work order is %(status)s; that is not possible now.") % {"status": order.get_status_display()}
        )


@transaction.atomic
def work_order_report(
    *,
    reporter,
    community,
    category: DispatchCategory,
    description: str,
    grid=None,
    address: str = "",
    lat=None,
    lon=None,
    photos: Iterable = (),
    reporter_phone: str | None = None,
    reporter_email: str | None = None,
    confirm_not_duplicate: bool = False,
    source: str = WorkOrder.Source.WEB,
    now: dt.datetime | None = None,
) -> WorkOrder:
    """A community's staff or grid worker reports a problem → ``reported``."""
    if community.level != "community":
        raise ValidationFailed(field_errors={"community": [_("Not a community.")]})
    if not access.can_report_in(reporter, community):
        raise PermissionDenied(_("Only this community's staff and grid workers report its problems."))
    if grid is not None and (grid.level != "grid" or grid.parent_id != community.pk):
        raise ValidationFailed(field_errors={"grid": [_("This grid is not in the community.")]})
    if not description.strip() or len(description) > 2000:
        raise ValidationFailed(field_errors={"description": [_("Describe the problem in at most 2000 characters.")]})
    if not category.active:
        raise ValidationFailed(field_errors={"category": [_("This category is no longer used.")]})
    photos = list(photos)
    if len(photos) > MAX_PHOTOS:
        raise ValidationFailed(field_errors={"photos": [_("At most %(n)d photos.") % {"n": MAX_PHOTOS}]})
    mimes = []
    for photo in photos:
        try:
            mimes.append(validate_upload(photo, kinds=("image",)))
        except ValidationError as exc:
            raise ValidationFailed(field_errors={"photos": exc.messages}) from None
    if not confirm_not_duplicate:
        candidates = list(work_order_duplicates(grid=grid, category=category, now=now)[:5])
        if candidates:
            raise DuplicateSuspected(candidates)
    order = WorkOrder(
        community=community,
        grid=grid,
        category=category,
        description=description,
        address=address,
        lat=lat,
        lon=lon,
        reporter=reporter,
        reporter_phone=reporter.phone if reporter_phone is None else reporter_phone,
        reporter_email=reporter.email if reporter_email is None else reporter_email,
        source=source,
        status=S.REPORTED,
    )
    try:
        order.full_clean()
    except ValidationError as exc:
        raise ValidationFailed(field_errors=exc.message_dict) from None
    order.save()
    for photo, mime in zip(photos, mimes, strict=True):
        WorkOrderPhoto.objects.create(order=order, file=photo, mime=mime, uploaded_by=reporter)
    _event(order, WorkOrderEvent.Kind.REPORTED, actor=reporter, data={"source": source})
    return order


@transaction.atomic
def work_order_call(*, actor, order: WorkOrder) -> WorkOrder:
    """The community calls the street (街道呼叫) → ``called``."""
    _lock(order)
    if not access.is_community_staff_of(actor, order):
        raise PermissionDenied(_("Only the community's staff call the street."))
    _require_state(order, S.REPORTED)
    order.status = S.CALLED
    order.save(update_fields=["status", "updated_at"])
    _event(order, WorkOrderEvent.Kind.CALLED, actor=actor, from_status=S.REPORTED)
    street = order.community.parent
    _notify(
        users_with_role(Role.STREET_OFFICER, region=street),
        order=order,
        title=_("%(community)s calls the street: %(category)s")
        % {"community": order.community.name, "category": order.category.name},
    )
    return order


@transaction.atomic
def work_order_dispatch(
    *,
    actor,
    order: WorkOrder,
    lead_unit: Unit,
    co_units: Sequence[Unit] = (),
    note: str = "",
    now: dt.datetime | None = None,
) -> WorkOrder:
    """Central dispatch (集中派单) names a lead unit and co-handlers → ``dispatched``, with the
    deadlines of the order's category counted from now."""
    _lock(order)
    if not access.can_dispatch(actor, order):
        raise PermissionDenied(_("Only the street or district in charge dispatches this order."))
    _require_state(order, S.CALLED)
    serving = set(units_serving(order.community).values_list("pk", flat=True))
    if lead_unit.pk not in serving:
        raise ValidationFailed(field_errors={"lead_unit": [_("This unit does not serve the order's area.")]})
    co_units = list(dict.fromkeys(co_units))
    if any(u.pk == lead_unit.pk for u in co_units):
        raise ValidationFailed(field_errors={"co_units": [_("The lead unit cannot also be a co-handler.")]})
    if any(u.pk not in serving for u in co_units):
        raise ValidationFailed(field_errors={"co_units": [_("A co-handler does not serve the order's area.")]})
    now = now or timezone.now()
    order.status = S.DISPATCHED
    order.lead_unit = lead_unit
    order.dispatch_note = note
    order.dispatched_at = now
    order.respond_by = now + dt.timedelta(hours=order.category.respond_hours)
    order.resolve_by = now + dt.timedelta(hours=order.category.resolve_hours)
    order.save()
    order.co_units.set(co_units)
    _event(
        order,
        WorkOrderEvent.Kind.DISPATCHED,
        actor=actor,
        unit=lead_unit,
        from_status=S.CALLED,
        note=note,
        data={"lead_unit": lead_unit.code, "co_units": [u.code for u in co_units]},
    )
    title = _("Work order #%(id)s dispatched to you: %(category)s") % {"id": order.pk, "category": order.category.name}
    _notify(users_with_role(Role.UNIT_STAFF, unit=[lead_unit, *co_units]), order=order, title=title)
    return order


@transaction.atomic
def work_order_accept(*, actor, order: WorkOrder, now: dt.datetime | None = None) -> WorkOrder:
    """The lead unit takes the order on → ``accepted``."""
    _lock(order)
    if not access.is_lead_unit_staff(actor, order):
        raise PermissionDenied(_("Only the lead unit accepts the order."))
    _require_state(order, S.DISPATCHED)
    order.status = S.ACCEPTED
    order.accepted_at = now or timezone.now()
    order.save(update_fields=["status", "accepted_at", "updated_at"])
    _event(order, WorkOrderEvent.Kind.ACCEPTED, actor=actor, unit=order.lead_unit, from_status=S.DISPATCHED)
    return order


@transaction.atomic
def work_order_reply(
    *,
    actor,
    order: WorkOrder,
    action: str,
    contacted: str = "",
    accepted_at: dt.datetime | None = None,
    completion_by: dt.date | None = None,
    now: dt.datetime | None = None,
) -> WorkOrder:
    """The lead unit replies (accepted when, who was contacted, what was done, by when) → ``handled``."""
    _lock(order)
    if not access.is_lead_unit_staff(actor, order):
        raise PermissionDenied(_("Only the lead unit replies."))
    _require_state(order, S.DISPATCHED, S.ACCEPTED)
    now = now or timezone.now()
    accepted_at = accepted_at or order.accepted_at or now
    if accepted_at > now:
        raise ValidationFailed(field_errors={"accepted_at": [_("This is in the future.")]})
    if order.dispatched_at and accepted_at < order.dispatched_at:
        raise ValidationFailed(field_errors={"accepted_at": [_("This is before the order was dispatched.")]})
    if not action.strip():
        raise ValidationFailed(field_errors={"action": [_("Say what was done.")]})
    from_status = order.status
    order.status = S.HANDLED
    order.accepted_at = accepted_at
    order.contacted = contacted
    order.action = action
    order.completion_by = completion_by
    order.handled_at = now
    order.save()
    _event(
        order,
        WorkOrderEvent.Kind.HANDLED,
        actor=actor,
        unit=order.lead_unit,
        from_status=from_status,
        note=action,
        data={
            "accepted_at": accepted_at.isoformat(),
            "contacted": contacted,
            "completion_by": completion_by.isoformat() if completion_by else None,
        },
    )
    _notify(
        users_with_role(Role.COMMUNITY_STAFF, community=order.community),
        order=order,
        title=_("Work order #%(id)s was handled; please rate the result") % {"id": order.pk},
    )
    return order


@transaction.atomic
def work_order_co_reply(*, actor, order: WorkOrder, action: str) -> WorkOrderCoReply:
    """A co-handling unit says what it did (协同整治); the status does not change."""
    _lock(order)
    unit = access.co_unit_of(actor, order)
    if unit is None:
        raise PermissionDenied(_("Only a co-handling unit of this order replies here."))
    _require_state(order, S.DISPATCHED, S.ACCEPTED, S.HANDLED)
    if not action.strip():
        raise ValidationFailed(field_errors={"action": [_("Say what was done.")]})
    reply = WorkOrderCoReply.objects.create(order=order, unit=unit, author=actor, action=action)
    _event(order, WorkOrderEvent.Kind.CO_REPLIED, actor=actor, unit=unit, from_status=order.status, note=action)
    return reply


@transaction.atomic
def work_order_rate(
    *,
    actor,
    order: WorkOrder,
    rating: int,
    resolved: bool,
    comment: str = "",
    now: dt.datetime | None = None,
) -> WorkOrder:
    """The community rates the result: resolved → ``closed``; not resolved → back to
    ``dispatched`` with new deadlines, reopened_count + 1 and escalation cleared."""
    _lock(order)
    if not access.is_community_staff_of(actor, order):
        raise PermissionDenied(_("Only the community's staff rate the result."))
    _require_state(order, S.HANDLED)
    return _rate_apply(order=order, actor=actor, rating=rating, resolved=resolved, comment=comment, now=now)


def _rate_apply(*, order: WorkOrder, actor, rating, resolved: bool, comment: str, now=None) -> WorkOrder:
    """A rating of a handled (or, by its reporter, a closed) order, on its locked row: resolved →
    ``closed``; not resolved → ``dispatched`` again with new deadlines and reopened_count + 1."""
    if not (isinstance(rating, int) and 1 <= rating <= 5):
        raise ValidationFailed(field_errors={"rating": [_("A whole number from 1 to 5.")]})
    now = now or timezone.now()
    from_status = order.status
    order.rating = rating
    order.resolved = resolved
    order.rating_comment = comment
    data = {"rating": rating, "resolved": resolved}
    if resolved:
        order.status = S.CLOSED
        order.closed_at = now
        order.save()
        _event(order, WorkOrderEvent.Kind.CLOSED, actor=actor, from_status=from_status, note=comment, data=data)
        return order
    order.status = S.DISPATCHED
    order.reopened_count += 1
    order.escalation_level = WorkOrder.Escalation.NONE
    order.dispatched_at = now
    order.respond_by = now + dt.timedelta(hours=order.category.respond_hours)
    order.resolve_by = now + dt.timedelta(hours=order.category.resolve_hours)
    order.accepted_at = None
    order.handled_at = None
    order.closed_at = None
    order.save()
    _event(order, WorkOrderEvent.Kind.REOPENED, actor=actor, from_status=from_status, note=comment, data=data)
    _notify(
        users_with_role(Role.UNIT_STAFF, unit=order.lead_unit),
        order=order,
        title=_("Work order #%(id)s reopened: the community says it is not resolved") % {"id": order.pk},
        body=comment,
    )
    return order


def escalation_target(order: WorkOrder, now: dt.datetime) -> int:
    """The level an order should have at ``now``: 1 (street head) once overdue — respond_by passed
    without acceptance or resolve_by passed without a reply; 2 (district) once resolve_by has
    passed by a further respond window of its category without a reply. Deadlines are met at
    the instant itself; only strictly later is overdue."""
    if order.status not in (S.DISPATCHED, S.ACCEPTED) or order.resolve_by is None:
        return WorkOrder.Escalation.NONE
    if now > order.resolve_by + dt.timedelta(hours=order.category.respond_hours):
        return WorkOrder.Escalation.DISTRICT
    if order.is_overdue(now):
        return WorkOrder.Escalation.STREET
    return WorkOrder.Escalation.NONE


@transaction.atomic
def work_order_escalate(*, order: WorkOrder, now: dt.datetime | None = None) -> int:
    """Raise ``escalation_level`` to what is due, each level once, notifying that level. Never
    changes the status. Returns how many levels were raised."""
    now = now or timezone.now()
    target = escalation_target(order, now)
    raised = 0
    level = order.escalation_level
    while level < target:
        new_level = level + 1
        # Conditional update: two runs at once raise each level exactly once.
        if not WorkOrder.objects.filter(pk=order.pk, escalation_level=level).update(escalation_level=new_level):
            break
        order.escalation_level = new_level
        _event(order, WorkOrderEvent.Kind.ESCALATED, from_status=order.status, data={"level": new_level})
        if new_level == WorkOrder.Escalation.STREET:
            users = users_with_role(Role.STREET_OFFICER, region=order.community.parent)
        else:
            users = users_with_role(Role.DISTRICT_OFFICER, region=order.community.ancestor("district"))
        _notify(
            users,
            order=order,
            kind="dispatch_escalation",
            title=_("Overdue work order #%(id)s (%(category)s, lead unit %(unit)s)")
            % {"id": order.pk, "category": order.category.name, "unit": order.lead_unit},
        )
        level = new_level
        raised += 1
    return raised


# --- resident reports (社区发现 by residents) ------------------------------------------------

REPORT_MAX_PHOTOS = 3
REPORT_MAX_DESCRIPTION = 2000
LOW_RATING = 2  # a reporter's rating of 1 or 2 says "not resolved": the order is reopened
REPORT_IMAGE_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP", "image/gif": "PNG"}


class TooManyReports(ApplicationError):
    """Rate limit per client address and per e-mail (HTTP 429)."""

    status_code = 429


def _clean_photo(upload) -> tuple[ContentFile, str]:
    """The photo re-encoded without its metadata (EXIF carries the exact GPS position and the
    camera owner), after the content check: (file, mime)."""
    try:
        mime = validate_upload(upload, kinds=("image",))
    except ValidationError as exc:
        raise ValidationFailed(field_errors={"photos": exc.messages}) from None
    fmt = REPORT_IMAGE_FORMATS.get(mime)
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image = ImageOps.exif_transpose(image)
            if fmt == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            if image.width * image.height > 40_000_000:
                raise ValueError("too large")
            image.thumbnail((2400, 2400))
            out = io.BytesIO()
            image.save(out, format=fmt or "JPEG")
    except (OSError, ValueError, Image.DecompressionBombError):
        raise ValidationFailed(
            field_errors={"photos": [_("This photo cannot be read; send a JPEG, PNG or WebP picture.")]}
        ) from None
    if fmt is None:
        mime = "image/jpeg"
    elif fmt == "PNG":
        mime = "image/png"
    ext = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}[mime]
    return ContentFile(out.getvalue(), name=f"photo.{ext}"), mime


def _report_validate(*, category, description: str, lat, lon, photos: list) -> None:
    errors: dict[str, list[str]] = {}
    if not description.strip():
        errors["description"] = [_("Describe the problem.")]
    elif len(description) > REPORT_MAX_DESCRIPTION:
        errors["description"] = [
            _("Describe the problem in at most %(n)d characters (this has %(len)d).")
            % {"n": REPORT_MAX_DESCRIPTION, "len": len(description)}
        ]
    if category is None or not category.active:
        errors["category"] = [_("Choose what kind of problem it is.")]
    if lat is None or lon is None:
        errors["lat"] = [_("Mark where the problem is on the map, or choose a grid.")]
    if len(photos) > REPORT_MAX_PHOTOS:
        errors["photos"] = [_("At most %(n)d photos.") % {"n": REPORT_MAX_PHOTOS}]
    if errors:
        raise ValidationFailed(field_errors=errors)


@transaction.atomic
def report_submit(
    *,
    category: DispatchCategory | None,
    description: str,
    lat,
    lon,
    photos: Iterable = (),
    email: str = "",
    name: str = "",
    user=None,
    client_address: str | None = None,
    language: str = "zh-hans",
    source: str = "web",
    now: dt.datetime | None = None,
) -> tuple[ResidentReport, list[dict]]:
    """Anyone reports a problem with up to three photos: the community is found from the
    position; returns the report and the open reports of the same category nearby (duplicates,
    ``[{report, distance_m}]``). Refused (429) beyond the hourly limit per client or e-mail."""
    photos = list(photos)
    description = description or ""
    email = (email or "").strip().lower()
    _report_validate(category=category, description=description, lat=lat, lon=lon, photos=photos)
    now = now or timezone.now()
    since = now - dt.timedelta(hours=1)
    if report_rate_limited(
        client_address=client_address,
        email=email,
        since=since,
        per_client=settings.RESIDENT_REPORTS_PER_HOUR,
        per_email=settings.RESIDENT_REPORTS_PER_EMAIL_PER_HOUR,
    ):
        raise TooManyReports(_("Too many reports from here in the last hour: please try again later."))
    placed = community_at(lat=lat, lon=lon)
    if placed is None:
        raise ValidationFailed(
            field_errors={"lat": [_("This position is outside every community we serve: check the place on the map.")]}
        )
    community, grid = placed
    cleaned = [_clean_photo(p) for p in photos]
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    report = ResidentReport(
        community=community,
        grid=grid,
        category=category,
        description=description,
        lat=lat,
        lon=lon,
        name=(name or "").strip()[:60],
        email=email,
        language=language[:10],
        reporter=user,
        client_address=client_address,
        source=source[:10],
    )
    try:
        report.full_clean(exclude=["tracking_no"])
    except ValidationError as exc:
        raise ValidationFailed(field_errors=exc.message_dict) from None
    report.save()
    for content, mime in cleaned:
        ResidentReportPhoto.objects.create(report=report, file=content, mime=mime)
    if email:
        ReportFollower.objects.create(report=report, email=email, language=report.language, joined=False)
    duplicates = report_duplicates(
        category=category,
        lat=report.lat,
        lon=report.lon,
        radius_m=policy_current().duplicate_radius_m,
        exclude_pk=report.pk,
    )
    title = _("New resident report %(no)s: %(category)s") % {"no": report.tracking_no, "category": category.name}
    notify(
        users=users_with_role(list(access.REPORTER_ROLES), community=community),
        kind="dispatch_resident_report",
        title=title,
        url=reverse("dispatch:report-triage"),
    )
    return report, duplicates


@transaction.atomic
def report_join(
    *,
    report: ResidentReport,
    email: str = "",
    client_address: str | None = None,
    language: str = "zh-hans",
    now: dt.datetime | None = None,
) -> ReportFollower:
    """ "我也遇到": someone who met the same problem joins the report, and follows it by e-mail
    when they leave one. One e-mail joins once."""
    email = (email or "").strip().lower()
    if not report.is_open:
        raise StateConflict(_("This report is closed; report the problem anew if it is back."))
    now = now or timezone.now()
    if report_rate_limited(
        client_address=client_address,
        email=email,
        since=now - dt.timedelta(hours=1),
        per_client=settings.RESIDENT_REPORTS_PER_HOUR,
        per_email=settings.RESIDENT_REPORTS_PER_EMAIL_PER_HOUR,
    ):
        raise TooManyReports(_("Too many reports from here in the last hour: please try again later."))
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationFailed(field_errors={"email": [_("Enter a valid e-mail address.")]}) from None
        if report.followers.filter(email=email).exists():
            raise StateConflict(_("This e-mail already follows the report."))
    return ReportFollower.objects.create(
        report=report, email=email, language=language[:10], joined=True, client_address=client_address
    )


def _lock_report(report: ResidentReport) -> ResidentReport:
    report.refresh_from_db(
        from_queryset=ResidentReport.objects.select_for_update(of=("self",)).select_related(
            "community", "grid", "category"
        )
    )
    return report


@transaction.atomic
def report_accept(*, actor, report: ResidentReport) -> ResidentReport:
    """The community's grid worker or staff takes the report up: a ``reported`` work order with
    ``source=resident``, the report's photos attached; the chain 街道呼叫 → 集中派单 → 协同整治
    follows it."""
    _lock_report(report)
    if not access.can_triage(actor, report):
        raise PermissionDenied(_("Only this community's grid workers and staff review its reports."))
    if report.status != ResidentReport.Status.SUBMITTED:
        raise StateConflict(_("This report is already %(status)s.") % {"status": report.get_status_display()})
    order = work_order_report(
        reporter=actor,
        community=report.community,
        grid=report.grid,
        category=report.category,
        description=report.description,
        address="",
        lat=report.lat,
        lon=report.lon,
        reporter_phone="",
        reporter_email="",
        confirm_not_duplicate=True,
        source=WorkOrder.Source.RESIDENT,
    )
    for photo in report.photos.all():
        WorkOrderPhoto.objects.create(order=order, file=photo.file.name, mime=photo.mime, uploaded_by=actor)
    report.work_order = order
    report.status = ResidentReport.Status.ACCEPTED
    report.triaged_by = actor
    report.triaged_at = timezone.now()
    report.save()
    report_mail_followers(report=report, what="accepted")
    return report


@transaction.atomic
def report_reject(*, actor, report: ResidentReport, reason: str) -> ResidentReport:
    """Not taken up, with a public reason (a duplicate, not the community's to handle…)."""
    _lock_report(report)
    if not access.can_triage(actor, report):
        raise PermissionDenied(_("Only this community's grid workers and staff review its reports."))
    if report.status != ResidentReport.Status.SUBMITTED:
        raise StateConflict(_("This report is already %(status)s.") % {"status": report.get_status_display()})
    reason = (reason or "").strip()
    if len(reason) < 4 or len(reason) > 500:
        raise ValidationFailed(field_errors={"reason": [_("Give the reporter a reason (4 to 500 characters).")]})
    report.status = ResidentReport.Status.REJECTED
    report.reject_reason = reason
    report.triaged_by = actor
    report.triaged_at = timezone.now()
    report.save()
    report_mail_followers(report=report, what="rejected")
    return report


@transaction.atomic
def report_rate(
    *, report: ResidentReport, token: str, rating: int, comment: str = "", now: dt.datetime | None = None
) -> ResidentReport:
    """The reporter rates the result 1–5 with the signed link of their mail (or the tracking
    page's): on a handled order this is the rating the community would give — 3 and above close
    it, 1 or 2 reopen it; on a closed order a low rating reopens it too."""
    _lock_report(report)
    if not rate_token_valid(report, token):
        raise PermissionDenied(_("This rating link is not valid or has expired; use the link in your latest mail."))
    if not (isinstance(rating, int) and 1 <= rating <= 5):
        raise ValidationFailed(field_errors={"rating": [_("A whole number from 1 to 5.")]})
    if report.work_order_id is None:
        raise StateConflict(_("The report can be rated once it has been handled."))
    order = _lock(report.work_order)
    report.work_order = order
    if not report_rate_open(report):
        if report.rated_at is not None:
            raise StateConflict(_("You already rated this result."))
        raise StateConflict(_("The report can be rated once it has been handled."))
    now = now or timezone.now()
    comment = (comment or "")[:500]
    resolved = rating > LOW_RATING
    if order.status == WorkOrder.Status.HANDLED or not resolved:
        _rate_apply(order=order, actor=None, rating=rating, resolved=resolved, comment=comment, now=now)
    report.refresh_from_db(fields=["status"])
    report.rating = rating
    report.rating_comment = comment
    report.rated_at = now
    report.save(update_fields=["rating", "rating_comment", "rated_at", "updated_at"])
    return report


@transaction.atomic
def report_unsubscribe(*, follower_id: int) -> ReportFollower | None:
    follower = ReportFollower.objects.filter(pk=follower_id).select_related("report").first()
    if follower is not None and follower.unsubscribed_at is None:
        follower.unsubscribed_at = timezone.now()
        follower.save(update_fields=["unsubscribed_at"])
    return follower
