from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import MoneyField, reference_pair
from apps.core.errors import NotFound, ValidationFailed
from apps.core.money import decimal_to_fen, fen_to_decimal, fen_to_str
from apps.funds import selectors
from apps.funds.access import fund_get_public, fund_require_manager
from apps.funds.models import Donation, Fund
from apps.funds.services import (
    donation_create,
    fund_income_record,
    giving_interval_validate,
    giving_schedule_create,
)
from apps.ledger.labels import transfer_memo_display


class FenField(serializers.Field):
    def to_representation(self, value):
        return fen_to_str(value)


class FundSerializer(serializers.ModelSerializer):
    community_code = reference_pair("community", shows="id")
    community_name = serializers.CharField(source="community.name", read_only=True)
    balance = serializers.SerializerMethodField()

    class Meta:
        model = Fund
        fields = [
            "id",
            "code",
            "name",
            "community",
            "community_code",
            "community_name",
            "balance",
            "currency",
            "host_name",
        ]

    def get_balance(self, fund) -> str:
        return fen_to_str(self.context.get("balances", {}).get(fund.pk, 0))


class RestrictedSerializer(serializers.Serializer):
    purpose = serializers.CharField()
    balance = FenField()


class FundDetailSerializer(FundSerializer):
    total_in = serializers.SerializerMethodField()
    total_out = serializers.SerializerMethodField()
    restricted = serializers.SerializerMethodField()
    available = serializers.SerializerMethodField()
    reserved = serializers.SerializerMethodField()

    class Meta(FundSerializer.Meta):
        fields = [*FundSerializer.Meta.fields, "total_in", "total_out", "restricted", "available", "reserved"]

    def _summary(self, fund):
        return self.context["summary"]

    def get_balance(self, fund) -> str:
        return fen_to_str(self._summary(fund)["balance"])

    def get_total_in(self, fund) -> str:
        return fen_to_str(self._summary(fund)["total_in"])

    def get_total_out(self, fund) -> str:
        return fen_to_str(self._summary(fund)["total_out"])

    def get_available(self, fund) -> str:
        return fen_to_str(self._summary(fund)["available"])

    def get_reserved(self, fund) -> str:
        return fen_to_str(self._summary(fund)["reserved"])

    @extend_schema(responses=RestrictedSerializer(many=True))
    def get_restricted(self, fund) -> list:
        return [
            {"purpose": r["purpose"], "balance": fen_to_str(r["balance"])} for r in self._summary(fund)["restricted"]
        ]


class FundListView(generics.ListAPIView):
    serializer_class = FundSerializer
    queryset = Fund.objects.none()

    @extend_schema(summary="Community funds (public)")
    def get(self, request, *args, **kwargs):
        page = self.paginate_queryset(selectors.funds_public())
        balances = selectors.fund_balances(page)
        data = FundSerializer(page, many=True, context={"balances": balances}).data
        return self.get_paginated_response(data)


class FundDetailView(APIView):
    @extend_schema(summary="A fund's public books", responses=FundDetailSerializer)
    def get(self, request, pk):
        fund = fund_get_public(pk)
        return Response(FundDetailSerializer(fund, context={"summary": selectors.fund_summary(fund)}).data)


class PublicTransferSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    amount = serializers.CharField()
    direction = serializers.ChoiceField(choices=["in", "out"])
    created_at = serializers.DateTimeField()
    memo = serializers.CharField()
    donor_display = serializers.CharField(allow_null=True)
    hash = serializers.CharField()


def public_transfer_rows(transfers, donors):
    rows = []
    for t in transfers:
        net = t.net or 0
        donor = donors.get(t.reference) if t.reference.startswith("donation:") else None
        rows.append(
            {
                "id": t.pk,
                "kind": t.kind,
                "amount": fen_to_str(abs(net)),
                "direction": "in" if net < 0 else "out",
                "created_at": t.created_at,
                "memo": donor if donor is not None else transfer_memo_display(t.kind, t.memo),
                "donor_display": donor,
                "hash": t.hash,
            }
        )
    return rows


class FundTransfersView(generics.ListAPIView):
    serializer_class = PublicTransferSerializer
    queryset = Fund.objects.none()  # the schema's model of the path's pk; get() reads the transfers

    @extend_schema(summary="Every money movement of a fund (donors anonymised unless they opted in)")
    def get(self, request, pk):
        fund = fund_get_public(pk)
        page = self.paginate_queryset(selectors.fund_transfers(fund))
        rows = public_transfer_rows(page, selectors.donor_displays(page))
        return self.get_paginated_response(PublicTransferSerializer(rows, many=True).data)


class DonationCreateSerializer(serializers.Serializer):
    amount = MoneyField(min_value=fen_to_decimal(100), max_value=fen_to_decimal(100_000_000))
    purpose = serializers.CharField(required=False, allow_blank=True, max_length=40)
    donor_name = serializers.CharField(required=False, allow_blank=True, max_length=80)
    anonymous = serializers.BooleanField(default=True)
    email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    interval = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=20,
        help_text='Empty or "once" for a one-time gift; "month" for monthly giving (Checkout in subscription mode).',
    )


class DonationCreatedSerializer(serializers.Serializer):
    donation_id = serializers.IntegerField(allow_null=True, help_text="A one-time gift's donation; null when monthly.")
    schedule_id = serializers.IntegerField(allow_null=True, help_text="A monthly gift's schedule; null when one-time.")
    interval = serializers.CharField(help_text='"" (one-time) or "month".')
    checkout_url = serializers.CharField()
    stripe_session_id = serializers.CharField()


class DonationCreateView(APIView):
    @extend_schema(
        summary="Start a donation, one-time or monthly (Stripe Checkout)",
        request=DonationCreateSerializer,
        responses={201: DonationCreatedSerializer},
    )
    def post(self, request, pk):
        fund = fund_get_public(pk)
        ser = DonationCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        interval = giving_interval_validate(d.get("interval", ""))
        if interval == "month":
            schedule = giving_schedule_create(
                fund=fund,
                amount_fen=decimal_to_fen(d["amount"]),
                purpose=d.get("purpose", ""),
                donor_name=d.get("donor_name", ""),
                anonymous=d["anonymous"],
                email=d.get("email", ""),
            )
            return Response(
                {
                    "donation_id": None,
                    "schedule_id": schedule.pk,
                    "interval": interval,
                    "checkout_url": getattr(schedule, "checkout_url", ""),
                    "stripe_session_id": schedule.stripe_session_id,
                },
                status=status.HTTP_201_CREATED,
            )
        donation = donation_create(
            fund=fund,
            amount_fen=decimal_to_fen(d["amount"]),
            purpose=d.get("purpose", ""),
            donor_name=d.get("donor_name", ""),
            anonymous=d["anonymous"],
            email=d.get("email", ""),
        )
        return Response(
            {
                "donation_id": donation.pk,
                "schedule_id": None,
                "interval": "",
                "checkout_url": getattr(donation, "checkout_url", ""),
                "stripe_session_id": donation.stripe_session_id,
            },
            status=status.HTTP_201_CREATED,
        )


class ReceiptSerializer(serializers.Serializer):
    receipt_no = serializers.CharField()
    fund = serializers.CharField(help_text="The fund's name.")
    fund_id = serializers.IntegerField()
    fund_code = serializers.CharField()
    amount = serializers.CharField()
    date = serializers.DateField()
    status = serializers.CharField()
    purpose = serializers.CharField()


def receipt_data(donation) -> dict:
    return {
        "receipt_no": donation.receipt_no,
        "fund": donation.fund.name,
        "fund_id": donation.fund_id,
        "fund_code": donation.fund.code,
        "amount": fen_to_str(donation.amount_fen),
        "date": timezone.localtime(donation.paid_at).date().isoformat(),
        "status": donation.status,
        "purpose": donation.purpose,
        "refunded": fen_to_str(donation.refunded_fen),
        "host": donation.fund.host_name,
    }


class ReceiptVerifyView(APIView):
    @extend_schema(summary="Verify a donation receipt (public)", responses=ReceiptSerializer)
    def get(self, request, receipt_no):
        donation = Donation.objects.select_related("fund").filter(receipt_no=receipt_no[:64]).first()
        if donation is None:
            raise NotFound(_("No such receipt."))
        return Response(receipt_data(donation))


class IncomeSerializer(serializers.Serializer):
    amount = MoneyField(min_value=fen_to_decimal(1))
    source = serializers.CharField(max_length=200)
    memo = serializers.CharField(required=False, allow_blank=True, max_length=500)
    purpose = serializers.CharField(required=False, allow_blank=True, max_length=40)
    idempotency_key = serializers.CharField(max_length=120)


class IncomeView(APIView):
    @extend_schema(
        summary="Record money that came in outside Stripe (fund manager)",
        request=IncomeSerializer,
        responses={
            201: inline_serializer(
                "IncomeRecorded",
                {
                    "id": serializers.IntegerField(),
                    "transfer": serializers.IntegerField(),
                    "amount": serializers.CharField(),
                },
            )
        },
    )
    def post(self, request, pk):
        fund = fund_get_public(pk)
        fund_require_manager(request.user, fund.pk)
        ser = IncomeSerializer(data=request.data)
        if not ser.is_valid():
            raise ValidationFailed(field_errors=ser.errors)
        d = ser.validated_data
        income = fund_income_record(
            fund=fund,
            amount_fen=decimal_to_fen(d["amount"]),
            source=d["source"],
            memo=d.get("memo", ""),
            purpose=d.get("purpose", ""),
            idempotency_key=d["idempotency_key"],
            actor=request.user,
        )
        return Response(
            {"id": income.pk, "transfer": income.transfer_id, "amount": fen_to_str(income.amount_fen)},
            status=status.HTTP_201_CREATED,
        )
