from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import IdOrCodeRelatedField, reference_pair
from apps.core.errors import NotFound
from apps.core.models import Category
from apps.workers.filters import WorkerFilter
from apps.workers.models import SocialWorker
from apps.workers.selectors import worker_get_for_user, worker_list
from apps.workers.services import worker_profile_save, worker_verify


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
