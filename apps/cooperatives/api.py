"""API v1 of equity cooperation (CONTRACT "Funds and ledger": cooperatives)."""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import User
from apps.cooperatives import access, services
from apps.cooperatives.models import Cooperative, CooperativeProfit, Distribution, ShareHolder, ShareTransfer
from apps.core.api import IdOrCodeRelatedField, MoneyField, reference_pair
from apps.core.money import fen_to_str
from apps.core.uploads import private_file_response
from apps.organizations.models import Organization
from apps.regions.models import Region

PERCENT = {"max_digits": 5, "decimal_places": 2, "coerce_to_string": True}


class CooperativeSerializer(serializers.ModelSerializer):
    community = IdOrCodeRelatedField(queryset=Region.objects.filter(level="community"), shows="code")
    community_id = reference_pair("community", shows="code")
    organization = IdOrCodeRelatedField(
        queryset=Organization.objects.all(), code_field="credit_code", required=False, allow_null=True
    )
    organization_code = reference_pair("organization", shows="id", code_field="credit_code", allow_null=True)
    registered_capital = MoneyField()
    public_welfare_percent = serializers.DecimalField(min_value=0, max_value=100, required=False, **PERCENT)
    registered_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Founding (registration) date; fiscal years run from its year. Default: the registered "
        "organization's date, else the day the cooperative is entered here.",
    )
    total_shares = serializers.SerializerMethodField()

    class Meta:
        model = Cooperative
        fields = [
            "id",
            "name",
            "community",
            "community_id",
            "organization",
            "organization_code",
            "registered_capital",
            "public_welfare_percent",
            "registered_on",
            "total_shares",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]

    def get_total_shares(self, obj) -> int:
        return sum(h.shares for h in obj.holders.all())


class HolderSerializer(serializers.ModelSerializer):
    holder_type = serializers.ChoiceField(choices=ShareHolder.HolderType.choices)
    shares = serializers.IntegerField(min_value=0, max_value=10**15)
    certificate_no = serializers.CharField(max_length=40)
    user = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = ShareHolder
        fields = ["id", "name", "holder_type", "shares", "certificate_no", "user", "created_at"]
        read_only_fields = ["id", "created_at"]


class TransferSerializer(serializers.ModelSerializer):
    shares = serializers.IntegerField(min_value=1, max_value=10**15)

    class Meta:
        model = ShareTransfer
        fields = ["id", "from_holder", "to_holder", "shares", "transferred_on", "created_at"]
        read_only_fields = ["id", "transferred_on", "created_at"]
        extra_kwargs = {
            "from_holder": {"queryset": ShareHolder.objects.all()},
            "to_holder": {"queryset": ShareHolder.objects.all()},
        }


class ProfitSerializer(serializers.ModelSerializer):
    amount = MoneyField()
    statement = serializers.FileField(
        write_only=True, help_text="The year's financial statement: PDF, image or Office file (checked by content)."
    )
    statement_name = serializers.CharField(read_only=True)
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True)

    class Meta:
        model = CooperativeProfit
        fields = ["id", "fiscal_year", "amount", "statement", "statement_name", "recorded_by", "recorded_at"]
        read_only_fields = ["id", "recorded_at"]
        extra_kwargs = {"fiscal_year": {"min_value": 1, "max_value": 9999}}


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, allow_blank=True)


class DistributionRequestSerializer(serializers.Serializer):
    fiscal_year = serializers.IntegerField(min_value=1, max_value=9999)
    distributable_profit = MoneyField()
    prior_losses = MoneyField(required=False, default=Decimal("0.00"))
    record_date = serializers.DateField(
        required=False, help_text="Shares held at the end of this day count (default today)."
    )


class AllocationSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    holder = serializers.IntegerField(source="holder_id")
    name = serializers.CharField(source="holder.name")
    shares = serializers.IntegerField()
    amount = MoneyField()
    paid_at = serializers.DateTimeField(read_only=True, allow_null=True)


class DistributionSerializer(serializers.ModelSerializer):
    distributable_profit = MoneyField()
    prior_losses = MoneyField()
    losses_covered = MoneyField()
    reserve = MoneyField()
    public_welfare = MoneyField()
    dividend_pool = MoneyField()
    retained = MoneyField()
    allocations = serializers.SerializerMethodField()
    declared_by = serializers.CharField(source="created_by.username", read_only=True)
    decided_by = serializers.CharField(source="decided_by.username", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Distribution
        fields = [
            "id",
            "status",
            "fiscal_year",
            "record_date",
            "distributable_profit",
            "prior_losses",
            "losses_covered",
            "reserve",
            "public_welfare",
            "dividend_pool",
            "retained",
            "statutory_reserve_percent",
            "public_welfare_percent",
            "dividend_cap_percent",
            "allocations",
            "declared_by",
            "created_at",
            "decided_by",
            "decided_at",
            "reject_reason",
        ]

    def get_allocations(self, obj) -> list[dict]:
        allocations = obj.allocations.all()
        user = self.context.get("user")
        if user is not None and not access.user_sees_register(user, obj.cooperative):
            allocations = [a for a in allocations if a.holder.user_id == user.pk]
        return AllocationSerializer(allocations, many=True).data


def _waterfall_body(waterfall, meta) -> dict:
    return {
        "fiscal_year": None,
        "record_date": meta["record_date"].isoformat(),
        "certified_social_enterprise": meta["certified_social_enterprise"],
        "dividend_cap_percent": None if meta["cap_percent"] is None else f"{meta['cap_percent']:.2f}",
        "dividend_cap": None if waterfall.cap is None else fen_to_str(waterfall.cap),
        "distributable_profit": fen_to_str(waterfall.distributable_profit),
        "prior_losses": fen_to_str(waterfall.prior_losses),
        "losses_covered": fen_to_str(waterfall.losses_covered),
        "reserve": fen_to_str(waterfall.reserve),
        "public_welfare": fen_to_str(waterfall.public_welfare),
        "dividend_pool": fen_to_str(waterfall.dividend_pool),
        "retained": fen_to_str(waterfall.retained),
        "steps": [
            {"step": s["step"], "amount": fen_to_str(s["amount"]), "remaining": fen_to_str(s["remaining"])}
            for s in waterfall.steps
        ],
        "allocations": [
            {"holder": h.pk, "name": h.name, "shares": shares, "amount": fen_to_str(fen)}
            for h, shares, fen in waterfall.allocations
        ],
    }


class CooperativeListCreate(generics.ListCreateAPIView):
    """Cooperatives the user may see. Creating one: community_staff of that community or
    platform_staff. ``public_welfare_percent`` (default 10) is the share of the profit left
    after losses and the statutory reserve that goes to the community fund."""

    serializer_class = CooperativeSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return access.cooperatives_for_user(self.request.user).prefetch_related("holders")

    @extend_schema(request=CooperativeSerializer, responses={201: CooperativeSerializer})
    def post(self, request):
        s = CooperativeSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        coop = services.cooperative_create(
            actor=request.user,
            name=d["name"],
            community=d["community"],
            registered_capital=d["registered_capital"],
            organization=d.get("organization"),
            public_welfare_percent=d.get("public_welfare_percent"),
            registered_on=d.get("registered_on"),
        )
        return Response(CooperativeSerializer(coop).data, status=status.HTTP_201_CREATED)


class CooperativeDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=CooperativeSerializer)
    def get(self, request, pk):
        return Response(
            CooperativeSerializer(access.cooperative_get_for_user(user=request.user, cooperative_id=pk)).data
        )


class HolderListCreate(generics.ListCreateAPIView):
    """The share register (the whole register for the community's staff and fund manager; a
    linked holder sees only their own holding). Adding a holder issues their shares."""

    serializer_class = HolderSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.serializer_class.Meta.model.objects.none()
        coop = access.cooperative_get_for_user(user=self.request.user, cooperative_id=self.kwargs["pk"])
        return access.holders_for_user(self.request.user, coop).select_related("user")

    @extend_schema(request=HolderSerializer, responses={201: HolderSerializer})
    def post(self, request, pk):
        coop = access.cooperative_get_for_user(user=request.user, cooperative_id=pk)
        s = HolderSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        holder = services.holder_add(
            actor=request.user,
            cooperative=coop,
            name=d["name"],
            holder_type=d["holder_type"],
            shares=d["shares"],
            certificate_no=d["certificate_no"],
            holder_user=d.get("user"),
        )
        return Response(HolderSerializer(holder).data, status=status.HTTP_201_CREATED)


class TransferListCreate(generics.ListCreateAPIView):
    """Share transfers (history). Recording one: the community's staff; the giver must hold
    enough shares (400 on ``shares`` otherwise)."""

    serializer_class = TransferSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.serializer_class.Meta.model.objects.none()
        coop = access.cooperative_get_for_user(user=self.request.user, cooperative_id=self.kwargs["pk"])
        qs = coop.share_transfers.all()
        if not access.user_sees_register(self.request.user, coop):
            qs = qs.filter(from_holder__user=self.request.user) | qs.filter(to_holder__user=self.request.user)
        return qs

    @extend_schema(request=TransferSerializer, responses={201: TransferSerializer})
    def post(self, request, pk):
        coop = access.cooperative_get_for_user(user=request.user, cooperative_id=pk)
        s = TransferSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        transfer = services.share_transfer_create(
            actor=request.user,
            cooperative=coop,
            from_holder=d["from_holder"],
            to_holder=d["to_holder"],
            shares=d["shares"],
        )
        return Response(TransferSerializer(transfer).data, status=status.HTTP_201_CREATED)


class ProfitListCreate(generics.ListCreateAPIView):
    """A cooperative's recorded yearly profits. Recording one (multipart: ``fiscal_year``,
    ``amount``, ``statement``): the cooperative's managers (community_staff of its community)
    record the year's profit with its financial statement; it is booked as income to the
    cooperative's ``undistributed_profit`` account, the only money a distribution may share out.
    The fiscal year runs from the founding year to last year (400 on ``fiscal_year``); once per
    year (409 after)."""

    serializer_class = ProfitSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return CooperativeProfit.objects.none()
        coop = access.cooperative_get_for_user(user=self.request.user, cooperative_id=self.kwargs["pk"])
        return coop.profits.select_related("recorded_by")

    @extend_schema(request={"multipart/form-data": ProfitSerializer}, responses={201: ProfitSerializer})
    def post(self, request, pk):
        coop = access.cooperative_get_for_user(user=request.user, cooperative_id=pk)
        s = ProfitSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        profit = services.profit_record(
            actor=request.user,
            cooperative=coop,
            fiscal_year=d["fiscal_year"],
            amount=d["amount"],
            statement=d["statement"],
        )
        return Response(ProfitSerializer(profit).data, status=status.HTTP_201_CREATED)


class ProfitStatement(APIView):
    """The financial statement of a recorded profit, for the cooperative's parties only."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={(200, "*/*"): OpenApiTypes.BINARY})
    def get(self, request, pk, pid):
        coop = access.cooperative_get_for_user(user=request.user, cooperative_id=pk)
        profit = access.profit_get_for_user(user=request.user, coop=coop, profit_id=pid)
        return private_file_response(profit.statement, download_name=profit.statement_name)


class DistributionListCreate(generics.ListCreateAPIView):
    """Distributions (history). Declaring one for a fiscal year (the cooperative's managers)
    runs the waterfall: prior losses, statutory reserve (policy ``statutory_reserve_percent``),
    public welfare to the community fund (the cooperative's ``public_welfare_percent``),
    dividend pool (capped at policy ``dividend_cap_percent`` of distributable profit for a
    certified social enterprise; the excess is ``retained``), allocated by shares held on
    ``record_date``, exact to the fen. It answers ``status: "declared"`` and books nothing: the
    community fund's manager approves it (``…/approve/``), which books it. ``distributable_profit``
    may not exceed the year's recorded profit not yet distributed (400 naming the amount left);
    ``fiscal_year`` runs from the founding year to last year (400). Once per fiscal year unless
    rejected (409 after)."""

    serializer_class = DistributionSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.serializer_class.Meta.model.objects.none()
        coop = access.cooperative_get_for_user(user=self.request.user, cooperative_id=self.kwargs["pk"])
        return coop.distributions.select_related("cooperative", "created_by", "decided_by").prefetch_related(
            "allocations__holder"
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "user": self.request.user}

    @extend_schema(request=DistributionRequestSerializer, responses={201: DistributionSerializer})
    def post(self, request, pk):
        coop = access.cooperative_get_for_user(user=request.user, cooperative_id=pk)
        s = DistributionRequestSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        distribution = services.distribution_create(actor=request.user, cooperative=coop, **s.validated_data)
        return Response(
            DistributionSerializer(distribution, context={"user": request.user}).data, status=status.HTTP_201_CREATED
        )


def _decided(request, pk, did, decide) -> Response:
    coop = access.cooperative_get_for_user(user=request.user, cooperative_id=pk)
    distribution = access.distribution_get_for_user(user=request.user, coop=coop, distribution_id=did)
    distribution = decide(distribution)
    return Response(DistributionSerializer(distribution, context={"user": request.user}).data)


class DistributionApprove(APIView):
    """The community fund's manager approves a declared distribution: it is booked now, out of
    the cooperative's undistributed profit, to the fund (public welfare), the holders (dividends
    owed) and the parts that stay with the cooperative (reserve, losses covered, retained). The
    person who declared it may not approve it (403); a decided distribution is a 409."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=DistributionSerializer)
    def post(self, request, pk, did):
        return _decided(request, pk, did, lambda d: services.distribution_approve(actor=request.user, distribution=d))


class DistributionReject(APIView):
    """The community fund's manager rejects a declared distribution (``reason`` required): nothing
    is booked and the year may be declared again."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=RejectSerializer, responses=DistributionSerializer)
    def post(self, request, pk, did):
        s = RejectSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        reason = s.validated_data["reason"]
        return _decided(
            request, pk, did, lambda d: services.distribution_reject(actor=request.user, distribution=d, reason=reason)
        )


class DistributionPreview(APIView):
    """The waterfall step by step, computed exactly as a distribution would be, without saving
    or booking anything."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=DistributionRequestSerializer, responses=dict)
    def post(self, request, pk):
        coop = access.cooperative_get_for_user(user=request.user, cooperative_id=pk)
        s = DistributionRequestSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        waterfall, meta = services.distribution_preview(actor=request.user, cooperative=coop, **s.validated_data)
        body = _waterfall_body(waterfall, meta)
        body["fiscal_year"] = s.validated_data["fiscal_year"]
        return Response(body)


class DividendPay(APIView):
    """The cooperative's manager pays one holder's dividend: booked in the ledger exactly once;
    paying it again is a 409 and books nothing."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=AllocationSerializer)
    def post(self, request, pk, did, aid):
        coop = access.cooperative_get_for_user(user=request.user, cooperative_id=pk)
        distribution = access.distribution_get_for_user(user=request.user, coop=coop, distribution_id=did)
        allocation = access.allocation_get_for_user(user=request.user, distribution=distribution, allocation_id=aid)
        allocation = services.dividend_pay(actor=request.user, allocation=allocation)
        return Response(AllocationSerializer(allocation).data)
