"""API v1 of equity cooperation (CONTRACT "Funds and ledger": cooperatives)."""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import User
from apps.cooperatives import access, services
from apps.cooperatives.models import Cooperative, Distribution, ShareHolder, ShareTransfer
from apps.core.api import CodeField, MoneyField
from apps.core.money import fen_to_str
from apps.organizations.models import Organization
from apps.regions.models import Region

PERCENT = {"max_digits": 5, "decimal_places": 2, "coerce_to_string": True}


class CooperativeSerializer(serializers.ModelSerializer):
    community = CodeField(queryset=Region.objects.filter(level="community"))
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), required=False, allow_null=True
    )
    registered_capital = MoneyField()
    public_welfare_percent = serializers.DecimalField(min_value=0, max_value=100, required=False, **PERCENT)
    total_shares = serializers.SerializerMethodField()

    class Meta:
        model = Cooperative
        fields = [
            "id",
            "name",
            "community",
            "organization",
            "registered_capital",
            "public_welfare_percent",
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


class DistributionRequestSerializer(serializers.Serializer):
    fiscal_year = serializers.IntegerField(min_value=1990, max_value=2100)
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

    class Meta:
        model = Distribution
        fields = [
            "id",
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
            "created_at",
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
            user=request.user,
            name=d["name"],
            community=d["community"],
            registered_capital=d["registered_capital"],
            organization=d.get("organization"),
            public_welfare_percent=d.get("public_welfare_percent"),
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
            user=request.user,
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
            user=request.user,
            cooperative=coop,
            from_holder=d["from_holder"],
            to_holder=d["to_holder"],
            shares=d["shares"],
        )
        return Response(TransferSerializer(transfer).data, status=status.HTTP_201_CREATED)


class DistributionListCreate(generics.ListCreateAPIView):
    """Distributions (history). Declaring one for a fiscal year runs the waterfall: prior
    losses, statutory reserve (policy ``statutory_reserve_percent``), public welfare to the
    community fund (the cooperative's ``public_welfare_percent``), dividend pool (capped at
    policy ``dividend_cap_percent`` of distributable profit for a certified social enterprise;
    the excess is ``retained``), allocated by shares held on ``record_date``, exact to the fen,
    and booked in the ledger. Once per fiscal year (409 after)."""

    serializer_class = DistributionSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.serializer_class.Meta.model.objects.none()
        coop = access.cooperative_get_for_user(user=self.request.user, cooperative_id=self.kwargs["pk"])
        return coop.distributions.select_related("cooperative").prefetch_related("allocations__holder")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "user": self.request.user}

    @extend_schema(request=DistributionRequestSerializer, responses={201: DistributionSerializer})
    def post(self, request, pk):
        coop = access.cooperative_get_for_user(user=request.user, cooperative_id=pk)
        s = DistributionRequestSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        distribution = services.distribution_create(user=request.user, cooperative=coop, **s.validated_data)
        return Response(
            DistributionSerializer(distribution, context={"user": request.user}).data, status=status.HTTP_201_CREATED
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
        waterfall, meta = services.distribution_preview(user=request.user, cooperative=coop, **s.validated_data)
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
        allocation = services.dividend_pay(user=request.user, allocation=allocation)
        return Response(AllocationSerializer(allocation).data)
