"""API v1 of certification (CONTRACT section "Certification"). Views are thin: parse, access, service."""

from __future__ import annotations

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import User
from apps.accounts.selectors import is_platform_staff
from apps.certification import access, selectors, services
from apps.certification.filters import ApplicationFilter, RegistryFilter
from apps.certification.models import (
    AnnualReport,
    Application,
    ApplicationDocument,
    ApplicationEvent,
    Certificate,
    Objection,
    PanelMember,
    Score,
)
from apps.core.api import IdOrCodeRelatedField, MoneyField, TransitionView, reference_pair
from apps.core.errors import NotFound
from apps.core.ids import parse_id
from apps.core.pages import language_neutral_url
from apps.core.uploads import private_file_response
from apps.organizations.models import Organization

# ---------------------------------------------------------------- serializers


class EligibilityResultSerializer(serializers.Serializer):
    rule = serializers.CharField()
    passed = serializers.BooleanField()
    detail = serializers.CharField()


class ApplicationInputSerializer(serializers.ModelSerializer):
    organization = IdOrCodeRelatedField(queryset=Organization.objects.all(), code_field="credit_code")
    salaried_staff = serializers.IntegerField(min_value=0, max_value=1_000_000)
    revenue_total = MoneyField()
    revenue_commercial = MoneyField()
    profit_distributable = MoneyField()
    profit_distributed = MoneyField()
    mission_in_articles = serializers.BooleanField()
    asset_lock = serializers.BooleanField()
    mission_statement = serializers.CharField(max_length=5000)
    beneficiaries = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

    class Meta:
        model = Application
        fields = ["organization", *Application.FACT_FIELDS]


class ApplicationUpdateSerializer(ApplicationInputSerializer):
    organization = None
    beneficiaries = serializers.CharField(max_length=2000, required=False, allow_blank=True)

    class Meta(ApplicationInputSerializer.Meta):
        fields = list(Application.FACT_FIELDS)


class DocumentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = ApplicationDocument
        fields = ["id", "title", "mime", "uploaded_at", "url"]

    def get_url(self, obj) -> str:
        return reverse("certification-document", args=[obj.application_id, obj.pk])


@extend_schema_serializer(component_name="CertificationEvent")
class EventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, allow_null=True)

    class Meta:
        model = ApplicationEvent
        fields = ["at", "actor", "from_status", "to_status", "note"]


class PanelMemberSerializer(serializers.ModelSerializer):
    reviewer = serializers.IntegerField(source="reviewer_id")
    username = serializers.CharField(source="reviewer.username")
    declared = serializers.SerializerMethodField()

    class Meta:
        model = PanelMember
        fields = ["reviewer", "username", "declared", "declared_at", "conflict", "note", "recused"]

    def get_declared(self, obj) -> bool:
        return obj.declared_at is not None


class ScoreSerializer(serializers.ModelSerializer):
    reviewer = serializers.CharField(source="reviewer.username")

    class Meta:
        model = Score
        fields = ["reviewer", "score", "comment", "scored_at"]


@extend_schema_serializer(component_name="CertificationObjection")
class ObjectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Objection
        fields = ["id", "text", "filed_at", "status", "resolved_at", "resolution_note"]


class ApplicationSerializer(serializers.ModelSerializer):
    organization_code = reference_pair("organization", shows="id", code_field="credit_code")
    organization_name = serializers.CharField(source="organization.name")
    revenue_total = MoneyField()
    revenue_commercial = MoneyField()
    profit_distributable = MoneyField()
    profit_distributed = MoneyField()
    eligibility = EligibilityResultSerializer(many=True)
    eligible = serializers.BooleanField()
    policy_version = serializers.IntegerField(source="policy.version", default=None, allow_null=True)
    renewal_of = serializers.CharField(source="renewal_of.certificate_no", default=None, allow_null=True)
    certificate_no = serializers.SerializerMethodField()
    valid_until = serializers.SerializerMethodField()
    certificate_status = serializers.SerializerMethodField()
    documents = DocumentSerializer(many=True, read_only=True)
    history = EventSerializer(source="events", many=True, read_only=True)
    panel = serializers.SerializerMethodField()
    scores = serializers.SerializerMethodField()
    objections = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id",
            "organization",
            "organization_code",
            "organization_name",
            "renewal_of",
            "status",
            *Application.FACT_FIELDS,
            "eligibility",
            "eligible",
            "policy_version",
            "judged_on",
            "submitted_at",
            "stage_entered_at",
            "preliminary_note",
            "score_mean",
            "decision_note",
            "notice_ends_at",
            "certificate_no",
            "valid_until",
            "certificate_status",
            "documents",
            "history",
            "panel",
            "scores",
            "objections",
            "created_at",
        ]

    def _certificate(self, obj):
        return getattr(obj, "certificate", None) if obj.status in ("certified", "expired", "revoked") else None

    def get_certificate_no(self, obj) -> str | None:
        cert = self._certificate(obj)
        return cert.certificate_no if cert else None

    def get_valid_until(self, obj) -> str | None:
        cert = self._certificate(obj)
        return cert.valid_until.isoformat() if cert else None

    def get_certificate_status(self, obj) -> str | None:
        cert = self._certificate(obj)
        return cert.status if cert else None

    def _user(self):
        request = self.context.get("request")
        return getattr(request, "user", None)

    def get_panel(self, obj) -> list[dict]:
        if not is_platform_staff(self._user()):
            return []
        return PanelMemberSerializer(obj.panel.all(), many=True).data

    def get_scores(self, obj) -> list[dict]:
        user = self._user()
        rows = obj.scores.all()
        if not is_platform_staff(user):
            rows = [s for s in rows if s.reviewer_id == getattr(user, "pk", None)]
        return ScoreSerializer(rows, many=True).data

    def get_objections(self, obj) -> list[dict]:
        return ObjectionSerializer(obj.objections.all(), many=True).data


def _detail_queryset(qs):
    return qs.select_related("renewal_of", "certificate").prefetch_related(
        "documents",
        Prefetch("events", queryset=ApplicationEvent.objects.select_related("actor")),
        Prefetch("panel", queryset=PanelMember.objects.select_related("reviewer")),
        Prefetch("scores", queryset=Score.objects.select_related("reviewer")),
        "objections",
    )


def _respond(request, application, code=status.HTTP_200_OK):
    fresh = _detail_queryset(Application.objects.select_related("organization", "policy")).get(pk=application.pk)
    return Response(ApplicationSerializer(fresh, context={"request": request}).data, status=code)


# ---------------------------------------------------------------- applications


class CertificationListView(generics.ListCreateAPIView):
    serializer_class = ApplicationSerializer
    filterset_class = ApplicationFilter
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return _detail_queryset(access.certification_visible_to(self.request.user))

    @extend_schema(request=ApplicationInputSerializer, responses={201: ApplicationSerializer})
    def post(self, request, *args, **kwargs):
        serializer = ApplicationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        application = services.certification_create(actor=request.user, **serializer.validated_data)
        return _respond(request, application, status.HTTP_201_CREATED)


class CertificationDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ApplicationSerializer)
    def get(self, request, pk):
        return _respond(request, access.certification_get_for_user(user=request.user, pk=pk))

    @extend_schema(request=ApplicationUpdateSerializer, responses=ApplicationSerializer)
    def patch(self, request, pk):
        application = access.certification_get_for_user(user=request.user, pk=pk)
        serializer = ApplicationUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        application = services.certification_update(
            actor=request.user, application=application, **serializer.validated_data
        )
        return _respond(request, application)


class AssignmentSerializer(serializers.Serializer):
    application = serializers.IntegerField(source="application_id")
    organization_name = serializers.CharField(source="application.organization.name")
    status = serializers.CharField(source="application.status")
    declared = serializers.BooleanField(source="declared_at", default=False)
    recused = serializers.BooleanField()


class AssignmentListView(generics.ListAPIView):
    """The signed-in reviewer's panel invitations (only the applicant's name until they declare)."""

    serializer_class = AssignmentSerializer
    permission_classes = [IsAuthenticated]
    filter_backends: list = []

    def get_queryset(self):
        return PanelMember.objects.filter(reviewer=self.request.user).select_related("application__organization")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        rows = [
            {
                "application": m.application_id,
                "organization_name": m.application.organization.name,
                "status": m.application.status,
                "declared": m.declared_at is not None,
                "recused": m.recused,
            }
            for m in page
        ]
        return self.get_paginated_response(rows)


class DocumentUploadSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    file = serializers.FileField()


class DocumentListView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": DocumentUploadSerializer}, responses={201: DocumentSerializer})
    def post(self, request, pk):
        application = access.certification_get_for_user(user=request.user, pk=pk)
        serializer = DocumentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        document = services.certification_document_add(
            actor=request.user, application=application, **serializer.validated_data
        )
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)


class DocumentDownloadView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={(200, "*/*"): OpenApiTypes.BINARY})
    def get(self, request, pk, doc):
        application = access.certification_get_for_user(user=request.user, pk=pk)
        document = application.documents.filter(pk=parse_id(doc)).first()
        if document is None:
            raise NotFound("Not found.")
        return private_file_response(document.file, download_name=document.file.name.rsplit("/", 1)[-1])


class _ApplicationTransitionView(TransitionView):
    """A transition of an application the user may see, answered with the application in full."""

    subject = "application"
    output_serializer = ApplicationSerializer

    def get_subject(self, request, pk):
        return access.certification_get_for_user(user=request.user, pk=pk)

    def respond(self, request, application):
        return _respond(request, application, self.success_status)


@extend_schema(description="409 with `failed_rules` (rule codes) and `detail` when a criterion is not met.")
class SubmitView(_ApplicationTransitionView):
    service = services.certification_submit


class PreliminarySerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("pass", _("pass")), ("return", _("return"))])
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class PreliminaryView(_ApplicationTransitionView):
    service = services.certification_preliminary
    input_serializer = PreliminarySerializer


@extend_schema_serializer(component_name="CertificationPanel")
class PanelSerializer(serializers.Serializer):
    reviewers = serializers.ListField(
        child=serializers.PrimaryKeyRelatedField(queryset=User.objects.all()), min_length=1, max_length=15
    )


@extend_schema(responses=PanelMemberSerializer(many=True))
class PanelView(_ApplicationTransitionView):
    service = services.certification_panel_set
    input_serializer = PanelSerializer
    output_serializer = PanelMemberSerializer

    def respond(self, request, panel):
        return Response({"panel": PanelMemberSerializer(panel, many=True).data})


@extend_schema_serializer(component_name="CertificationDeclaration")
class DeclarationSerializer(serializers.Serializer):
    conflict = serializers.BooleanField()
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


# A panel member declares before seeing the application's content.
class DeclarationView(TransitionView):
    service = services.certification_declare
    subject = "application"
    input_serializer = DeclarationSerializer
    output_serializer = PanelMemberSerializer
    success_status = status.HTTP_201_CREATED

    def get_subject(self, request, pk):
        return access.certification_get_for_panel_member(user=request.user, pk=pk)


class ScoreInputSerializer(serializers.Serializer):
    score = serializers.IntegerField(min_value=0, max_value=100)
    comment = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class ScoreView(TransitionView):
    service = services.certification_score
    subject = "application"
    input_serializer = ScoreInputSerializer
    output_serializer = ScoreSerializer
    success_status = status.HTTP_201_CREATED

    def get_subject(self, request, pk):
        return access.certification_get_for_user(user=request.user, pk=pk)


class DecideView(_ApplicationTransitionView):
    service = services.certification_decide


class ObjectionInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000)


# Anyone signed in objects to an application in public notice.
class ObjectionListView(TransitionView):
    service = services.certification_object
    subject = "application"
    input_serializer = ObjectionInputSerializer
    output_serializer = ObjectionSerializer
    success_status = status.HTTP_201_CREATED

    def get_subject(self, request, pk):
        return access.certification_get_for_objection(user=request.user, pk=pk)


@extend_schema_serializer(component_name="CertificationResolve")
class ResolveSerializer(serializers.Serializer):
    upheld = serializers.BooleanField()
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ObjectionResolveView(TransitionView):
    service = services.certification_objection_resolve
    subject = "objection"
    input_serializer = ResolveSerializer
    output_serializer = ObjectionSerializer

    def get_subject(self, request, pk, oid):
        application = access.certification_get_for_user(user=request.user, pk=pk)
        return access.objection_get_for_user(user=request.user, application=application, pk=oid)


class RevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class RevokeView(_ApplicationTransitionView):
    service = services.certification_revoke
    input_serializer = RevokeSerializer


class AnnualReportSerializer(serializers.ModelSerializer):
    revenue_total = MoneyField(required=False, allow_null=True)
    revenue_commercial = MoneyField(required=False, allow_null=True)
    profit_distributed = MoneyField(required=False, allow_null=True)
    summary = serializers.CharField(max_length=10000)

    class Meta:
        model = AnnualReport
        fields = [
            "id",
            "period",
            "due_on",
            "submitted_at",
            "summary",
            "revenue_total",
            "revenue_commercial",
            "profit_distributed",
        ]
        read_only_fields = ["id", "period", "due_on", "submitted_at"]


class AnnualReportListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=AnnualReportSerializer(many=True))
    def get(self, request, pk):
        application = access.certification_get_for_user(user=request.user, pk=pk)
        reports = AnnualReport.objects.filter(certificate__application=application)
        return Response(AnnualReportSerializer(reports, many=True).data)

    @extend_schema(request=AnnualReportSerializer, responses={201: AnnualReportSerializer})
    def post(self, request, pk):
        application = access.certification_get_for_user(user=request.user, pk=pk)
        serializer = AnnualReportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = services.annual_report_submit(actor=request.user, application=application, **serializer.validated_data)
        return Response(AnnualReportSerializer(report).data, status=status.HTTP_201_CREATED)


# ---------------------------------------------------------------- public


class RegistrySerializer(serializers.ModelSerializer):
    organization = serializers.IntegerField(source="organization_id")
    organization_code = reference_pair("organization", shows="id", code_field="credit_code")
    organization_name = serializers.CharField(source="organization.name")
    legal_form = serializers.CharField(source="organization.legal_form")
    region = serializers.CharField(source="organization.region.code")
    region_id = reference_pair("organization.region", shows="code")
    url = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = [
            "certificate_no",
            "organization",
            "organization_code",
            "organization_name",
            "legal_form",
            "region",
            "region_id",
            "status",
            "valid_from",
            "valid_until",
            "url",
        ]

    def get_url(self, obj) -> str:
        return language_neutral_url(obj.get_absolute_url())


class CertificatePublicSerializer(RegistrySerializer):
    revoked_reason = serializers.CharField()
    status_changed_on = serializers.DateField()
    superseded_by = serializers.CharField(source="superseded_by.certificate_no", default=None, allow_null=True)
    valid_today = serializers.SerializerMethodField()

    class Meta(RegistrySerializer.Meta):
        fields = [
            *RegistrySerializer.Meta.fields,
            "status_changed_on",
            "revoked_reason",
            "superseded_by",
            "valid_today",
        ]

    def get_valid_today(self, obj) -> bool:
        return selectors.certificate_is_valid_on(obj, timezone.localdate())


@extend_schema(
    parameters=[
        OpenApiParameter("district", str, description="Region code of a district (or any region)"),
    ]
)
class RegistryView(generics.ListAPIView):
    """The public registry of social enterprises: certified, suspended, expired and revoked."""

    serializer_class = RegistrySerializer
    filterset_class = RegistryFilter

    def get_queryset(self):
        return selectors.registry_list()


class CertificateDetailView(APIView):
    @extend_schema(responses=CertificatePublicSerializer)
    def get(self, request, certificate_no):
        return Response(CertificatePublicSerializer(access.certificate_get_public(certificate_no=certificate_no)).data)
