from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import IdOrCodeRelatedField, TransitionView, reference_pair
from apps.core.errors import NotFound
from apps.core.models import Category
from apps.core.uploads import private_file_response
from apps.workers.access import training_get_for_user, trainings_for_user, worker_training_summary_get_for_user
from apps.workers.filters import TrainingFilter, WorkerFilter
from apps.workers.models import SocialWorker, Training
from apps.workers.selectors import worker_get_for_user, worker_list, worker_training_summary
from apps.workers.services import (
    training_reject,
    training_submit,
    training_verify,
    worker_profile_save,
    worker_verify,
)


class WorkerPublicSerializer(serializers.ModelSerializer):
    certificate_no = serializers.CharField(source="masked_certificate_no")
    skills = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    skill_ids = reference_pair("skills", shows="code", many=True)

    class Meta:
        model = SocialWorker
        fields = ["id", "name", "level", "certificate_no", "registered_until", "skills", "skill_ids", "verified"]


class WorkerProfileSerializer(serializers.ModelSerializer):
    skills = IdOrCodeRelatedField(queryset=Category.objects.all(), shows="code", many=True, required=False)
    skill_ids = reference_pair("skills", shows="code", many=True)
    name = serializers.CharField(max_length=60)
    certificate_no = serializers.CharField(max_length=40)

    class Meta:
        model = SocialWorker
        fields = ["id", "name", "level", "certificate_no", "registered_until", "skills", "skill_ids", "verified"]
        read_only_fields = ["id", "verified"]


class WorkerListView(generics.ListAPIView):
    serializer_class = WorkerPublicSerializer
    filterset_class = WorkerFilter

    def get_queryset(self):
        return worker_list()


class WorkerDetailView(APIView):
    @extend_schema(responses=WorkerPublicSerializer)
    def get(self, request, pk):
        return Response(WorkerPublicSerializer(worker_get_for_user(user=request.user, pk=pk)).data)


class WorkerMeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={
            200: WorkerProfileSerializer,
            404: OpenApiResponse(description="No worker profile yet (PUT makes one)."),
        }
    )
    def get(self, request):
        worker = SocialWorker.objects.filter(user=request.user).first()
        if worker is None:
            raise NotFound("No worker profile yet.")
        return Response(WorkerProfileSerializer(worker).data)

    @extend_schema(request=WorkerProfileSerializer, responses=WorkerProfileSerializer)
    def put(self, request):
        serializer = WorkerProfileSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        worker = worker_profile_save(user=request.user, **serializer.validated_data)
        return Response(WorkerProfileSerializer(worker).data)


class WorkerVerifyView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=WorkerPublicSerializer)
    def post(self, request, pk):
        worker = worker_get_for_user(user=request.user, pk=pk)
        return Response(WorkerPublicSerializer(worker_verify(actor=request.user, worker=worker)).data)


# Continuing education (继续教育) ------------------------------------------------------------


class TrainingSerializer(serializers.ModelSerializer):
    hours = serializers.DecimalField(
        max_digits=5,
        decimal_places=1,
        help_text="Hours of the training, more than 0 and at most the period's requirement (one decimal).",
    )
    certificate = serializers.FileField(
        write_only=True, help_text="Certificate of completion: a PDF or an image (checked by content), at most 10 MB."
    )
    certificate_name = serializers.CharField(read_only=True)
    certificate_url = serializers.SerializerMethodField()
    worker_name = serializers.CharField(source="worker.name", read_only=True)
    decided_for = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Training
        fields = [
            "id",
            "worker",
            "worker_name",
            "title",
            "provider",
            "hours",
            "completed_on",
            "kind",
            "certificate",
            "certificate_name",
            "certificate_url",
            "status",
            "decided_for",
            "decided_at",
            "rejection_reason",
            "created_at",
        ]
        read_only_fields = ["id", "worker", "status", "decided_at", "rejection_reason", "created_at"]

    def get_certificate_url(self, obj) -> str:
        return reverse("api-training-certificate", args=[obj.pk])


class TrainingSummarySerializer(serializers.Serializer):
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    required = serializers.IntegerField(help_text="Hours required in the period (policy, by the worker's level).")
    verified_hours = serializers.DecimalField(max_digits=7, decimal_places=1)
    pending_hours = serializers.DecimalField(max_digits=7, decimal_places=1)
    remaining = serializers.DecimalField(max_digits=7, decimal_places=1)


class TrainingRejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class MyTrainingsView(generics.ListCreateAPIView):
    """The signed-in worker's continuing education (继续教育), newest first. Recording one
    (multipart: ``title, provider, hours, completed_on, kind, certificate``) answers 201 with
    ``status: "pending"``; an administrator of an organization employing the worker verifies it.
    400 for hours of 0 or above the period's requirement, a completion date in the future or
    before the registration period, a certificate that is not a PDF or an image."""

    serializer_class = TrainingSerializer
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]
    filterset_class = TrainingFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Training.objects.none()
        return trainings_for_user(self.request.user).filter(worker__user=self.request.user)

    @extend_schema(request={"multipart/form-data": TrainingSerializer}, responses={201: TrainingSerializer})
    def post(self, request):
        serializer = TrainingSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        training = training_submit(
            actor=request.user,
            title=d["title"],
            provider=d["provider"],
            hours=d["hours"],
            completed_on=d["completed_on"],
            kind=d["kind"],
            certificate=d["certificate"],
        )
        return Response(TrainingSerializer(training).data, status=status.HTTP_201_CREATED)


class TrainingListView(generics.ListAPIView):
    """Trainings the reader may see: their own, those of the workers their organizations employ
    (``?status=pending`` is an administrator's verification queue), all for platform staff."""

    serializer_class = TrainingSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = TrainingFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Training.objects.none()
        return trainings_for_user(self.request.user)


class TrainingDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=TrainingSerializer)
    def get(self, request, pk):
        return Response(TrainingSerializer(training_get_for_user(user=request.user, pk=pk)).data)


class TrainingCertificateView(APIView):
    """The training's certificate, for the worker, their employers and platform staff only."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={(200, "*/*"): OpenApiTypes.BINARY})
    def get(self, request, pk):
        training = training_get_for_user(user=request.user, pk=pk)
        response = private_file_response(training.certificate, download_name=training.certificate_name)
        response["Content-Type"] = training.certificate_mime  # sniffed from the content on upload
        return response


class _TrainingTransitionView(TransitionView):
    subject = "training"
    output_serializer = TrainingSerializer

    def get_subject(self, request, **kwargs):
        return training_get_for_user(user=request.user, pk=kwargs["pk"])


class TrainingVerifyView(_TrainingTransitionView):
    """An administrator of an organization employing the worker verifies a pending training (403
    for anyone else who sees it, 404 for whoever does not, 409 once decided)."""

    service = training_verify


class TrainingRejectView(_TrainingTransitionView):
    """An administrator of an organization employing the worker rejects a pending training with a
    reason, which the worker is told."""

    service = training_reject
    input_serializer = TrainingRejectSerializer


class WorkerTrainingSummaryView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses=TrainingSummarySerializer,
        description="The worker's continuing education in the current registration period (the three "
        "years ending on `registered_until`, both days included): hours required by the policy for "
        "the worker's level, verified and pending hours of trainings completed in it, and what remains. "
        "The worker, the organizations employing them and platform staff (403 for others).",
    )
    def get(self, request, pk):
        worker = worker_training_summary_get_for_user(user=request.user, pk=pk)
        return Response(TrainingSummarySerializer(worker_training_summary(worker=worker)).data)
