from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.errors import NotFound
from apps.core.selectors import policy_current
from apps.opendata.ocds import need_releases, release_package
from apps.opendata.selectors import needs_for_open_data


class ReleaseQuery(serializers.Serializer):
    need = serializers.IntegerField(min_value=1)


# The query parameters are named `from` and `to`, which are Python keywords.
PackageQuery = type(
    "PackageQuery",
    (serializers.Serializer,),
    {"from": serializers.DateField(required=False), "to": serializers.DateField(required=False)},
)


class OcdsReleasesView(APIView):
    """OCDS 1.1 release package for one need (tender, award, contract, implementation)."""

    @extend_schema(
        parameters=[ReleaseQuery],
        responses={200: OpenApiTypes.OBJECT, 404: OpenApiResponse(description="No published need with this id.")},
    )
    def get(self, request):
        query = ReleaseQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        need = needs_for_open_data(need_id=query.validated_data["need"]).first()
        if need is None:
            raise NotFound(_("No published need with this id."))
        return Response(release_package(need_releases(need), uri=request.build_absolute_uri()))


class OcdsPackagesView(APIView):
    """All releases of needs active in a period, as one release package.

    A period without releases answers 204 No Content: an OCDS release package must hold at least
    one release, so there is no valid package to send, and a 200 with some other JSON would break
    clients that validate every package they receive. The period itself is not missing (no 404).
    """

    @extend_schema(
        parameters=[OpenApiParameter("from", OpenApiTypes.DATE), OpenApiParameter("to", OpenApiTypes.DATE)],
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="An OCDS 1.1 release package."),
            204: OpenApiResponse(description="No release in this period (a package needs at least one)."),
        },
    )
    def get(self, request):
        query = PackageQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        needs = needs_for_open_data(date_from=query.validated_data.get("from"), date_to=query.validated_data.get("to"))
        policy = policy_current()
        releases = [release for need in needs for release in need_releases(need, policy=policy)]
        if not releases:
            # A release package holds at least one release (OCDS schema, minItems 1).
            response = Response(status=204)
            response["X-OCDS-Releases"] = "0"
            return response
        return Response(release_package(releases, uri=request.build_absolute_uri()))
