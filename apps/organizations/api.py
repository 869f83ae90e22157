from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import Role
from apps.core.api import IdOrCodeRelatedField, reference_pair
from apps.organizations.filters import OrganizationFilter
from apps.organizations.models import Organization
from apps.organizations.selectors import organization_get_for_user, organization_list
from apps.organizations.services import (
    MEMBER_ROLES,
    organization_member_add,
    organization_register,
    organization_verify,
)
from apps.regions.models import Region


class OrganizationSerializer(serializers.ModelSerializer):
    region = IdOrCodeRelatedField(queryset=Region.objects.all(), shows="code")
    region_id = reference_pair("region", shows="code")
    credit_code = serializers.CharField(max_length=18, min_length=1)
    name = serializers.CharField(max_length=120)

    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "legal_form",
            "credit_code",
            "registered_on",
            "region",
            "region_id",
            "address",
            "description",
            "salaried_staff",
            "status",
            "verified_at",
        ]
        read_only_fields = ["id", "status", "verified_at"]


class OrganizationListView(generics.ListCreateAPIView):
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilter

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "POST" else []

    def get_queryset(self):
        return organization_list()

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        org = organization_register(actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(org).data, status=status.HTTP_201_CREATED)


class OrganizationDetailView(APIView):
    @extend_schema(responses=OrganizationSerializer)
    def get(self, request, pk):
        return Response(OrganizationSerializer(organization_get_for_user(user=request.user, pk=pk)).data)


class OrganizationVerifyView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=OrganizationSerializer)
    def post(self, request, pk):
        org = organization_get_for_user(user=request.user, pk=pk)
        return Response(OrganizationSerializer(organization_verify(actor=request.user, organization=org)).data)


class MemberAddSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    role = serializers.ChoiceField(choices=[(r.value, r.label) for r in MEMBER_ROLES])


class MemberSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField(source="user.username")
    role = serializers.ChoiceField(choices=Role.choices)
    organization = serializers.IntegerField(source="organization_id")
    organization_code = reference_pair("organization", shows="id", code_field="credit_code")


class OrganizationMembersView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=MemberAddSerializer, responses={201: MemberSerializer})
    def post(self, request, pk):
        org = organization_get_for_user(user=request.user, pk=pk)
        serializer = MemberAddSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = organization_member_add(actor=request.user, organization=org, **serializer.validated_data)
        return Response(MemberSerializer(membership).data, status=status.HTTP_201_CREATED)
