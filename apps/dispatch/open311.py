"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) over the dispatch work orders.

- Every resource is served as ``.json`` and ``.xml``; errors are Open311 error lists
  (``[{"code", "description"}]`` / ``<errors><error>…``) with the same HTTP status.
- ``POST requests.{fmt}`` needs ``api_key``: an API token (the key of ``POST /api/v1/auth/token/``
  or ``create_account --print-token``) of an account that may report: community staff or a grid
  worker. The work order goes to the community named by ``attribute[community]`` (a community
  code) or ``attribute[grid]`` (a grid code); without either, to the one community the account
  reports for. We keep no community outlines or centroids, so ``lat``/``long`` are stored with
  the order but do not choose the community.
- Without ``api_key``, when policy ``open311_anonymous_posts`` is on, a POST is a resident report
  (as ``POST /api/v1/reports/``: ``lat``/``long`` required and choose the community, up to three
  ``media`` files, ``email``, ``first_name``/``last_name``), answered with its tracking number as
  ``service_request_id`` and ``token``; rate-limited per client address and e-mail.
- Resident reports are listed among the requests with their tracking number as
  ``service_request_id`` and ``media_url`` of their first photo (the work order a report became is
  shown as the report, once).
- Reading requests needs no key, as in GeoReport v2, and shows every order in its public form
  only (``selectors.work_order_public``, the rule ``GET /api/v1/work-orders/`` follows for
  non-parties too; README, "What is public"): never the reporter, phone or e-mail, the street
  address (``address`` is the community and grid) or exact coordinates (rounded to 0.001°), nor
  photos.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from apps.accounts.adapter import client_ip
from apps.accounts.selectors import api_token_user, user_community_ids
from apps.core.errors import ApplicationError
from apps.core.ids import parse_id
from apps.core.selectors import policy_current
from apps.dispatch.access import REPORTER_ROLES, work_orders_public
from apps.dispatch.models import DispatchCategory, ResidentReport, WorkOrder
from apps.dispatch.selectors import report_public, reports_public, work_order_duplicates, work_order_public
from apps.dispatch.services import report_submit, work_order_report
from apps.regions.models import Region

SPEC = "http://wiki.open311.org/GeoReport_v2"
FORMATS = ("json", "xml")
MAX_RESULTS = 1000
DEFAULT_WINDOW = dt.timedelta(days=90)


class Open311Error(Exception):
    def __init__(self, code: int, description: str):
        super().__init__(description)
        self.code = code
        self.description = description


# --- rendering ---------------------------------------------------------------------------------


def _xml_value(parent: ET.Element, tag: str, value) -> None:
    node = ET.SubElement(parent, tag)
    if isinstance(value, list):
        item_tag = {"attributes": "attribute", "values": "value", "endpoints": "endpoint", "formats": "format"}.get(
            tag, "item"
        )
        for item in value:
            _xml_value(node, item_tag, item)
    elif isinstance(value, dict):
        for key, sub in value.items():
            _xml_value(node, key, sub)
    elif isinstance(value, bool):
        node.text = "true" if value else "false"
    elif value is not None:
        node.text = str(value)


def render(data, fmt: str, *, root: str, item: str | None = None, status: int = 200) -> HttpResponse:
    if fmt == "json":
        return JsonResponse(data, safe=False, status=status, json_dumps_params={"ensure_ascii": False})
    top = ET.Element(root)
    if item is None:
        for key, value in data.items():
            _xml_value(top, key, value)
    else:
        for row in data:
            _xml_value(top, item, row)
    body = b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(top, encoding="utf-8", xml_declaration=False)
    return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")


def render_error(code: int, description: str, fmt: str) -> HttpResponse:
    return render([{"code": code, "description": description}], fmt, root="errors", item="error", status=code)


def open311_view(methods=("GET",)):
    """Wrap a view(request, fmt, **kwargs): checks the format, maps errors to error lists."""

    def decorate(view):
        @csrf_exempt
        @require_http_methods(list(methods))
        def wrapped(request, fmt, **kwargs):
            if fmt not in FORMATS:
                return render_error(404, "Unknown format; use .json or .xml.", "json")
            try:
                return view(request, fmt, **kwargs)
            except Open311Error as exc:
                return render_error(exc.code, exc.description, fmt)
            except ApplicationError as exc:
                messages = [f"{field}: {' '.join(msgs)}" for field, msgs in exc.field_errors.items()]
                return render_error(exc.status_code, "; ".join(messages) or exc.message, fmt)

        wrapped.__name__ = view.__name__
        return wrapped

    return decorate


def _service(category: DispatchCategory) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": f"{category.name_en or category.name}; respond within {category.respond_hours} h, "
        f"resolve within {category.resolve_hours} h",
        "metadata": True,
        "type": "realtime",
        "keywords": category.severity,
        "group": category.get_severity_display(),
    }


def _request(order: WorkOrder) -> dict:
    public = work_order_public(order)
    return {
        "service_request_id": str(public["id"]),
        "status": "closed" if public["status"] == WorkOrder.Status.CLOSED else "open",
        "status_notes": public["status_display"],
        "service_name": public["category_name"],
        "service_code": public["category"],
        "description": public["description"],
        "agency_responsible": public["lead_unit_name"],
        "service_notice": "",
        "requested_datetime": public["created_at"],
        "updated_datetime": public["updated_at"],
        "expected_datetime": public["resolve_by"],
        "address": " ".join(part for part in (public["community_name"], public["grid_name"]) if part),
        "address_id": "",
        "zipcode": "",
        "lat": public["lat"] or "",
        "long": public["lon"] or "",
        "media_url": "",
    }


def _report_request(report: ResidentReport, request) -> dict:
    public = report_public(report)
    closed = public["status"] in (ResidentReport.Status.CLOSED, ResidentReport.Status.REJECTED)
    order = report.work_order
    return {
        "service_request_id": public["tracking_no"],
        "status": "closed" if closed else "open",
        "status_notes": public["reject_reason"] or public["status_display"],
        "service_name": report.category.name,
        "service_code": public["category"],
        "description": public["description"],
        "agency_responsible": order.lead_unit.name if order is not None and order.lead_unit_id else "",
        "service_notice": "",
        "requested_datetime": public["created_at"],
        "updated_datetime": public["updated_at"],
        "expected_datetime": work_order_public(order)["resolve_by"] if order is not None else None,
        "address": " ".join(part for part in (public["community_name"], public["grid_name"]) if part),
        "address_id": "",
        "zipcode": "",
        "lat": public["lat"],
        "long": public["long"],
        "media_url": request.build_absolute_uri(public["photos"][0]) if public["photos"] else "",
    }


# --- views -------------------------------------------------------------------------------------


@open311_view()
def discovery(request, fmt):
    base = request.build_absolute_uri("/open311/v2/")
    data = {
        "changeset": "2026-11-27T00:00:00+08:00",
        "contact": "Sanshe dispatch desk",
        "key_service": "API tokens are issued by platform staff (create_account --print-token)",
        "endpoints": [
            {
                "specification": SPEC,
                "url": base,
                "changeset": "2026-11-27T00:00:00+08:00",
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }
    return render(data, fmt, root="discovery")


@open311_view()
def services(request, fmt):
    rows = [_service(c) for c in DispatchCategory.objects.filter(active=True)]
    return render(rows, fmt, root="services", item="service")


@open311_view()
def service_definition(request, fmt, code):
    category = DispatchCategory.objects.filter(code=code[:40], active=True).first()
    if category is None:
        raise Open311Error(404, f"Unknown service_code: {code[:40]}")
    attributes = [
        {
            "variable": True,
            "code": "community",
            "datatype": "string",
            "required": False,
            "datatype_description": "12-digit community code",
            "order": 1,
            "description": "Community (社区) the problem is in; needed when the account reports for several.",
        },
        {
            "variable": True,
            "code": "grid",
            "datatype": "string",
            "required": False,
            "datatype_description": "grid code: the community code, a hyphen and a number",
            "order": 2,
            "description": "Grid (网格) the problem is on.",
        },
    ]
    return render({"service_code": category.code, "attributes": attributes}, fmt, root="service_definition")


def _account_for(api_key: str):
    if not api_key:
        raise Open311Error(403, "api_key is required to post a request.")
    user = api_token_user(api_key)
    if user is None:
        raise Open311Error(403, "Invalid api_key.")
    return user


def _decimal(value: str, name: str, low: int, high: int) -> Decimal | None:
    if not value:
        return None
    try:
        number = Decimal(value).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        raise Open311Error(400, f"{name} must be a number.") from None
    if not number.is_finite() or not (low <= number <= high):
        raise Open311Error(400, f"{name} must be between {low} and {high}.")
    return number


def _post_resident_report(request, fmt):
    """A report from anyone, without api_key, when policy ``open311_anonymous_posts`` is on."""
    params = request.POST
    code = params.get("service_code", "")[:40]
    category = DispatchCategory.objects.filter(code=code, active=True).first() if code else None
    if category is None:
        raise Open311Error(400, f"Unknown or missing service_code: {code}")
    lat = _decimal(params.get("lat", ""), "lat", -90, 90)
    lon = _decimal(params.get("long", ""), "long", -180, 180)
    if lat is None or lon is None:
        raise Open311Error(400, "lat and long are required to post without an api_key.")
    email = params.get("email", "")[:254]
    if email:
        try:
            validate_email(email)
        except DjangoValidationError:
            raise Open311Error(400, "email is not a valid e-mail address.") from None
    name = " ".join(p for p in (params.get("first_name", ""), params.get("last_name", "")) if p).strip()
    report, duplicates = report_submit(
        category=category,
        description=params.get("description", ""),
        lat=lat,
        lon=lon,
        photos=request.FILES.getlist("media"),
        email=email,
        name=name[:60],
        client_address=client_ip(request),
        language="zh-hans",
        source="open311",
    )
    notice = ""
    if duplicates:
        notice = "Possibly a duplicate of open request(s) " + ", ".join(d["report"].tracking_no for d in duplicates)
    rows = [
        {
            "service_request_id": report.tracking_no,
            "token": report.tracking_no,
            "service_notice": notice,
            "account_id": "",
        }
    ]
    return render(rows, fmt, root="service_requests", item="request", status=201)


def _post_request(request, fmt):
    params = request.POST
    if not params.get("api_key", "") and policy_current().open311_anonymous_posts:
        return _post_resident_report(request, fmt)
    user = _account_for(params.get("api_key", ""))
    communities = user_community_ids(user, roles=REPORTER_ROLES)
    if not communities:
        raise Open311Error(403, "This api_key's account may not report problems.")
    code = params.get("service_code", "")[:40]
    category = DispatchCategory.objects.filter(code=code, active=True).first() if code else None
    if category is None:
        raise Open311Error(400, f"Unknown or missing service_code: {code}")
    grid = None
    grid_code = params.get("attribute[grid]", "")[:20]
    if grid_code:
        grid = Region.objects.filter(code=grid_code, level="grid").select_related("parent").first()
        if grid is None:
            raise Open311Error(400, f"Unknown grid: {grid_code}")
    community_code = params.get("attribute[community]", "")[:20]
    if community_code:
        community = Region.objects.filter(code=community_code, level="community").first()
        if community is None:
            raise Open311Error(400, f"Unknown community: {community_code}")
    elif grid is not None:
        community = grid.parent
    elif len(communities) == 1:
        community = Region.objects.get(pk=next(iter(communities)))
    else:
        raise Open311Error(400, "attribute[community] is required: this account reports for several communities.")
    lat = _decimal(params.get("lat", ""), "lat", -90, 90)
    lon = _decimal(params.get("long", ""), "long", -180, 180)
    address = params.get("address_string", "")
    description = params.get("description", "")
    if not description.strip():
        raise Open311Error(400, "description is required.")
    if lat is None and not address.strip():
        raise Open311Error(400, "A location is required: lat and long, or address_string.")
    duplicates = list(work_order_duplicates(grid=grid, category=category)[:3]) if grid is not None else []
    order = work_order_report(
        reporter=user,
        community=community,
        grid=grid,
        category=category,
        description=description,
        address=address,
        lat=lat,
        lon=lon,
        reporter_phone=params.get("phone", "")[:20] or None,
        reporter_email=params.get("email", "") or None,
        confirm_not_duplicate=True,
        source=WorkOrder.Source.OPEN311,
    )
    notice = ""
    if duplicates:
        notice = "Possibly a duplicate of open request(s) " + ", ".join(str(d.pk) for d in duplicates)
    rows = [{"service_request_id": str(order.pk), "token": str(order.pk), "service_notice": notice, "account_id": ""}]
    return render(rows, fmt, root="service_requests", item="request", status=201)


@open311_view(methods=("GET", "POST"))
def requests_(request, fmt):
    if request.method == "POST":
        return _post_request(request, fmt)
    params = request.GET
    # Orders a resident report became are shown as the report (its tracking number).
    qs = work_orders_public().filter(resident_report__isnull=True)
    reports = reports_public()
    ids = params.get("service_request_id", "")
    if ids:
        parts = [x.strip() for x in ids.split(",")[:MAX_RESULTS] if x.strip()]
        numbers = [x.upper() for x in parts if x[:1] in "Rr"]
        wanted = [parse_id(x) for x in parts if x[:1] not in "Rr"]
        if None in wanted:
            raise Open311Error(400, "service_request_id must be comma-separated ids or tracking numbers.")
        qs = qs.filter(pk__in=wanted)
        reports = reports.filter(tracking_no__in=numbers)
    else:
        codes = [c for c in params.get("service_code", "").split(",") if c]
        if codes:
            qs = qs.filter(category__code__in=codes[:50])
        end = _parse_when(params.get("end_date"), "end_date") or timezone.now()
        start = _parse_when(params.get("start_date"), "start_date") or end - DEFAULT_WINDOW
        if end - start > DEFAULT_WINDOW:
            raise Open311Error(400, "start_date to end_date may span at most 90 days.")
        qs = qs.filter(created_at__gte=start, created_at__lte=end)
        statuses = {s for s in params.get("status", "").split(",") if s}
        if statuses - {"open", "closed"}:
            raise Open311Error(400, "status is open or closed.")
        reports = reports.filter(created_at__gte=start, created_at__lte=end)
        if codes:
            reports = reports.filter(category__code__in=codes[:50])
        closed_reports = [ResidentReport.Status.CLOSED, ResidentReport.Status.REJECTED]
        if statuses == {"open"}:
            qs = qs.exclude(status=WorkOrder.Status.CLOSED)
            reports = reports.exclude(status__in=closed_reports)
        elif statuses == {"closed"}:
            qs = qs.filter(status=WorkOrder.Status.CLOSED)
            reports = reports.filter(status__in=closed_reports)
    merged = [(o.created_at, o.pk, _request(o)) for o in qs.order_by("-created_at", "-id")[:MAX_RESULTS]]
    merged += [
        (r.created_at, r.pk, _report_request(r, request))
        for r in reports.select_related("work_order__lead_unit").order_by("-created_at", "-id")[:MAX_RESULTS]
    ]
    merged.sort(key=lambda row: (row[0], row[1]), reverse=True)
    rows = [row for _at, _pk, row in merged[:MAX_RESULTS]]
    return render(rows, fmt, root="service_requests", item="request")


def _parse_when(value: str | None, name: str):
    if not value:
        return None
    parsed = parse_datetime(value.replace("Z", "+00:00")) if len(value) <= 40 else None
    if parsed is None:
        raise Open311Error(400, f"{name} must be a W3C datetime such as 2026-01-01T00:00:00Z.")
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


@open311_view()
def request_detail(request, fmt, pk):
    if pk[:1] in "Rr":
        report = reports_public().select_related("work_order__lead_unit").filter(tracking_no=pk[:12].upper()).first()
        if report is None:
            raise Open311Error(404, f"No service request {pk[:12]}.")
        return render([_report_request(report, request)], fmt, root="service_requests", item="request")
    order = work_orders_public().filter(pk=parse_id(pk) or 0).first()
    if order is None:
        raise Open311Error(404, f"No service request {pk}.")
    return render([_request(order)], fmt, root="service_requests", item="request")


@open311_view()
def token_detail(request, fmt, token):
    if token[:1] in "Rr":
        report = ResidentReport.objects.filter(tracking_no=token[:12].upper(), source="open311").first()
        if report is None:
            raise Open311Error(404, f"No request for token {token[:40]}.")
        rows = [{"service_request_id": report.tracking_no, "token": report.tracking_no}]
        return render(rows, fmt, root="service_requests", item="request")
    order = (
        WorkOrder.objects.filter(pk=parse_id(token), source=WorkOrder.Source.OPEN311).first()
        if parse_id(token)
        else None
    )
    if order is None:
        raise Open311Error(404, f"No request for token {token[:40]}.")
    return render([{"service_request_id": str(order.pk), "token": token}], fmt, root="service_requests", item="request")
