"""API v1 of revenue share (CONTRACT "Funds and ledger")."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import IdOrCodeRelatedField, MoneyField, reference_pair
from apps.core.ids import parse_id
from apps.core.parsers import DepthLimitedJSONParser
from apps.funds.models import Fund
from apps.organizations.models import Organization
from apps.revenue import access, services
from apps.revenue.models import RevenueShareAgreement, RevenueShareReport

PERCENT = {"max_digits": 5, "decimal_places": 2, "coerce_to_string": True}


class PartySerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    percent = serializers.DecimalField(min_value=0, max_value=100, **PERCENT)


class AgreementSerializer(serializers.ModelSerializer):
    organization = IdOrCodeRelatedField(queryset=Organization.objects.all(), code_field="credit_code")
    organization_code = reference_pair("organization", shows="id", code_field="credit_code")
    fund = IdOrCodeRelatedField(queryset=Fund.objects.all())
    fund_code = reference_pair("fund", shows="id")
    fund_share_percent = serializers.DecimalField(min_value=0, max_value=100, **PERCENT)
    organization_share_percent = serializers.DecimalField(read_only=True, **PERCENT)
    parties = PartySerializer(many=True, required=False, max_length=20)

    class Meta:
        model = RevenueShareAgreement
        fields = [
            "id",
            "organization",
            "organization_code",
            "fund",
            "fund_code",
            "fund_share_percent",
            "organization_share_percent",
            "parties",
            "start",
            "end",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]


class RevenueReportAttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    mime = serializers.CharField()


class ReportSerializer(serializers.ModelSerializer):
    revenue = MoneyField()
    fund_amount = MoneyField(read_only=True, allow_null=True)
    organization_amount = MoneyField(read_only=True, allow_null=True)
    party_amounts = serializers.ListField(child=serializers.DictField(), read_only=True)
    attachments = RevenueReportAttachmentSerializer(many=True, read_only=True)
    currency = serializers.CharField(source="agreement.fund.currency", read_only=True)

    class Meta:
        model = RevenueShareReport
        fields = [
            "id",
            "agreement",
            "period_start",
            "period_end",
            "revenue",
            "currency",
            "status",
            "fund_amount",
            "organization_amount",
            "party_amounts",
            "attachments",
            "submitted_at",
            "decided_at",
            "return_reason",
            "settled_at",
        ]
        read_only_fields = [f for f in fields if f not in ("period_start", "period_end", "revenue")]


class ReportCreateSerializer(serializers.Serializer):
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    revenue = MoneyField()
    attachments = serializers.ListField(child=serializers.FileField(), required=False, max_length=10)


class ReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class AgreementListCreate(generics.ListCreateAPIView):
    """Agreements the user may see (the fund's manager, the organization's members, the
    community's staff, platform staff). Creating one: the fund's fund_manager."""

    serializer_class = AgreementSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        qs = access.agreements_for_user(self.request.user)
        for field in ("fund", "organization"):
            value = self.request.query_params.get(field)
            if value:
                pk = parse_id(value)
                qs = qs.filter(**{f"{field}_id": pk}) if pk else qs.none()
        return qs

    @extend_schema(request=AgreementSerializer, responses={201: AgreementSerializer})
    def post(self, request):
        s = AgreementSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        agreement = services.revenue_share_create(
            actor=request.user,
            organization=d["organization"],
            fund=d["fund"],
            fund_share_percent=d["fund_share_percent"],
            start=d["start"],
            end=d["end"],
            parties=d.get("parties", []),
        )
        return Response(AgreementSerializer(agreement).data, status=status.HTTP_201_CREATED)


class AgreementDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=AgreementSerializer)
    def get(self, request, pk):
        return Response(AgreementSerializer(access.agreement_get_for_user(user=request.user, agreement_id=pk)).data)


class AgreementReports(generics.ListCreateAPIView):
    """The agreement's reports. Submitting one: an org_admin of the agreement's organization;
    JSON or multipart with ``attachments`` (PDF, image or Office files, checked by content)."""

    serializer_class = ReportSerializer
    permission_classes = [IsAuthenticated]
    parser_classes = [DepthLimitedJSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return RevenueShareReport.objects.none()
        agreement = access.agreement_get_for_user(user=self.request.user, agreement_id=self.kwargs["pk"])
        return access.reports_for_user(self.request.user).filter(agreement=agreement)

    @extend_schema(request=ReportCreateSerializer, responses={201: ReportSerializer})
    def post(self, request, pk):
        agreement = access.agreement_get_for_user(user=request.user, agreement_id=pk)
        s = ReportCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        report = services.revenue_report_submit(
            actor=request.user,
            agreement=agreement,
            period_start=d["period_start"],
            period_end=d["period_end"],
            revenue=d["revenue"],
            attachments=d.get("attachments", []),
        )
        return Response(ReportSerializer(report).data, status=status.HTTP_201_CREATED)


class ReportList(generics.ListAPIView):
    """Reports the user may see; ``?status=`` and ``?agreement=`` filter."""

    serializer_class = ReportSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        qs = access.reports_for_user(self.request.user)
        st = self.request.query_params.get("status")
        if st:
            qs = qs.filter(status=st)
        agreement = self.request.query_params.get("agreement")
        if agreement:
            qs = qs.filter(agreement_id=parse_id(agreement)) if parse_id(agreement) else qs.none()
        return qs


class ReportDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ReportSerializer)
    def get(self, request, pk):
        return Response(ReportSerializer(access.report_get_for_user(user=request.user, report_id=pk)).data)


class ReportApprove(APIView):
    """The fund's manager approves: the revenue is split exactly to the fen (fund_amount +
    organization_amount + further parties = revenue) and the fund's share is booked as a
    receivable. A second approval is 409 and books nothing."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=ReportSerializer)
    def post(self, request, pk):
        report = access.report_get_for_user(user=request.user, report_id=pk)
        return Response(ReportSerializer(services.revenue_report_approve(actor=request.user, report=report)).data)


class ReportReturn(APIView):
    """The fund's manager returns a submitted report with a reason; its period is free again."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=ReturnSerializer, responses=ReportSerializer)
    def post(self, request, pk):
        report = access.report_get_for_user(user=request.user, report_id=pk)
        s = ReturnSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        report = services.revenue_report_return(actor=request.user, report=report, reason=s.validated_data["reason"])
        return Response(ReportSerializer(report).data)


class ReportSettle(APIView):
    """The fund's manager records that the fund's share arrived: books the cash, clears the
    receivable. Only once (409 after)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=ReportSerializer)
    def post(self, request, pk):
        report = access.report_get_for_user(user=request.user, report_id=pk)
        return Response(ReportSerializer(services.revenue_report_settle(actor=request.user, report=report)).data)
