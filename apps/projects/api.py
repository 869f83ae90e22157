"""API of projects, milestones and service-hour records (CONTRACT: "Projects and service hours")."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import MoneyField, reference_pair
from apps.core.errors import NotFound, PermissionDenied, ValidationFailed
from apps.core.exports import export_codes
from apps.core.parsers import DepthLimitedJSONParser
from apps.core.renderers import HEADERS_OPENAPI_PARAMETER
from apps.core.schema import BLANK_IS_NO_FILTER
from apps.core.uploads import private_file_response
from apps.projects import services
from apps.projects.access import (
    milestone_attachment_get_for_user,
    milestone_get_for_user,
    project_get_for_user,
    service_log_get_for_user,
    user_is_project_party,
    worker_hours_visible_to,
)
from apps.projects.exports import service_logs_csv, service_logs_xlsx
from apps.projects.filters import ProjectFilter, ServiceLogFilter
from apps.projects.models import Milestone, MilestoneAttachment, Project, ProjectTeamMember, ServiceLog
from apps.projects.selectors import project_list, service_log_list, worker_hours_summary
from apps.workers.models import SocialWorker
from apps.workers.selectors import worker_for_user, worker_get_for_user

# --- serializers ------------------------------------------------------------------------------


class ProjectTeamMemberSerializer(serializers.ModelSerializer):
    worker_name = serializers.CharField(source="worker.name", read_only=True)

    class Meta:
        model = ProjectTeamMember
        fields = ["id", "worker", "worker_name", "role", "start_date", "end_date"]


class ProjectMilestoneSerializer(serializers.ModelSerializer):
    amount = MoneyField()

    class Meta:
        model = Milestone
        fields = [
            "id",
            "title",
            "due_date",
            "payment_percent",
            "amount",
            "status",
            "submitted_at",
            "accepted_at",
            "returned_reason",
        ]


class MilestoneAttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = MilestoneAttachment
        fields = ["id", "name", "mime", "size", "created_at", "url"]

    def get_url(self, attachment) -> str:
        milestone = attachment.milestone
        return reverse("milestone-attachment", args=[milestone.project_id, milestone.pk, attachment.pk])


class ProjectMilestoneDetailSerializer(ProjectMilestoneSerializer):
    attachments = MilestoneAttachmentSerializer(many=True, read_only=True)

    class Meta(ProjectMilestoneSerializer.Meta):
        fields = [*ProjectMilestoneSerializer.Meta.fields, "report", "paid_amount", "attachments"]


class ProjectSerializer(serializers.ModelSerializer):
    amount = MoneyField()
    currency = serializers.SerializerMethodField()
    community = serializers.CharField(source="community.code", read_only=True)
    community_id = reference_pair("community", shows="code")
    community_name = serializers.CharField(source="community.name", read_only=True)
    organization_code = reference_pair("organization", shows="id", code_field="credit_code")
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    team = ProjectTeamMemberSerializer(many=True, read_only=True)
    milestones = ProjectMilestoneSerializer(many=True, read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "need",
            "proposal",
            "title",
            "organization",
            "organization_code",
            "organization_name",
            "community",
            "community_id",
            "community_name",
            "amount",
            "currency",
            "start_date",
            "end_date",
            "status",
            "team",
            "milestones",
        ]

    def get_currency(self, obj) -> str:
        return "CNY"


class ServiceLogSerializer(serializers.ModelSerializer):
    worker_name = serializers.CharField(source="worker.name", read_only=True)
    project_title = serializers.CharField(source="project.title", read_only=True)
    hours = serializers.DecimalField(max_digits=5, decimal_places=2, coerce_to_string=True, read_only=True)
    superseded = serializers.SerializerMethodField()

    class Meta:
        model = ServiceLog
        fields = [
            "id",
            "worker",
            "worker_name",
            "project",
            "project_title",
            "date",
            "start_time",
            "end_time",
            "place",
            "content",
            "beneficiaries_served",
            "hours",
            "status",
            "approved_at",
            "confirmed_at",
            "rejected_reason",
            "superseded",
            "evidence",
            "witness_role",
            "created_at",
        ]

    def get_superseded(self, obj) -> bool:
        return obj.superseded_at is not None


class ServiceLogInputSerializer(serializers.Serializer):
    project = serializers.IntegerField(min_value=1, max_value=2**62)
    date = serializers.DateField()
    start_time = serializers.TimeField()
    end_time = serializers.TimeField()
    place = serializers.CharField(max_length=200)
    content = serializers.CharField(max_length=2000)
    beneficiaries_served = serializers.IntegerField(min_value=0, max_value=100000)

    def validate_project(self, value):
        try:
            return Project.objects.select_related("need").get(pk=value)
        except Project.DoesNotExist:
            raise serializers.ValidationError(_("Unknown project.")) from None


class ServiceLogPatchSerializer(ServiceLogInputSerializer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


class ServiceLogAmendSerializer(ServiceLogInputSerializer):
    project = None
    reason = serializers.CharField(max_length=500)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class MilestoneReportSerializer(serializers.Serializer):
    report = serializers.CharField(max_length=20000)
    attachments = serializers.ListField(child=serializers.FileField(), required=False, max_length=10)


class TeamAddSerializer(serializers.Serializer):
    worker = serializers.IntegerField(min_value=1, max_value=2**62)
    role = serializers.CharField(max_length=60)
    start_date = serializers.DateField(required=False)

    def validate_worker(self, value):
        try:
            return SocialWorker.objects.get(pk=value)
        except SocialWorker.DoesNotExist:
            raise serializers.ValidationError(_("Unknown worker.")) from None


class TeamEndSerializer(serializers.Serializer):
    end_date = serializers.DateField(required=False)


class HoursSummaryProjectSerializer(serializers.Serializer):
    project = serializers.IntegerField()
    title = serializers.CharField()
    hours = serializers.DecimalField(max_digits=10, decimal_places=2)


class HoursSummarySerializer(serializers.Serializer):
    year = serializers.IntegerField()
    confirmed_hours = serializers.DecimalField(max_digits=10, decimal_places=2)
    projects = HoursSummaryProjectSerializer(many=True)


# --- projects and milestones ------------------------------------------------------------------


class ProjectListView(generics.ListAPIView):
    """Projects (public contracts), filtered by organization id, community code or id, status."""

    serializer_class = ProjectSerializer
    filterset_class = ProjectFilter

    def get_queryset(self):
        return project_list()


class ProjectDetailView(APIView):
    @extend_schema(responses=ProjectSerializer)
    def get(self, request, pk):
        project = project_get_for_user(user=request.user, pk=pk)
        return Response(ProjectSerializer(project).data)


class ProjectTeamView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=TeamAddSerializer,
        responses={201: ProjectTeamMemberSerializer},
        description="The organization's administrator adds a qualified worker it employs (kept in the history).",
    )
    def post(self, request, pk):
        project = project_get_for_user(user=request.user, pk=pk)
        serializer = TeamAddSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        member = services.project_team_add(
            actor=request.user,
            project=project,
            worker=data["worker"],
            role=data["role"],
            start_date=data.get("start_date") or max(timezone.localdate(), project.start_date),
        )
        return Response(ProjectTeamMemberSerializer(member).data, status=status.HTTP_201_CREATED)


class ProjectTeamEndView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=TeamEndSerializer, responses=ProjectTeamMemberSerializer)
    def post(self, request, pk, member_pk):
        project = project_get_for_user(user=request.user, pk=pk)
        try:
            member = project.team.get(pk=int(member_pk))
        except (ProjectTeamMember.DoesNotExist, ValueError):
            raise NotFound(_("Not found.")) from None
        serializer = TeamEndSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        member = services.project_team_end(
            actor=request.user,
            member=member,
            end_date=serializer.validated_data.get("end_date") or timezone.localdate(),
        )
        return Response(ProjectTeamMemberSerializer(member).data)


class _MilestoneActionView(APIView):
    permission_classes = [IsAuthenticated]

    def milestone(self, request, pk, mid) -> Milestone:
        project = project_get_for_user(user=request.user, pk=pk)
        return milestone_get_for_user(user=request.user, project=project, pk=mid)


class MilestoneSubmitView(_MilestoneActionView):
    parser_classes = [DepthLimitedJSONParser, MultiPartParser]

    @extend_schema(
        request={"application/json": MilestoneReportSerializer, "multipart/form-data": MilestoneReportSerializer},
        responses=ProjectMilestoneDetailSerializer,
        description="The organization's report: JSON, or multipart with up to 10 `attachments` (PDF, image or "
        "Office files, checked by content, at most 10 MB each; a bad file is a 400 on `attachments`).",
    )
    def post(self, request, pk, mid):
        milestone = self.milestone(request, pk, mid)
        serializer = MilestoneReportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        milestone = services.milestone_submit(
            actor=request.user,
            milestone=milestone,
            report=serializer.validated_data["report"],
            attachments=serializer.validated_data.get("attachments", []),
        )
        return Response(ProjectMilestoneDetailSerializer(milestone).data)


class MilestoneAttachmentDownloadView(_MilestoneActionView):
    """A report's file, streamed from private storage to the project's parties only (404 to others)."""

    permission_classes: list = []

    @extend_schema(responses={(200, "*/*"): OpenApiTypes.BINARY})
    def get(self, request, pk, mid, aid):
        attachment = milestone_attachment_get_for_user(
            user=request.user, milestone=self.milestone(request, pk, mid), pk=aid
        )
        return private_file_response(attachment.file, download_name=attachment.name)


class MilestoneAcceptView(_MilestoneActionView):
    @extend_schema(
        request=None,
        responses=ProjectMilestoneDetailSerializer,
        description="The community's staff accept; the amount is paid once (a second accept is 409).",
    )
    def post(self, request, pk, mid):
        milestone = services.milestone_accept(actor=request.user, milestone=self.milestone(request, pk, mid))
        return Response(ProjectMilestoneDetailSerializer(milestone).data)


class MilestoneReturnView(_MilestoneActionView):
    @extend_schema(request=ReasonSerializer, responses=ProjectMilestoneDetailSerializer)
    def post(self, request, pk, mid):
        milestone = self.milestone(request, pk, mid)
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        milestone = services.milestone_return(
            actor=request.user, milestone=milestone, reason=serializer.validated_data["reason"]
        )
        return Response(ProjectMilestoneDetailSerializer(milestone).data)


class MilestoneDetailView(_MilestoneActionView):
    @extend_schema(responses=ProjectMilestoneDetailSerializer)
    def get(self, request, pk, mid):
        milestone = self.milestone(request, pk, mid)
        if not user_is_project_party(request.user, milestone.project):
            raise NotFound(_("Not found."))
        return Response(ProjectMilestoneDetailSerializer(milestone).data)


# --- service-hour records ---------------------------------------------------------------------

LOG_REFUSALS = (
    "Refused with 400 on `end_time` (end not after start on the same date — a record never crosses "
    "midnight; log two records; also: ending later today than now; over the policy's daily_hours_cap), "
    "`start_time` and `end_time` (overlaps another live record of the worker in any project), `date` "
    "(future date; outside the project period; older than late_logging_days; worker not verified, "
    "qualified or registered that day), `project` (unknown project, not on its team that day, "
    "project not active)."
)


def _request_worker(request) -> SocialWorker:
    worker = worker_for_user(request.user)
    if worker is None:
        raise PermissionDenied(_("Only social workers log service hours."))
    return worker


class ServiceLogListView(generics.ListCreateAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = ServiceLogSerializer
    filterset_class = ServiceLogFilter

    def get_queryset(self):
        return service_log_list(user=self.request.user)

    @extend_schema(request=ServiceLogInputSerializer, responses={201: ServiceLogSerializer}, description=LOG_REFUSALS)
    def post(self, request):
        worker = _request_worker(request)
        serializer = ServiceLogInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        log = services.service_log_create(worker=worker, **serializer.validated_data)
        return Response(ServiceLogSerializer(log).data, status=status.HTTP_201_CREATED)


class ServiceLogDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ServiceLogSerializer)
    def get(self, request, pk):
        return Response(ServiceLogSerializer(service_log_get_for_user(user=request.user, pk=pk)).data)

    @extend_schema(request=ServiceLogPatchSerializer, responses=ServiceLogSerializer, description=LOG_REFUSALS)
    def patch(self, request, pk):
        log = service_log_get_for_user(user=request.user, pk=pk)
        serializer = ServiceLogPatchSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        log = services.service_log_update(actor=request.user, log=log, **serializer.validated_data)
        return Response(ServiceLogSerializer(log).data)

    @extend_schema(responses={204: None}, description="Only while submitted; approved or confirmed → 409.")
    def delete(self, request, pk):
        log = service_log_get_for_user(user=request.user, pk=pk)
        services.service_log_delete(actor=request.user, log=log)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ServiceLogApproveView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=ServiceLogSerializer, description="The organization's org_admin.")
    def post(self, request, pk):
        log = service_log_get_for_user(user=request.user, pk=pk)
        return Response(ServiceLogSerializer(services.service_log_approve(actor=request.user, log=log)).data)


class ServiceLogConfirmView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses=ServiceLogSerializer,
        description="The community's staff, after approval (409 before).",
    )
    def post(self, request, pk):
        log = service_log_get_for_user(user=request.user, pk=pk)
        return Response(ServiceLogSerializer(services.service_log_confirm(actor=request.user, log=log)).data)


class ServiceLogRejectView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=ReasonSerializer, responses=ServiceLogSerializer)
    def post(self, request, pk):
        log = service_log_get_for_user(user=request.user, pk=pk)
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        log = services.service_log_reject(actor=request.user, log=log, reason=serializer.validated_data["reason"])
        return Response(ServiceLogSerializer(log).data)


class ServiceLogAmendView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=ServiceLogAmendSerializer,
        responses={201: ServiceLogSerializer},
        description="Correction of a confirmed record by its worker: a new record that is approved and "
        "confirmed like any other; the original is kept and marked superseded once it is confirmed.",
    )
    def post(self, request, pk):
        log = service_log_get_for_user(user=request.user, pk=pk)
        serializer = ServiceLogAmendSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        amendment = services.service_log_amend(actor=request.user, log=log, **serializer.validated_data)
        return Response(ServiceLogSerializer(amendment.replacement).data, status=status.HTTP_201_CREATED)


class ServiceLogHistoryView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ServiceLogSerializer(many=True), description="The record and all its corrections.")
    def get(self, request, pk):
        log = service_log_get_for_user(user=request.user, pk=pk)
        chain = [
            log,
            *[a.replacement for a in log.amendments.select_related("replacement__worker", "replacement__project")],
        ]
        return Response(ServiceLogSerializer(chain, many=True).data)


# The same filters as the list (ServiceLogFilter).
_FILTER = {BLANK_IS_NO_FILTER: True}
_EXPORT_PARAMS = [
    *(
        OpenApiParameter(name, {"type": "integer", "minimum": 1, "maximum": 2**62}, extensions=_FILTER)
        for name in ("worker", "project", "organization", "community")
    ),
    OpenApiParameter("status", OpenApiTypes.STR, enum=ServiceLog.Status.values, extensions=_FILTER),
    *(OpenApiParameter(name, OpenApiTypes.DATE, extensions=_FILTER) for name in ("date_from", "date_to")),
    HEADERS_OPENAPI_PARAMETER,
    OpenApiParameter(
        "include_superseded",
        OpenApiTypes.STR,
        enum=["1"],
        extensions=_FILTER,
        description="`1` also lists the records a confirmed correction replaced, with the time they were "
        "superseded; by default they are left out, so the file sums to the hours that count.",
    ),
]


def _include_superseded(request) -> bool:
    return request.query_params.get("include_superseded") in ("1", "true", "yes")


class ServiceLogExportCsvView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=_EXPORT_PARAMS, responses={(200, "text/csv"): OpenApiTypes.BINARY})
    def get(self, request):
        return service_logs_csv(
            service_log_list(user=request.user, filters=request.query_params).order_by("date", "start_time", "id"),
            codes=export_codes(request),
            include_superseded=_include_superseded(request),
        )


class ServiceLogExportXlsxView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=_EXPORT_PARAMS,
        responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY},
    )
    def get(self, request):
        return service_logs_xlsx(
            service_log_list(user=request.user, filters=request.query_params).order_by("date", "start_time", "id"),
            codes=export_codes(request),
            include_superseded=_include_superseded(request),
        )


class WorkerHoursSummaryView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("year", OpenApiTypes.INT, required=False)],
        responses=HoursSummarySerializer,
        description="The worker, the organizations employing them and platform staff (403 for others).",
    )
    def get(self, request, pk):
        worker = worker_get_for_user(user=request.user, pk=pk)
        if not worker_hours_visible_to(request.user, worker):
            raise PermissionDenied(_("Only the worker, their organization and platform staff see these hours."))
        raw = request.query_params.get("year")
        if raw is None:
            year = timezone.localdate().year
        else:
            try:
                year = int(raw)
            except (TypeError, ValueError):
                raise ValidationFailed(field_errors={"year": [_("A year such as 2026.")]}) from None
            if not dt.MINYEAR < year < dt.MAXYEAR:
                raise ValidationFailed(field_errors={"year": [_("A year such as 2026.")]})
        return Response(HoursSummarySerializer(worker_hours_summary(worker=worker, year=year)).data)
