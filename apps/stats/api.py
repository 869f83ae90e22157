import datetime as dt

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.renderers import CSVRenderer, XLSXRenderer
from apps.stats.selectors import FIGURES, region_figures, stats_region_get_for_user

StatsQuery = type(
    "StatsQuery",
    (serializers.Serializer,),
    {
        "region": serializers.CharField(max_length=16),
        "from": serializers.DateField(required=False),
        "to": serializers.DateField(required=False),
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
            OpenApiParameter("format", str, enum=["json", "csv", "xlsx"]),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        query = StatsQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        region = stats_region_get_for_user(user=request.user, code=query.validated_data["region"])
        date_from, date_to = _period(query.validated_data)
        figures = region_figures(region=region, date_from=date_from, date_to=date_to)
        body = {"region": region.code, "name": region.name, "level": region.level, "from": date_from, "to": date_to}
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
