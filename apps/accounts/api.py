from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.selectors import memberships_active
from apps.accounts.services import (
    login_failure_record,
    login_failures_clear,
    login_is_locked,
    token_for,
)


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=256, trim_whitespace=False)


class TokenView(APIView):
    authentication_classes: list = []
    permission_classes: list = []

    @extend_schema(
        request=TokenRequestSerializer,
        responses=inline_serializer("TokenResponse", {"token": serializers.CharField()}),
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        username = serializer.validated_data["username"]
        if login_is_locked(username=username):
            return Response(
                {"detail": _("Too many failed sign-ins. Try again in 15 minutes.")},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
        user = authenticate(request, username=username, password=serializer.validated_data["password"])
        if user is None or not user.is_active:
            login_failure_record(username=username, ip=request.META.get("REMOTE_ADDR"))
            return Response(
                {"detail": _("Unable to sign in with these credentials.")}, status=status.HTTP_400_BAD_REQUEST
            )
        login_failures_clear(username=username)
        return Response({"token": token_for(user=user)})


class RoleSerializer(serializers.Serializer):
    role = serializers.CharField()
    community = serializers.CharField(source="community.code", allow_null=True, default=None)
    organization = serializers.IntegerField(source="organization_id", allow_null=True)
    fund = serializers.IntegerField(source="fund_id", allow_null=True)
    region = serializers.CharField(source="region.code", allow_null=True, default=None)
    unit = serializers.CharField(source="unit.code", allow_null=True, default=None)


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    display_name = serializers.CharField()
    email = serializers.EmailField()
    roles = serializers.SerializerMethodField()

    def get_roles(self, user) -> list[dict]:
        return RoleSerializer(memberships_active(user), many=True).data


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user).data)
