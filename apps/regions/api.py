from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError

from apps.core.api import reference_pair
from apps.regions.models import Region
from apps.regions.selectors import region_list


class RegionSerializer(serializers.ModelSerializer):
    parent = serializers.CharField(source="parent.code", allow_null=True, default=None)
    parent_id = reference_pair("parent", shows="code", allow_null=True)
    lat = serializers.DecimalField(
        max_digits=9, decimal_places=6, allow_null=True, read_only=True, help_text="centre (communities and grids)"
    )
    long = serializers.DecimalField(
        source="lon",
        max_digits=9,
        decimal_places=6,
        allow_null=True,
        read_only=True,
        help_text="centre (communities and grids)",
    )

    class Meta:
        model = Region
        fields = ["id", "code", "name", "level", "parent", "parent_id", "lat", "long"]


@extend_schema(
    parameters=[
        OpenApiParameter("level", enum=Region.Level.values),
        OpenApiParameter("parent", str, description="code of the parent region"),
    ]
)
class RegionListView(generics.ListAPIView):
    serializer_class = RegionSerializer

    def get_queryset(self):
        params = self.request.query_params
        level = params.get("level")
        if level and level not in Region.Level.values:
            raise ValidationError({"level": [f"One of: {', '.join(Region.Level.values)}."]})
        return region_list(level=level, parent=params.get("parent"))
