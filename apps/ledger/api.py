from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.selectors import is_platform_staff
from apps.core.errors import PermissionDenied
from apps.core.exports import Column, choice_label, csv_response, export_codes, export_table
from apps.core.money import fen_to_str
from apps.core.renderers import HEADERS_OPENAPI_PARAMETER
from apps.ledger.books import book_get_for_user, general_ledger, parse_day, trial_balance
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


_NO_SUCH_BOOK = OpenApiResponse(description="No such book (platform staff).")
_BOOK_PARAMETER = OpenApiParameter(
    "book",
    OpenApiTypes.STR,
    description="A book (`fund:<fund code>`); empty: every book (platform staff), or the fund manager's "
    "own fund's book.",
)


class LedgerTrialBalanceAccountSerializer(serializers.Serializer):
    account = serializers.CharField(help_text="The ledger's account code.")
    code = serializers.CharField(help_text="Code of the non-profit accounting system (民间非营利组织会计制度).")
    name = serializers.CharField()
    kind = serializers.CharField()
    owner_type = serializers.CharField()
    debit = serializers.DecimalField(max_digits=16, decimal_places=2, help_text="Yuan.")
    credit = serializers.DecimalField(max_digits=16, decimal_places=2, help_text="Yuan.")


class LedgerTrialBalanceSerializer(serializers.Serializer):
    at = serializers.DateField()
    book = serializers.CharField(allow_null=True)
    accounts = LedgerTrialBalanceAccountSerializer(many=True)
    total_debit = serializers.DecimalField(max_digits=18, decimal_places=2)
    total_credit = serializers.DecimalField(max_digits=18, decimal_places=2)


class LedgerTrialBalanceView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        summary="Trial balance at the end of a day (fund managers: their fund's book; platform staff: any or all)",
        parameters=[OpenApiParameter("at", OpenApiTypes.DATE, description="Default: today."), _BOOK_PARAMETER],
        responses={200: LedgerTrialBalanceSerializer, 404: _NO_SUCH_BOOK},
    )
    def get(self, request):
        at = parse_day(request.query_params.get("at"), "at", default=timezone.localdate())
        book = book_get_for_user(user=request.user, book=request.query_params.get("book"))
        report = trial_balance(at=at, book=book)
        return Response(
            {
                "at": at.isoformat(),
                "book": book,
                "accounts": [
                    {
                        "account": r.account,
                        "code": r.code,
                        "name": r.name,
                        "kind": r.kind,
                        "owner_type": r.owner_type,
                        "debit": fen_to_str(r.debit),
                        "credit": fen_to_str(r.credit),
                    }
                    for r in report["accounts"]
                ],
                "total_debit": fen_to_str(report["total_debit"]),
                "total_credit": fen_to_str(report["total_credit"]),
            }
        )


GENERAL_LEDGER_COLUMNS = [
    Column("code", _("account code")),
    Column("code_name", _("account title")),
    Column("account", _("ledger account")),
    Column("account_name", _("ledger account name")),
    Column("time", _("time")),
    Column("transfer", _("transfer ID")),
    Column("book", _("book")),
    Column("sequence", _("sequence in the book")),
    Column("kind", _("kind")),
    Column("kind_code", _("income or expense code")),
    Column("memo", _("memo")),
    Column("reference", _("reference")),
    Column("debit", _("debit (yuan)")),
    Column("credit", _("credit (yuan)")),
    # as ledgers print it: the side (借/贷/平) and the amount, never a negative figure
    Column(
        "balance_side",
        _("side of the balance"),
        choice_label([("debit", _("debit")), ("credit", _("credit")), ("zero", _("balanced"))]),
    ),
    Column("balance", _("balance (yuan)")),
    Column("hash", _("ledger hash")),
]


def _general_ledger_rows(lines, *, codes: bool):
    for line in lines:
        yield [
            line.code,
            line.code_name,
            line.account,
            line.account_name,
            line.time,
            line.transfer,
            line.book,
            line.sequence,
            line.kind if codes else line.kind_label,
            line.kind_code,
            line.memo,
            line.reference,
            fen_to_str(line.debit),
            fen_to_str(line.credit),
            "debit" if line.balance > 0 else "credit" if line.balance < 0 else "zero",
            fen_to_str(abs(line.balance)),
            line.hash,
        ]


class LedgerGeneralLedgerCsvView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        summary="General ledger: every leg with its account's running balance, streamed as CSV",
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, description="Default: the first day of this year."),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Default: today."),
            OpenApiParameter("account", OpenApiTypes.STR, description="One ledger account (its code)."),
            _BOOK_PARAMETER,
            HEADERS_OPENAPI_PARAMETER,
        ],
        responses={(200, "text/csv"): OpenApiTypes.BINARY, 404: _NO_SUCH_BOOK},
    )
    def get(self, request):
        params = request.query_params
        today = timezone.localdate()
        start = parse_day(params.get("from"), "from", default=today.replace(month=1, day=1))
        end = parse_day(params.get("to"), "to", default=today)
        book = book_get_for_user(user=request.user, book=params.get("book"))
        codes = export_codes(request)
        lines = general_ledger(start=start, end=end, book=book, account=params.get("account") or None)
        table = export_table(GENERAL_LEDGER_COLUMNS, _general_ledger_rows(lines, codes=codes), codes=codes)
        name = (book or "all").replace(":", "-")
        return csv_response(*table, filename=f"general-ledger-{name}-{start}-{end}.csv", streaming=True)
