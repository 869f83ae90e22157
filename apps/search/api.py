from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.errors import ValidationFailed

from .forms import SearchForm
from .selectors import search_page


class ResultSerializer(serializers.Serializer):
    type = serializers.CharField()
    id = serializers.CharField()
    title = serializers.CharField()
    snippet = serializers.CharField(help_text="HTML-escaped text with matches wrapped in <mark>.")
    url = serializers.CharField()


class SearchView(APIView):
    """Full-text search over public needs, organizations, workers, enterprises, projects and pages."""

    @extend_schema(
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="Chinese, pinyin (yanglao, yl) or English"),
            OpenApiParameter(
                "type",
                OpenApiTypes.STR,
                pattern=r"^((need|organization|worker|enterprise|project|page)(,(need|organization|worker|enterprise|project|page))*)?$",
                description="need, organization, worker, enterprise, project, page (comma-separated; empty: "
                "every type). With "
                "exactly one type, that type's list filters apply too (type=need&budget_min=…, "
                "type=worker&level=…, type=organization&legal_form=…).",
            ),
            OpenApiParameter("category", OpenApiTypes.STR, description="category code"),
            OpenApiParameter("region", OpenApiTypes.STR, description="region code or id, any level"),
            OpenApiParameter("status", OpenApiTypes.STR),
            OpenApiParameter("page", {"type": "integer", "maximum": 1000}, description="≤ 1000"),
            OpenApiParameter("page_size", OpenApiTypes.INT, description="≤ 100"),
        ],
        responses=inline_serializer(
            "SearchResponse",
            {
                "count": serializers.IntegerField(
                    help_text="Exact when count_exact; otherwise the cap (10,000): at least this many."
                ),
                "count_exact": serializers.BooleanField(
                    help_text="False when counting stopped at the cap (the page shows '10,000+')."
                ),
                "facets_exact": serializers.BooleanField(
                    help_text="False when more documents matched than are ranked (1,000 newest plus 1,000 "
                    "newest title matches): each facet count is then a lower bound."
                ),
                "next": serializers.CharField(allow_null=True),
                "previous": serializers.CharField(allow_null=True),
                "results": ResultSerializer(many=True),
                "facets": serializers.DictField(child=serializers.DictField(child=serializers.IntegerField())),
            },
        ),
    )
    def get(self, request):
        form = SearchForm(request.query_params)
        if not form.is_valid():
            raise ValidationFailed(field_errors={k: [str(m) for m in v] for k, v in form.errors.items()})
        kwargs = form.search_kwargs()
        data = search_page(**kwargs)
        page = form.cleaned_data.get("page") or 1
        size = kwargs["limit"]
        results = [{k: r[k] for k in ("type", "id", "title", "snippet", "url")} for r in data["results"]]
        has_next = page * size < data["count"]
        return Response(
            {
                "count": data["count"],
                "count_exact": data["count_exact"],
                "facets_exact": data["facets_exact"],
                "next": _page_url(request, page + 1) if has_next else None,
                "previous": _page_url(request, page - 1) if page > 1 else None,
                "results": results,
                "facets": data["facets"],
            }
        )


def _page_url(request, page: int) -> str:
    params = request.query_params.copy()
    params["page"] = page
    return request.build_absolute_uri(request.path) + "?" + params.urlencode()
