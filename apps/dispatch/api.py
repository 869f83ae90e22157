"""API v1 of dispatch (CONTRACT "Dispatch"): categories, units, work orders and their transitions."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import IdOrCodeRelatedField, TransitionView, reference_pair
from apps.core.errors import NotFound, PermissionDenied
from apps.core.ids import parse_id
from apps.core.parsers import DepthLimitedJSONParser
from apps.core.uploads import private_file_response
from apps.dispatch import services
from apps.dispatch.access import (
    can_report_in,
    can_see_reporter_contact,
    user_works_on_dispatch,
    work_order_get_for_user,
    work_order_get_public,
)
from apps.dispatch.models import DispatchCategory, Unit, WorkOrder
from apps.dispatch.selectors import (
    dispatch_category_list,
    unit_list,
    work_order_duplicates,
    work_order_list,
    work_order_public,
)
from apps.regions.models import Region


class DispatchCategorySerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name")

    class Meta:
        model = DispatchCategory
        fields = ["id", "code", "name", "severity", "respond_hours", "resolve_hours"]


class UnitSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code")
    region_id = reference_pair("region", shows="code")

    class Meta:
        model = Unit
        fields = ["id", "code", "name", "kind", "region", "region_id"]


@extend_schema_field({"type": "string", "description": "unit code (a numeric id is accepted too)"})
class UnitRefField(serializers.RelatedField):
    """A unit given by its code (or its numeric id); shown as its code."""

    default_error_messages = {"does_not_exist": _("No unit with this code."), "invalid": _("A unit code.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Unit.objects.all())
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, str | int) or len(str(data)) > 40:
            self.fail("invalid")
        qs = self.get_queryset()
        unit = qs.filter(code=str(data)).first()
        if unit is None and parse_id(data):
            unit = qs.filter(pk=parse_id(data)).first()
        if unit is None:
            self.fail("does_not_exist")
        return unit

    def to_representation(self, value):
        return value.code


class PhotoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()

    def get_url(self, photo) -> str:
        return reverse("dispatch-api:work-order-photo", kwargs={"pk": photo.order_id, "photo_id": photo.pk})


class CoReplySerializer(serializers.Serializer):
    unit = serializers.CharField(source="unit.code")
    action = serializers.CharField()
    created_at = serializers.DateTimeField()


class EventSerializer(serializers.Serializer):
    kind = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    actor = serializers.CharField(source="actor.username", default=None, allow_null=True)
    unit = serializers.CharField(source="unit.code", default=None, allow_null=True)
    note = serializers.CharField()
    created_at = serializers.DateTimeField()


NOT_PUBLIC = 'null unless you are a party to the order (README, "What is public").'


class WorkOrderSerializer(serializers.ModelSerializer):
    """A work order. With context ``public`` (readers who are not parties to it), only its public
    form (``selectors.work_order_public``, the rule Open311 reads follow too): the other fields
    are null or empty, and the location is rounded to about 100 m."""

    community = serializers.CharField(source="community.code")
    community_id = reference_pair("community", shows="code")
    grid = serializers.CharField(source="grid.code", default=None, allow_null=True)
    grid_id = reference_pair("grid", shows="code", allow_null=True)
    category = serializers.CharField(source="category.code")
    category_id = reference_pair("category", shows="code")
    reporter = serializers.CharField(source="reporter.username", allow_null=True, help_text=NOT_PUBLIC)
    reporter_phone = serializers.SerializerMethodField(help_text="Only for the community and the lead unit.")
    reporter_email = serializers.SerializerMethodField(help_text="Only for the community and the lead unit.")
    lead_unit = serializers.CharField(source="lead_unit.code", default=None, allow_null=True)
    co_units = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    overdue = serializers.SerializerMethodField()
    photos = PhotoSerializer(many=True, read_only=True)
    co_replies = CoReplySerializer(many=True, read_only=True)

    class Meta:
        model = WorkOrder
        fields = [
            "id",
            "community",
            "community_id",
            "grid",
            "grid_id",
            "category",
            "category_id",
            "description",
            "address",
            "lat",
            "lon",
            "source",
            "status",
            "reporter",
            "reporter_phone",
            "reporter_email",
            "lead_unit",
            "co_units",
            "dispatch_note",
            "dispatched_at",
            "respond_by",
            "resolve_by",
            "accepted_at",
            "contacted",
            "action",
            "completion_by",
            "handled_at",
            "rating",
            "resolved",
            "rating_comment",
            "closed_at",
            "reopened_count",
            "escalation_level",
            "overdue",
            "photos",
            "co_replies",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            name: {"allow_null": True, "help_text": NOT_PUBLIC}
            for name in ("address", "dispatch_note", "contacted", "action", "rating_comment")
        }

    def to_representation(self, order):
        if not self.context.get("public"):
            return super().to_representation(order)
        row = {
            name: [] if isinstance(field, serializers.ListSerializer | serializers.ManyRelatedField) else None
            for name, field in self.fields.items()
        }
        row.update({name: value for name, value in work_order_public(order).items() if name in row})
        return row

    def _contact_visible(self, order) -> bool:
        request = self.context.get("request")
        return bool(request) and can_see_reporter_contact(request.user, order)

    def get_reporter_phone(self, order) -> str | None:
        return order.reporter_phone if self._contact_visible(order) else None

    def get_reporter_email(self, order) -> str | None:
        return order.reporter_email if self._contact_visible(order) else None

    def get_overdue(self, order) -> bool:
        return order.is_overdue()


class WorkOrderDetailSerializer(WorkOrderSerializer):
    events = EventSerializer(many=True, read_only=True)

    class Meta(WorkOrderSerializer.Meta):
        fields = [*WorkOrderSerializer.Meta.fields, "events"]


class WorkOrderCreateSerializer(serializers.Serializer):
    community = IdOrCodeRelatedField(queryset=Region.objects.filter(level="community"), shows="code")
    grid = IdOrCodeRelatedField(
        queryset=Region.objects.filter(level="grid"), shows="code", required=False, allow_null=True
    )
    category = IdOrCodeRelatedField(queryset=DispatchCategory.objects.all(), shows="code")
    description = serializers.CharField(max_length=2000)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    lat = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False, allow_null=True
    )
    lon = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-180, max_value=180, required=False, allow_null=True
    )
    reporter_phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    reporter_email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    photos = serializers.ListField(
        child=serializers.FileField(max_length=200), required=False, max_length=services.MAX_PHOTOS
    )
    confirm_not_duplicate = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Without it, a report of the same category on the same grid within 7 days of an open "
        "order is refused with 409 and the candidates in `duplicates`; resend with true to report anyway.",
    )


class DuplicateCandidateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    category = serializers.CharField(source="category.code")
    category_id = reference_pair("category", shows="code")
    description = serializers.CharField()
    address = serializers.CharField()
    created_at = serializers.DateTimeField()


class DispatchSerializer(serializers.Serializer):
    lead_unit = UnitRefField()
    co_units = serializers.ListField(child=UnitRefField(), required=False, default=list, max_length=20)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ReplySerializer(serializers.Serializer):
    accepted_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    contacted = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    action = serializers.CharField(max_length=2000)
    completion_by = serializers.DateField(required=False, allow_null=True, default=None)


class CoReplyInputSerializer(serializers.Serializer):
    action = serializers.CharField(max_length=2000)


class RateSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    resolved = serializers.BooleanField()
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class DispatchCategoryListView(generics.ListAPIView):
    serializer_class = DispatchCategorySerializer
    pagination_class = None

    def get_queryset(self):
        return dispatch_category_list()


@extend_schema(
    parameters=[
        OpenApiParameter("kind", enum=Unit.Kind.values),
        OpenApiParameter("region", str, description="region code: units in that region or below it"),
    ]
)
class UnitListView(generics.ListAPIView):
    serializer_class = UnitSerializer

    def get_queryset(self):
        params = self.request.query_params
        kind = params.get("kind") or None
        if kind and kind not in Unit.Kind.values:
            raise ValidationError({"kind": [f"One of: {', '.join(Unit.Kind.values)}."]})
        region = None
        if params.get("region"):
            region = Region.objects.filter(code=params["region"][:20]).first()
            if region is None:
                raise ValidationError({"region": [_("No region with this code.")]})
        return unit_list(kind=kind, region=region)


def _parse_bool(value: str | None, field: str) -> bool | None:
    if value in (None, ""):
        return None
    if value.lower() in ("true", "1", "yes"):
        return True
    if value.lower() in ("false", "0", "no"):
        return False
    raise ValidationError({field: [_("true or false.")]})


@extend_schema(
    parameters=[
        OpenApiParameter("status", enum=WorkOrder.Status.values),
        OpenApiParameter("community", str, description="community code (or a street/district code: orders within)"),
        OpenApiParameter("unit", str, description="unit code or id: orders it leads or co-handles"),
        OpenApiParameter("overdue", bool, description="true: only overdue orders; false: only the others"),
    ]
)
class WorkOrderListView(generics.ListAPIView):
    """Work orders. Those who have a part in them get the orders they work on, in full: units only
    the orders they handle, communities their own, officers their area, platform staff all.
    Anyone else, signed in or not, gets the public orders in their public form, as Open311's
    ``GET requests`` (README, "What is public")."""

    serializer_class = WorkOrderSerializer

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "POST" else []

    @property
    def reads_public(self) -> bool:
        return not user_works_on_dispatch(self.request.user)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "public": self.reads_public}

    parser_classes = [DepthLimitedJSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        params = self.request.query_params
        state = params.get("status") or None
        if state and state not in WorkOrder.Status.values:
            raise ValidationError({"status": [f"One of: {', '.join(WorkOrder.Status.values)}."]})
        community = None
        if params.get("community"):
            community = Region.objects.filter(code=params["community"][:20]).first()
            if community is None:
                raise ValidationError({"community": [_("No region with this code.")]})
        unit = None
        if params.get("unit"):
            try:
                unit = UnitRefField().to_internal_value(params["unit"])
            except serializers.ValidationError as exc:
                raise ValidationError({"unit": exc.detail}) from None
        overdue = _parse_bool(params.get("overdue"), "overdue")
        return work_order_list(
            user=self.request.user,
            status=state,
            community=community,
            unit=unit,
            overdue=overdue,
            public=self.reads_public,
        ).prefetch_related("co_replies__unit")

    @extend_schema(
        request={"application/json": WorkOrderCreateSerializer, "multipart/form-data": WorkOrderCreateSerializer},
        responses={
            201: WorkOrderSerializer,
            409: OpenApiResponse(
                inline_serializer(
                    "DuplicateSuspected",
                    {"detail": serializers.CharField(), "duplicates": DuplicateCandidateSerializer(many=True)},
                ),
                description="Possible duplicates: open orders of the same category on the same grid "
                "reported within 7 days. Resend with confirm_not_duplicate=true to report anyway.",
            ),
        },
    )
    def post(self, request):
        serializer = WorkOrderCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data["photos"] = data.get("photos") or []
        try:
            order = services.work_order_report(reporter=request.user, **data)
        except services.DuplicateSuspected as exc:
            return Response(
                {"detail": exc.message, "duplicates": DuplicateCandidateSerializer(exc.candidates, many=True).data},
                status=status.HTTP_409_CONFLICT,
            )
        return Response(WorkOrderSerializer(order, context={"request": request}).data, status=status.HTTP_201_CREATED)


@extend_schema(
    parameters=[
        OpenApiParameter("grid", str, required=True, description="grid code"),
        OpenApiParameter("category", str, required=True, description="dispatch category code"),
    ],
    responses=DuplicateCandidateSerializer(many=True),
    summary="Possible duplicates before reporting: open orders of the category on the grid within 7 days",
)
class WorkOrderDuplicatesView(APIView):
    """The same check POST work-orders/ makes, for forms that warn before sending. Only for those
    who may report in the grid's community."""

    permission_classes = [IsAuthenticated]

    def get(self, request):
        params = request.query_params
        grid = Region.objects.filter(code=params.get("grid", "")[:20], level="grid").select_related("parent").first()
        category = DispatchCategory.objects.filter(code=params.get("category", "")[:40]).first()
        errors = {}
        if grid is None:
            errors["grid"] = [_("No grid with this code.")]
        if category is None:
            errors["category"] = [_("No category with this code.")]
        if errors:
            raise ValidationError(errors)
        if not can_report_in(request.user, grid.parent):
            raise PermissionDenied(_("Only this community's staff and grid workers report its problems."))
        candidates = work_order_duplicates(grid=grid, category=category)[:5]
        return Response(DuplicateCandidateSerializer(candidates, many=True).data)


class WorkOrderDetailView(APIView):
    """An order in full for those who work on it; in its public form for anyone else."""

    @extend_schema(responses=WorkOrderDetailSerializer)
    def get(self, request, pk):
        try:
            order = work_order_get_for_user(user=request.user, pk=pk)
            public = False
        except NotFound:
            order = work_order_get_public(pk=pk)
            public = True
        return Response(WorkOrderDetailSerializer(order, context={"request": request, "public": public}).data)


class _WorkOrderTransitionView(TransitionView):
    """A transition of a work order: answered with the order in full, read again with its events."""

    subject = "order"
    output_serializer = WorkOrderDetailSerializer

    def get_subject(self, request, pk):
        return work_order_get_for_user(user=request.user, pk=pk)

    def perform(self, request, subject, **data):
        super().perform(request, subject, **data)
        return work_order_get_for_user(user=request.user, pk=subject.pk)


@extend_schema(summary="Community calls the street → called")
class WorkOrderCallView(_WorkOrderTransitionView):
    service = services.work_order_call


@extend_schema(summary="Dispatch → dispatched")
class WorkOrderDispatchView(_WorkOrderTransitionView):
    service = services.work_order_dispatch
    input_serializer = DispatchSerializer


@extend_schema(summary="Lead unit accepts → accepted")
class WorkOrderAcceptView(_WorkOrderTransitionView):
    service = services.work_order_accept


@extend_schema(summary="Lead unit replies → handled")
class WorkOrderReplyView(_WorkOrderTransitionView):
    service = services.work_order_reply
    input_serializer = ReplySerializer


@extend_schema(summary="Co-handler replies")
class WorkOrderCoReplyView(_WorkOrderTransitionView):
    service = services.work_order_co_reply
    input_serializer = CoReplyInputSerializer


@extend_schema(summary="Community rates → closed when resolved, else dispatched again (reopened_count + 1)")
class WorkOrderRateView(_WorkOrderTransitionView):
    service = services.work_order_rate
    input_serializer = RateSerializer


class WorkOrderPhotoView(APIView):
    """The photo's bytes, after the same access check as the order."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={(200, "image/*"): OpenApiResponse(description="the photo")})
    def get(self, request, pk, photo_id):
        order = work_order_get_for_user(user=request.user, pk=pk)
        photo = order.photos.filter(pk=photo_id).first()
        if photo is None:
            raise NotFound("Photo not found.")
        response = private_file_response(photo.file)
        response["Content-Type"] = photo.mime
        return response
