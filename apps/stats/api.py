import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.errors import PermissionDenied
from apps.core.models import Category
from apps.core.renderers import CSVRenderer, XLSXRenderer
from apps.organizations.selectors import organization_get_for_user
from apps.projects.access import worker_hours_visible_to
from apps.stats.selectors import (
    FIGURES,
    organization_figures,
    region_figures,
    stats_region_get_for_user,
    worker_figures,
)
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
        raise serializers.ValidationError({"from": ["The start is after the end."]})
    return date_from, date_to


class RegionStatsView(APIView):
    """Oversight figures (绩效联评) for a region and each child region, from the daily rollups."""

    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer, XLSXRenderer]

    @extend_schema(
        parameters=[
            OpenApiParameter("region", str, required=True, description="12-digit code"),
            OpenApiParameter("from", OpenApiTypes.DATE),
            OpenApiParameter("to", OpenApiTypes.DATE),
            OpenApiParameter(
                "category",
                str,
                description="A need category code: needs, their projects' hours and payouts of that category "
                "only; figures that belong to no category (money in, certified enterprises, work orders) are null.",
            ),
            OpenApiParameter("format", str, enum=["json", "csv", "xlsx"]),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        query = StatsQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        region = stats_region_get_for_user(user=request.user, code=query.validated_data["region"])
        date_from, date_to = _period(query.validated_data)
        category = query.validated_data.get("category")
        code = category.code if category else None
        figures = region_figures(region=region, date_from=date_from, date_to=date_to, category=code)
        body = {
            "region": region.code,
            "name": region.name,
            "level": region.level,
            "from": date_from,
            "to": date_to,
            "category": code,
        }
        response = Response(body | figures)
        if request.accepted_renderer.format in ("csv", "xlsx"):
            response["Content-Disposition"] = (
                f'attachment; filename="stats-{region.code}-{date_from}-{date_to}.{request.accepted_renderer.format}"'
            )
        return response

    def table_rows(self, data) -> list[dict]:
        """One row for the region, then one per child, with the figures as columns."""
        head = {"region": data["region"], "name": data["name"], "level": data["level"]}
        rows = [head | {f: data[f] for f in FIGURES}]
        rows += [
            {k: child[k] for k in ("region", "name", "level")} | {f: child[f] for f in FIGURES}
            for child in data["children"]
        ]
        return rows


PeriodQuery = type(
    "PeriodQuery",
    (serializers.Serializer,),
    {"from": serializers.DateField(required=False), "to": serializers.DateField(required=False)},
)


class _EntityStatsView(APIView):
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer, XLSXRenderer]

    def respond(self, request, head: dict, figures_for) -> Response:
        query = PeriodQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        date_from, date_to = _period(query.validated_data)
        return Response(head | {"from": date_from, "to": date_to} | figures_for(date_from, date_to))


class OrganizationStatsView(_EntityStatsView):
    """Public figures of one organization (awards, projects, money paid, confirmed hours)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE),
            OpenApiParameter("to", OpenApiTypes.DATE),
            OpenApiParameter("format", str, enum=["json", "csv", "xlsx"]),
        ],
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
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE),
            OpenApiParameter("to", OpenApiTypes.DATE),
            OpenApiParameter("format", str, enum=["json", "csv", "xlsx"]),
        ],
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
