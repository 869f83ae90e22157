from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.selectors import is_platform_staff
from apps.core.errors import PermissionDenied
from apps.ledger.selectors import ledger_verify


class LedgerVerifyView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        summary="Recompute every balance and hash chain (platform staff)",
        responses=inline_serializer(
            "LedgerVerify",
            {
                "ok": serializers.BooleanField(),
                "transfers": serializers.IntegerField(),
                "accounts": serializers.IntegerField(),
                "heads": serializers.DictField(),
                "faults": serializers.ListField(child=serializers.DictField()),
            },
        ),
    )
    def get(self, request):
        if not is_platform_staff(request.user):
            raise PermissionDenied("Only platform staff can verify the ledger.")
        report = ledger_verify()
        report.pop("first_bad", None)
        return Response(report)
