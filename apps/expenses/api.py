"""API of budget lines and expense claims (项目报销)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import IdField, MoneyField
from apps.core.errors import NotFound
from apps.core.parsers import DepthLimitedJSONParser
from apps.core.uploads import private_file_response
from apps.expenses import services
from apps.expenses.access import (
    budget_line_get_for_user,
    expense_get_for_user,
    expense_receipt_get_for_user,
    user_sees_expenses,
)
from apps.expenses.models import BudgetRevision, Expense, ExpenseReceipt
from apps.expenses.selectors import budget_lines_with_totals, expense_list, expense_payout_transfer
from apps.projects.access import project_get_for_user

# --- serializers ------------------------------------------------------------------------------


class ExpenseBudgetLineSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    amount = MoneyField(read_only=True)
    claimed = MoneyField(read_only=True)
    approved = MoneyField(read_only=True)
    paid = MoneyField(read_only=True)
    remaining = MoneyField(read_only=True, min_value=None)


class ExpenseBudgetReviseSerializer(serializers.Serializer):
    amount = MoneyField()
    title = serializers.CharField(max_length=120, required=False, allow_blank=True)
    reason = serializers.CharField(max_length=500)


class ExpenseBudgetRevisionSerializer(serializers.ModelSerializer):
    old_amount = MoneyField()
    new_amount = MoneyField()

    class Meta:
        model = BudgetRevision
        fields = ["id", "old_title", "new_title", "old_amount", "new_amount", "reason", "revised_by", "created_at"]


class ExpenseReceiptSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = ExpenseReceipt
        fields = ["id", "name", "mime", "size", "created_at", "url"]

    def get_url(self, receipt) -> str:
        return reverse("expense-receipt", args=[receipt.expense_id, receipt.pk])


class ExpenseClaimSerializer(serializers.ModelSerializer):
    amount = MoneyField()
    budget_line = serializers.IntegerField(source="line_id", read_only=True)
    budget_line_title = serializers.CharField(source="line.title", read_only=True)
    receipts = ExpenseReceiptSerializer(many=True, read_only=True)
    transfer = serializers.SerializerMethodField()

    class Meta:
        model = Expense
        fields = [
            "id",
            "project",
            "budget_line",
            "budget_line_title",
            "amount",
            "spent_on",
            "payee",
            "description",
            "status",
            "submitted_by",
            "submitted_at",
            "approved_by",
            "approved_at",
            "rejected_by",
            "rejected_at",
            "rejected_reason",
            "paid_by",
            "paid_at",
            "receipts",
            "transfer",
        ]

    def get_transfer(self, expense) -> int | None:
        """The ledger transfer that paid the claim (its number), once paid."""
        if expense.status != Expense.Status.PAID:
            return None
        if hasattr(expense, "payout_transfer_id"):
            return expense.payout_transfer_id
        transfer = expense_payout_transfer(expense=expense)
        return transfer.pk if transfer else None


class ExpenseClaimInputSerializer(serializers.Serializer):
    budget_line = IdField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    spent_on = serializers.DateField()
    payee = serializers.CharField(max_length=120)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    receipts = serializers.ListField(child=serializers.FileField(), required=False, max_length=10)


class ExpenseReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


# --- views ------------------------------------------------------------------------------------


class BudgetLineListView(APIView):
    """Public: the project's budget lines with the totals of the claims on each."""

    permission_classes: list = []

    @extend_schema(responses=ExpenseBudgetLineSerializer(many=True))
    def get(self, request, pk):
        project = project_get_for_user(user=request.user, pk=pk)
        services.budget_lines_ensure(project=project)
        return Response(ExpenseBudgetLineSerializer(budget_lines_with_totals(project=project), many=True).data)


class BudgetLineReviseView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=ExpenseBudgetReviseSerializer,
        responses=ExpenseBudgetLineSerializer,
        description="The community's staff change a line's budget (and title) with a reason, which is recorded. "
        "The budget never goes below what is claimed on the line (400).",
    )
    def post(self, request, pk, line_pk):
        project = project_get_for_user(user=request.user, pk=pk)
        services.budget_lines_ensure(project=project)
        line = budget_line_get_for_user(user=request.user, project=project, pk=line_pk)
        serializer = ExpenseBudgetReviseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.budget_line_revise(actor=request.user, line=line, **serializer.validated_data)
        line = budget_lines_with_totals(project=project).get(pk=line.pk)
        return Response(ExpenseBudgetLineSerializer(line).data)


class BudgetLineRevisionsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ExpenseBudgetRevisionSerializer(many=True))
    def get(self, request, pk, line_pk):
        project = project_get_for_user(user=request.user, pk=pk)
        if not user_sees_expenses(request.user, project):
            raise NotFound(_("Not found."))
        line = budget_line_get_for_user(user=request.user, project=project, pk=line_pk)
        return Response(ExpenseBudgetRevisionSerializer(line.revisions.all(), many=True).data)


class ProjectExpenseListView(generics.GenericAPIView):
    """The project's claims, for its parties; the organization claims with multipart."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, DepthLimitedJSONParser]
    serializer_class = ExpenseClaimSerializer
    queryset = Expense.objects.none()  # the schema's model; reads go through expense_list

    def project(self, request, pk):
        project = project_get_for_user(user=request.user, pk=pk)
        if not user_sees_expenses(request.user, project):
            raise NotFound(_("Not found."))
        return project

    @extend_schema(responses=ExpenseClaimSerializer(many=True))
    def get(self, request, pk):
        page = self.paginate_queryset(expense_list(project=self.project(request, pk)))
        return self.get_paginated_response(ExpenseClaimSerializer(page, many=True).data)

    @extend_schema(
        request={"multipart/form-data": ExpenseClaimInputSerializer},
        responses={201: ExpenseClaimSerializer},
        description="The organization claims an expense against a budget line with 1–10 `receipts` (PDF or image, "
        "checked by content, at most 10 MB each). Refused (400, nothing booked): an amount of zero or less or over "
        "the line's remaining budget (the message names it), a date outside the project's period, no receipt or a "
        "file that is not a PDF or an image.",
    )
    def post(self, request, pk):
        project = self.project(request, pk)
        serializer = ExpenseClaimInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.budget_lines_ensure(project=project)
        line = budget_line_get_for_user(user=request.user, project=project, pk=data["budget_line"])
        expense = services.expense_submit(
            actor=request.user,
            project=project,
            line=line,
            amount=data["amount"],
            spent_on=data["spent_on"],
            payee=data["payee"],
            description=data.get("description", ""),
            receipts=data.get("receipts", []),
        )
        expense = expense_list(project=project).get(pk=expense.pk)
        return Response(ExpenseClaimSerializer(expense).data, status=status.HTTP_201_CREATED)


class ExpenseDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ExpenseClaimSerializer)
    def get(self, request, pk):
        return Response(ExpenseClaimSerializer(expense_get_for_user(user=request.user, pk=pk)).data)


class ExpenseApproveView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses=ExpenseClaimSerializer,
        description="The community's staff approve a submitted claim (409 if not submitted).",
    )
    def post(self, request, pk):
        expense = services.expense_approve(actor=request.user, expense=expense_get_for_user(user=request.user, pk=pk))
        return Response(ExpenseClaimSerializer(expense).data)


class ExpenseRejectView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=ExpenseReasonSerializer,
        responses=ExpenseClaimSerializer,
        description="The community's staff reject a submitted claim, or the fund manager an approved one.",
    )
    def post(self, request, pk):
        expense = expense_get_for_user(user=request.user, pk=pk)
        serializer = ExpenseReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        expense = services.expense_reject(
            actor=request.user, expense=expense, reason=serializer.validated_data["reason"]
        )
        return Response(ExpenseClaimSerializer(expense).data)


class ExpensePayView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses=ExpenseClaimSerializer,
        description="The fund manager pays an approved claim out of the project's grant reservation, once (ledger "
        "key `expense:<id>:payout`; a second pay is 409). The person who approved it may not pay it (403).",
    )
    def post(self, request, pk):
        expense = expense_get_for_user(user=request.user, pk=pk)
        services.expense_pay(actor=request.user, expense=expense)
        return Response(ExpenseClaimSerializer(expense_get_for_user(user=request.user, pk=pk)).data)


class ExpenseReceiptDownloadView(APIView):
    """A receipt, streamed from private storage to the claim's parties only (404 to others)."""

    permission_classes: list = []

    @extend_schema(responses={(200, "*/*"): OpenApiTypes.BINARY})
    def get(self, request, pk, rid):
        expense = expense_get_for_user(user=request.user, pk=pk)
        receipt = expense_receipt_get_for_user(user=request.user, expense=expense, pk=rid)
        return private_file_response(receipt.file, download_name=receipt.name)
