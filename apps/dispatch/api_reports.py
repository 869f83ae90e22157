"""API v1 of resident reports (社区发现 by residents): anyone reports with photos, joins a report
("我也遇到"), follows it by tracking number and rates the result; the community's grid workers and
staff triage them (accept into a work order, or reject with a public reason)."""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.adapter import client_ip
from apps.core.api import StandardPagination
from apps.core.parsers import DepthLimitedJSONParser
from apps.dispatch import services
from apps.dispatch.access import report_get_public
from apps.dispatch.models import DispatchCategory, ResidentReport
from apps.dispatch.selectors import report_public, reports_public
from apps.regions.models import Region


class ResidentReportCreateSerializer(serializers.Serializer):
    category = serializers.SlugRelatedField(
        slug_field="code",
        queryset=DispatchCategory.objects.filter(active=True),
        error_messages={"does_not_exist": _("No problem category with this code.")},
    )
    # Longer texts are refused by the service with a sentence saying how long it may be.
    description = serializers.CharField(max_length=20000)
    lat = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=-90, max_value=90)
    long = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=-180, max_value=180)
    photos = serializers.ListField(child=serializers.FileField(max_length=200), required=False, max_length=10)
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True, default="")
    name = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")


class ReportDuplicateSerializer(serializers.Serializer):
    tracking_no = serializers.CharField(source="report.tracking_no")
    distance_m = serializers.IntegerField()
    category = serializers.CharField(source="report.category.code")
    status = serializers.CharField(source="report.status")


class ReportCreatedSerializer(serializers.Serializer):
    tracking_no = serializers.CharField()
    status = serializers.CharField()
    url = serializers.CharField()
    duplicates = ReportDuplicateSerializer(many=True)


class ReportReplySerializer(serializers.Serializer):
    unit = serializers.CharField()
    text = serializers.CharField()
    lead = serializers.BooleanField()
    created_at = serializers.CharField()


class ReportPublicSerializer(serializers.Serializer):
    """A report's public form: never the reporter's name, e-mail or exact position."""

    tracking_no = serializers.CharField()
    status = serializers.ChoiceField(choices=ResidentReport.Status.choices)
    status_display = serializers.CharField()
    category = serializers.CharField()
    category_name = serializers.CharField()
    description = serializers.CharField()
    community = serializers.CharField()
    community_name = serializers.CharField()
    grid = serializers.CharField(allow_null=True)
    grid_name = serializers.CharField()
    lat = serializers.CharField(help_text="rounded to 0.001° (about 100 m)")
    long = serializers.CharField(help_text="rounded to 0.001° (about 100 m)")
    photos = serializers.ListField(child=serializers.CharField())
    joined_count = serializers.IntegerField(help_text="how many people met the same problem (我也遇到)")
    reject_reason = serializers.CharField()
    replies = ReportReplySerializer(many=True)
    rating = serializers.IntegerField(allow_null=True)
    created_at = serializers.CharField()
    updated_at = serializers.CharField()
    url = serializers.CharField()

    def to_representation(self, instance):
        return report_public(instance)


def _language() -> str:
    return (get_language() or "zh-hans")[:10]


@extend_schema(
    parameters=[
        OpenApiParameter("status", enum=ResidentReport.Status.values),
        OpenApiParameter("community", str, description="community (or street, district) code"),
        OpenApiParameter("open", bool, description="true: only reports still open"),
    ]
)
class ReportListView(APIView):
    """Resident reports. ``GET`` is public (each in its public form); ``POST`` is open to anyone,
    signed in or not, rate-limited per client address and per e-mail."""

    parser_classes = [MultiPartParser, FormParser, DepthLimitedJSONParser]
    pagination_class = StandardPagination

    @extend_schema(responses=ReportPublicSerializer(many=True))
    def get(self, request):
        params = request.query_params
        state = params.get("status") or None
        if state and state not in ResidentReport.Status.values:
            raise ValidationError({"status": [f"One of: {', '.join(ResidentReport.Status.values)}."]})
        community = None
        if params.get("community"):
            community = Region.objects.filter(code=params["community"][:20]).first()
            if community is None:
                raise ValidationError({"community": [_("No region with this code.")]})
        qs = reports_public(status=state, community=community, open_only=params.get("open") in ("true", "1"))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(ReportPublicSerializer(page, many=True).data)

    @extend_schema(
        request={"multipart/form-data": ResidentReportCreateSerializer},
        responses={201: ReportCreatedSerializer},
        summary="Report a problem (anyone): 201 with the tracking number and open reports nearby",
    )
    def post(self, request):
        data = request.data.copy() if hasattr(request.data, "copy") else dict(request.data)
        photos = request.FILES.getlist("photos") or request.FILES.getlist("photos[]")
        if photos and hasattr(data, "setlist"):
            data.setlist("photos", photos)
        if len(photos) > services.REPORT_MAX_PHOTOS:
            raise ValidationError({"photos": [_("At most %(n)d photos.") % {"n": services.REPORT_MAX_PHOTOS}]})
        serializer = ResidentReportCreateSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        v = serializer.validated_data
        report, duplicates = services.report_submit(
            category=v["category"],
            description=v["description"],
            lat=v["lat"],
            lon=v["long"],
            photos=v.get("photos") or [],
            email=v.get("email", ""),
            name=v.get("name", ""),
            user=request.user,
            client_address=client_ip(request),
            language=_language(),
            source="api",
        )
        body = {
            "tracking_no": report.tracking_no,
            "status": report.status,
            "url": report.get_absolute_url(),
            "duplicates": duplicates,
        }
        return Response(ReportCreatedSerializer(body).data, status=status.HTTP_201_CREATED)


class ReportDetailView(APIView):
    """A report's public form, for anyone."""

    @extend_schema(responses=ReportPublicSerializer)
    def get(self, request, tracking_no):
        return Response(ReportPublicSerializer(report_get_public(tracking_no=tracking_no)).data)


class ReportJoinSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True, default="")


class ReportJoinView(APIView):
    """ "我也遇到": join an open report (anyone; with an e-mail, follow it by mail)."""

    @extend_schema(
        request=ReportJoinSerializer,
        responses={
            201: inline_serializer(
                "ReportJoined", {"tracking_no": serializers.CharField(), "joined_count": serializers.IntegerField()}
            )
        },
    )
    def post(self, request, tracking_no):
        report = report_get_public(tracking_no=tracking_no)
        serializer = ReportJoinSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.report_join(
            report=report,
            email=serializer.validated_data["email"],
            client_address=client_ip(request),
            language=_language(),
        )
        return Response(
            {"tracking_no": report.tracking_no, "joined_count": report.followers.filter(joined=True).count()},
            status=status.HTTP_201_CREATED,
        )


class ReportRejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class ReportRateSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=200, help_text="the signed token of the rating link (?t=)")
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class _ReportTriageView(APIView):
    permission_classes = [IsAuthenticated]


class ReportAcceptView(_ReportTriageView):
    @extend_schema(
        request=None,
        responses=ReportPublicSerializer,
        summary="The community's grid worker or staff takes a report up → a reported work order",
    )
    def post(self, request, tracking_no):
        report = services.report_accept(actor=request.user, report=report_get_public(tracking_no=tracking_no))
        return Response({**report_public(report), "work_order": report.work_order_id})


class ReportRejectView(_ReportTriageView):
    @extend_schema(
        request=ReportRejectSerializer,
        responses=ReportPublicSerializer,
        summary="The community's grid worker or staff does not take a report up, with a public reason",
    )
    def post(self, request, tracking_no):
        report = report_get_public(tracking_no=tracking_no)
        serializer = ReportRejectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = services.report_reject(actor=request.user, report=report, **serializer.validated_data)
        return Response(report_public(report))


class ReportRateView(APIView):
    @extend_schema(
        request=ReportRateSerializer,
        responses=ReportPublicSerializer,
        summary="The reporter rates the result (1–5) with the signed link's token; 1–2 reopen the order",
    )
    def post(self, request, tracking_no):
        report = report_get_public(tracking_no=tracking_no)
        serializer = ReportRateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = services.report_rate(report=report, **serializer.validated_data)
        return Response(report_public(report_get_public(tracking_no=report.tracking_no)))
