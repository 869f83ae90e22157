from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.adapter import client_ip
from apps.accounts.models import ApiToken
from apps.accounts.selectors import api_token_get_for_user, api_tokens_of_user, is_platform_staff, memberships_active
from apps.accounts.services import api_token_revoke, api_token_sign_in
from apps.core.api import reference_pair
from apps.core.errors import PermissionDenied
from apps.core.models import PolicyVersion
from apps.core.selectors import policy_current
from apps.core.services import policy_update


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150, help_text=_("Username or e-mail address."))
    password = serializers.CharField(max_length=256, trim_whitespace=False)
    otp = serializers.CharField(
        max_length=16,
        required=False,
        allow_blank=True,
        help_text=_("The current one-time code (TOTP); required for platform staff, reviewers and fund managers."),
    )
    label = serializers.CharField(
        max_length=100, required=False, allow_blank=True, help_text=_("A name for the token, to recognise it later.")
    )


class TokenView(APIView):
    authentication_classes: list = []
    permission_classes: list = []

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: inline_serializer(
                "TokenResponse", {"token": serializers.CharField(), "expires_at": serializers.DateTimeField()}
            ),
            400: OpenApiResponse(
                inline_serializer(
                    "TokenRequestError",
                    {
                        "detail": serializers.CharField(required=False),
                        **{
                            field: serializers.ListField(child=serializers.CharField(), required=False)
                            for field in ("username", "password", "otp", "label")
                        },
                    },
                ),
                description="Wrong credentials (detail), a missing or wrong one-time code (otp), or invalid fields.",
            ),
            429: OpenApiResponse(
                inline_serializer("TokenLockedOut", {"detail": serializers.CharField()}),
                description="Too many failed sign-ins for this account; try again later.",
            ),
        },
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        token, key = api_token_sign_in(
            request=request,
            identifier=data["username"],
            password=data["password"],
            otp=data.get("otp", ""),
            label=data.get("label", ""),
            ip=client_ip(request),
        )
        return Response({"token": key, "expires_at": token.expires_at})


class ApiTokenSerializer(serializers.ModelSerializer):
    created = serializers.DateTimeField(source="created_at")
    last_used = serializers.DateTimeField(source="last_used_at", allow_null=True)

    class Meta:
        model = ApiToken
        fields = ["id", "created", "expires_at", "last_used", "label"]


class ApiTokenListView(generics.ListAPIView):
    """The signed-in user's API tokens (never their keys)."""

    permission_classes = [IsAuthenticated]
    serializer_class = ApiTokenSerializer
    queryset = ApiToken.objects.none()  # for the schema; requests read get_queryset

    def get_queryset(self):
        return api_tokens_of_user(self.request.user)


class ApiTokenDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={204: None, 404: OpenApiResponse(description="Not one of your tokens.")})
    def delete(self, request, token_id: int):
        api_token_revoke(token=api_token_get_for_user(user=request.user, token_id=token_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class RoleSerializer(serializers.Serializer):
    role = serializers.CharField()
    community = serializers.CharField(source="community.code", allow_null=True, default=None)
    community_id = reference_pair("community", shows="code", allow_null=True)
    organization = serializers.IntegerField(source="organization_id", allow_null=True)
    organization_code = reference_pair("organization", shows="id", code_field="credit_code", allow_null=True)
    fund = serializers.IntegerField(source="fund_id", allow_null=True)
    fund_code = reference_pair("fund", shows="id", allow_null=True)
    region = serializers.CharField(source="region.code", allow_null=True, default=None)
    region_id = reference_pair("region", shows="code", allow_null=True)
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


# The policy values are the kernel's; who may change them is an accounts rule (platform staff).
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
        new = policy_update(actor=request.user, changes=dict(serializer.validated_data))
        return Response(PolicySerializer(new).data)
