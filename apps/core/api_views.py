from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.selectors import is_platform_staff
from apps.core.errors import PermissionDenied
from apps.core.models import Category, PolicyVersion
from apps.core.rubric import rubric_items
from apps.core.selectors import category_list, policy_current
from apps.core.services import policy_update


class CategorySerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name")

    class Meta:
        model = Category
        fields = ["code", "name"]


class CategoryListView(APIView):
    @extend_schema(responses=CategorySerializer(many=True))
    def get(self, request):
        return Response(CategorySerializer(category_list(), many=True).data)


class PolicySerializer(serializers.ModelSerializer):
    class Meta:
        model = PolicyVersion
        fields = ["version", "created_at", *PolicyVersion.POLICY_KEYS]
        read_only_fields = ["version", "created_at"]


class PolicyView(APIView):
    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method != "GET" else []

    @extend_schema(responses=PolicySerializer)
    def get(self, request):
        return Response(PolicySerializer(policy_current()).data)

    @extend_schema(request=PolicySerializer, responses=PolicySerializer)
    def patch(self, request):
        if not is_platform_staff(request.user):
            raise PermissionDenied(_("Only platform staff change the policy."))
        serializer = PolicySerializer(policy_current(), data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        new = policy_update(user=request.user, changes=dict(serializer.validated_data))
        return Response(PolicySerializer(new).data)


class RubricView(APIView):
    @extend_schema(
        responses=inline_serializer(
            "RubricItem",
            {"code": serializers.CharField(), "name": serializers.CharField(), "weight": serializers.IntegerField()},
            many=True,
        )
    )
    def get(self, request):
        return Response(rubric_items())
