import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import IdField
from apps.core.errors import PermissionDenied
from apps.core.models import Category
from apps.core.renderers import HEADERS_OPENAPI_PARAMETER, TableDownloadView
from apps.organizations.selectors import organization_get_for_user
from apps.projects.access import milestone_get_for_user, project_get_for_user, worker_hours_visible_to
from apps.projects.services import delivery_rating_record
from apps.stats.labels import table_columns
from apps.stats.scorecard import KINDS, scorecards
from apps.stats.selectors import (
    FIGURES,
    month_period,
    monthly_report,
    organization_figures,
    region_figures,
    stats_region_get_for_user,
    worker_figures,
)
from apps.stats.services import hours_plan_set
from apps.workers.selectors import worker_get_for_user


def _category_field():
    return serializers.SlugRelatedField(
        slug_field="code", queryset=Category.objects.all(), required=False, allow_null=True
    )


StatsQuery = type(
    "StatsQuery",
    (serializers.Serializer,),
    {
        "region": serializers.CharField(max_length=16),
        "from": serializers.DateField(required=False),
        "to": serializers.DateField(required=False),
        "category": _category_field(),
    },
)


def _period(data) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    date_to = data.get("to") or today
    date_from = data.get("from") or date_to.replace(month=1, day=1)
    if date_from > date_to:
        raise serializers.ValidationError({"from": [_("The start is after the end.")]})
    return date_from, date_to


def area_rows(head: dict, figures: dict, extra: dict | None = None) -> list[dict]:
    """Table rows of an area's figures: the area itself, then each child area."""
    areas = [{k: head[k] for k in ("region", "name", "level")} | figures, *figures["children"]]
    return [(extra or {}) | {k: area[k] for k in ("region", "name", "level", *FIGURES)} for area in areas]


REGION_PARAMETERS = [
    OpenApiParameter("region", str, required=True, description="12-digit code"),
    OpenApiParameter("from", OpenApiTypes.DATE),
    OpenApiParameter("to", OpenApiTypes.DATE),
]
FORMAT_PARAMETER = OpenApiParameter("format", str, enum=["json", "csv", "xlsx"])
# An organization's or a worker's figures: a period, and the download's format and headers.
PERIOD_DOWNLOAD_PARAMETERS = [
    OpenApiParameter("from", OpenApiTypes.DATE),
    OpenApiParameter("to", OpenApiTypes.DATE),
    FORMAT_PARAMETER,
    HEADERS_OPENAPI_PARAMETER,
]


class _StatsDownloadView(TableDownloadView):
    """Downloads name their columns in the request's language (``?headers=codes``: the codes)."""

    def table_columns(self, codes):
        return table_columns(codes)


class _RegionView(_StatsDownloadView):
    """Figures of a region the user oversees, for a period, as JSON, CSV or XLSX."""

    permission_classes = [IsAuthenticated]
    query_class: type[serializers.Serializer]
    download_name = "stats"

    def region_response(self, request, build) -> Response:
        """``build(region, date_from, date_to, validated_query)`` returns the body's figures."""
        query = self.query_class(data=request.query_params)
        query.is_valid(raise_exception=True)
        region = stats_region_get_for_user(user=request.user, code=query.validated_data["region"])
        date_from, date_to = _period(query.validated_data)
        head = {"region": region.code, "name": region.name, "level": region.level, "from": date_from, "to": date_to}
        response = Response(head | build(region, date_from, date_to, query.validated_data))
        fmt = request.accepted_renderer.format
        if fmt in ("csv", "xlsx"):
            name = f"{self.download_name}-{region.code}-{date_from}-{date_to}.{fmt}"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class RegionStatsView(_RegionView):
    """Oversight figures (绩效联评) for a region and each child region, from the daily rollups."""

    query_class = StatsQuery

    @extend_schema(
        parameters=[
            *REGION_PARAMETERS,
            OpenApiParameter(
                "category",
                str,
                description="A need category code: needs, their projects' hours and payouts of that category "
                "only; figures that belong to no category (money in, certified enterprises, work orders) are null.",
            ),
            FORMAT_PARAMETER,
            HEADERS_OPENAPI_PARAMETER,
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        def build(region, date_from, date_to, data):
            code = data["category"].code if data.get("category") else None
            figures = region_figures(region=region, date_from=date_from, date_to=date_to, category=code)
            return {"category": code} | figures

        return self.region_response(request, build)

    def table_rows(self, data) -> list[dict]:
        """One row for the region, then one per child, with the figures as columns."""
        return area_rows(data, data)


PeriodQuery = type(
    "PeriodQuery",
    (serializers.Serializer,),
    {"from": serializers.DateField(required=False), "to": serializers.DateField(required=False)},
)


class _EntityStatsView(_StatsDownloadView):
    def respond(self, request, head: dict, figures_for) -> Response:
        query = PeriodQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        date_from, date_to = _period(query.validated_data)
        return Response(head | {"from": date_from, "to": date_to} | figures_for(date_from, date_to))


class OrganizationStatsView(_EntityStatsView):
    """Public figures of one organization (awards, projects, money paid, confirmed hours)."""

    @extend_schema(
        parameters=PERIOD_DOWNLOAD_PARAMETERS,
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request, pk):
        org = organization_get_for_user(user=request.user, pk=pk)
        return self.respond(
            request,
            {"organization": org.pk, "name": org.name},
            lambda start, end: organization_figures(organization=org, date_from=start, date_to=end),
        )


class WorkerStatsView(_EntityStatsView):
    """One worker's confirmed service: the worker, their organizations and platform staff."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=PERIOD_DOWNLOAD_PARAMETERS,
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request, pk):
        worker = worker_get_for_user(user=request.user, pk=pk)
        if not worker_hours_visible_to(request.user, worker):
            raise PermissionDenied(_("Only the worker, their organization and platform staff see these figures."))
        return self.respond(
            request,
            {"worker": worker.pk, "name": worker.name},
            lambda start, end: worker_figures(worker=worker, date_from=start, date_to=end),
        )


ScorecardQuery = type(
    "ScorecardQuery",
    (serializers.Serializer,),
    {
        "region": serializers.CharField(max_length=16),
        "from": serializers.DateField(required=False),
        "to": serializers.DateField(required=False),
        "kind": serializers.ChoiceField(choices=KINDS, default="community"),
    },
)


class ScorecardView(_RegionView):
    """Joint-evaluation scorecards (绩效联评) of the communities or organizations of a region, with
    each component's raw figure, score, policy weight, effective weight and contribution."""

    query_class = ScorecardQuery
    download_name = "scorecards"

    @extend_schema(
        parameters=[
            *REGION_PARAMETERS,
            OpenApiParameter("kind", str, enum=list(KINDS)),
            FORMAT_PARAMETER,
            HEADERS_OPENAPI_PARAMETER,
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        return self.region_response(
            request,
            lambda region, start, end, data: scorecards(region=region, date_from=start, date_to=end, kind=data["kind"]),
        )

    def table_rows(self, data) -> list[dict]:
        """One row per community or organization; for each component its raw figures, score,
        weight, effective weight and contribution."""
        rows = []
        for result in data.get("results", []):
            row = {"kind": data["kind"], "code": result["code"], "name": result["name"], "total": result["total"]}
            for component in result["components"]:
                c = component["component"]
                for key, value in component["raw"].items():
                    row[f"{c}_{key}"] = value
                row |= {
                    f"{c}_score": component["score"],
                    f"{c}_weight": component["weight"],
                    f"{c}_effective_weight": component["effective_weight"],
                    f"{c}_contribution": component["contribution"],
                }
            rows.append(row)
        return rows


class DeliveryRatingSerializer(serializers.Serializer):
    project = IdField()
    milestone = IdField(required=False, allow_null=True)
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class DeliveryRatingCreateView(APIView):
    """The community's rating of a project's delivery (community staff of the project's community)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=DeliveryRatingSerializer, responses={201: OpenApiTypes.OBJECT})
    def post(self, request):
        data = DeliveryRatingSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        project = project_get_for_user(user=request.user, pk=data.validated_data["project"])
        milestone_id = data.validated_data.get("milestone")
        milestone = (
            milestone_get_for_user(user=request.user, project=project, pk=milestone_id) if milestone_id else None
        )
        rating = delivery_rating_record(
            actor=request.user,
            project=project,
            milestone=milestone,
            rating=data.validated_data["rating"],
            comment=data.validated_data["comment"],
        )
        return Response(
            {
                "id": rating.pk,
                "project": project.pk,
                "milestone": milestone.pk if milestone else None,
                "rating": rating.rating,
                "rated_on": rating.rated_on,
            },
            status=201,
        )


class HoursPlanSerializer(serializers.Serializer):
    planned_hours = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0.01"))


class HoursPlanView(APIView):
    """The hours the community plans for a whole project (community staff of its community)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=HoursPlanSerializer, responses=OpenApiTypes.OBJECT)
    def put(self, request, pk):
        data = HoursPlanSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        project = project_get_for_user(user=request.user, pk=pk)
        plan = hours_plan_set(actor=request.user, project=project, planned_hours=data.validated_data["planned_hours"])
        return Response({"project": project.pk, "planned_hours": str(plan.planned_hours)})


class MonthlyQuery(serializers.Serializer):
    region = serializers.CharField(max_length=16)
    month = serializers.RegexField(r"^\d{4}-(0[1-9]|1[0-2])$", help_text="YYYY-MM")

    def validate(self, attrs):
        year, month = (int(part) for part in attrs["month"].split("-"))
        last_year = timezone.localdate().year + 1
        if not 2000 <= year <= last_year:
            raise serializers.ValidationError(
                {"month": [_("Give a month from 2000-01 to %(last)s.") % {"last": f"{last_year}-12"}]}
            )
        attrs["from"], attrs["to"] = month_period(year, month)
        attrs["year"], attrs["month_number"] = year, month
        return attrs


class MonthlyReportView(_RegionView):
    """The monthly report (每月通报) of an area: bidding, hours, funds and dispatch for the month,
    the month before, per child area and per dispatch lead unit."""

    query_class = MonthlyQuery
    download_name = "monthly"

    @extend_schema(
        parameters=[
            OpenApiParameter("region", str, required=True, description="12-digit code"),
            OpenApiParameter("month", str, required=True, description="YYYY-MM"),
            FORMAT_PARAMETER,
            HEADERS_OPENAPI_PARAMETER,
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        return self.region_response(
            request,
            lambda region, _start, _end, data: monthly_report(
                region=region, year=data["year"], month=data["month_number"]
            ),
        )

    def table_rows(self, data) -> list[dict]:
        """One row for the area, one per child area, each with the month's figures."""
        return area_rows(data, data["figures"], {"month": data["month"]})
