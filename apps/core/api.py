"""API v1 conventions shared by every app: errors, pagination, money, permissions."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import django_filters
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponsePermanentRedirect, JsonResponse
from django.urls import Resolver404, resolve
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, pagination, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from apps.core.errors import ApplicationError
from apps.core.ids import MAX_ID, parse_id


class StandardPagination(pagination.PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None:
            try:
                size = int(raw)
            except (TypeError, ValueError):
                raise exceptions.ValidationError({"page_size": [_("A whole number from 1 to 100.")]}) from None
            if size < 1 or size > self.max_page_size:
                raise exceptions.ValidationError({"page_size": [_("A whole number from 1 to 100.")]})
            return size
        return self.page_size


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter reads a boolean it can't parse ("yes", "2") as no filter at all, and "1" or
    "True" as true; the schema says true or false, so anything else (but empty: no filter) is a 400
    on that parameter."""

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            refused = {
                name: [serializers.BooleanField.default_error_messages["invalid"]]
                for name, declared in filterset.filters.items()
                if isinstance(declared, django_filters.BooleanFilter)
                and request.query_params.get(name, "") not in ("", "true", "false")
            }
            if refused:
                raise exceptions.ValidationError(refused)
        return filterset


def _django_validation_to_dict(exc: DjangoValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {
            ("detail" if field == "__all__" else field): [str(m) for e in errors for m in e.messages]
            for field, errors in exc.error_dict.items()
        }
    return {"detail": " ".join(str(m) for m in exc.messages)}


def exception_handler(exc, context):
    """Map application and Django errors to CONTRACT's shapes; never a 500 for bad input."""
    if isinstance(exc, ApplicationError):
        if exc.field_errors:
            body = dict(exc.field_errors)
            if exc.message and exc.status_code != 400:
                body.setdefault("detail", exc.message)
        else:
            body = {"detail": exc.message}
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        return Response(_django_validation_to_dict(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.ValidationError) and isinstance(response.data, list):
        response.data = {"detail": response.data}
    return response


class MoneyField(serializers.DecimalField):
    """Money as a string with two decimals (``"1200.00"``); never a float."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("coerce_to_string", True)
        kwargs.setdefault("min_value", Decimal("0.00"))
        super().__init__(**kwargs)


class IdField(serializers.IntegerField):
    """An object's id in a request body: a positive integer in the range of our keys
    (``apps.core.ids.parse_id``); anything else is a 400 on the field, never a database overflow."""

    default_error_messages = {"invalid": _("An id: a whole number from 1.")}

    def to_internal_value(self, data):
        if isinstance(data, bool | float):
            self.fail("invalid")
        pk = parse_id(data)
        if pk is None:
            self.fail("invalid")
        return pk


class IdOrCodeRelatedField(serializers.RelatedField):
    """A reference in a request body to a region, fund, organization or category, by either of its
    names: a JSON integer is its id, a JSON string its code (never read as an id, even all digits
    as region codes are; a form body carries text, so there it is always the code). Neither
    matching is a 400 on the field naming which was tried. A read shows it as it always has
    (``shows``: the id or the code); ``reference_pair`` adds the other."""

    default_error_messages = {
        "invalid": _("A {name}'s id (a whole number) or its code (text)."),
        "no_id": _("No {name} has the id {value}."),
        "no_code": _("No {name} has the code “{value}”."),
    }

    def __init__(self, *, code_field: str = "code", shows: str = "id", **kwargs):
        if shows not in ("id", "code"):
            raise ValueError(f"shows is 'id' or 'code', not {shows!r}")
        self.code_field = code_field
        self.shows = shows
        super().__init__(**kwargs)

    @property
    def noun(self) -> str:
        return str(self.get_queryset().model._meta.verbose_name)

    @property
    def code_max_length(self) -> int | None:
        return self.get_queryset().model._meta.get_field(self.code_field).max_length

    def fail(self, key, **kwargs):
        super().fail(key, name=self.noun, **kwargs)

    def to_internal_value(self, data):
        queryset = self.get_queryset()
        if isinstance(data, str):
            code = data.strip()
            if not code or (self.code_max_length and len(code) > self.code_max_length):
                self.fail("no_code", value=data[:40])
            found = queryset.filter(**{self.code_field: code}).first()
            if found is None:
                self.fail("no_code", value=code)
            return found
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        pk = parse_id(data)
        found = queryset.filter(pk=pk).first() if pk is not None else None
        if found is None:
            self.fail("no_id", value=data)
        return found

    def to_representation(self, value):
        return value.pk if self.shows == "id" else getattr(value, self.code_field)

    def openapi_schema(self, direction: str) -> dict:
        """oneOf integer (the id) or string (the code) in a request; what ``shows`` names in a
        response."""
        as_id = {"type": "integer", "minimum": 1, "maximum": MAX_ID, "description": "id"}
        as_code = {"type": "string", "minLength": 1, "description": "code"}
        if self.code_max_length:
            as_code["maxLength"] = self.code_max_length
        if direction == "response":
            return as_id if self.shows == "id" else as_code
        return {
            "oneOf": [as_id, as_code],
            "description": "Its id (integer) or its code (string): see the API description, References.",
        }


class _ReferenceIdField(serializers.IntegerField):
    """The id of a reference from its foreign-key column (no query), under that column's own name
    (``community_id``), which DRF would otherwise refuse as a redundant ``source``."""

    def bind(self, field_name, parent):
        if self.source == field_name:
            self.source = None
        super().bind(field_name, parent)


def reference_pair(
    reference: str, *, shows: str, code_field: str = "code", allow_null: bool = False, many: bool = False
):
    """The other half of a reference on a read, so every read names the object by both: when
    ``<reference>`` shows its id, this is ``<reference>_code``; when it shows the code (as it did
    before both were accepted), this is ``<reference>_id``. For a list (``many``), the codes or the
    ids of its objects in the same order."""
    if shows not in ("id", "code"):
        raise ValueError(f"shows is 'id' or 'code', not {shows!r}")
    if many and shows == "id":
        return serializers.SlugRelatedField(source=reference, slug_field=code_field, many=True, read_only=True)
    if many:
        return serializers.PrimaryKeyRelatedField(source=reference, many=True, read_only=True)
    if shows == "id":
        return serializers.CharField(source=f"{reference}.{code_field}", read_only=True, allow_null=allow_null)
    return _ReferenceIdField(source=f"{reference}_id", read_only=True, allow_null=allow_null)


def schema_only_public_api(endpoints):
    """drf-spectacular hook: the schema documents API v1 and the Stripe webhook, not the
    Wagtail admin's internal API."""
    return [e for e in endpoints if e[0].startswith(("/api/v1/", "/stripe/"))]


@csrf_exempt
def api_not_found(request):
    """Any method on a path under /api/v1/ that names no operation: CONTRACT's JSON 404, never the
    pages' catch-all (which answered a POST with the site's HTML CSRF failure). A read of an
    operation's path without its trailing slash is still redirected to it, as APPEND_SLASH did."""
    if request.method in ("GET", "HEAD") and not request.path_info.endswith("/"):
        try:
            match = resolve(request.path_info + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not api_not_found:
            return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
    return JsonResponse({"detail": str(exceptions.NotFound.default_detail)}, status=404)


class TransitionView(APIView):
    """One POST that moves one object through one transition, the same way in every app:

    1. ``get_subject`` reads the object through the app's access function (NotFound: a 404);
    2. ``input_serializer``, when there is one, checks the body (a 400 on its fields);
    3. ``perform`` calls the transition's ``service`` with ``actor=`` the user, the object as the
       keyword ``subject`` and the checked body; the service owns the transaction and the row lock,
       and its ApplicationError is answered by ``exception_handler`` (403, 409, 400…);
    4. ``respond`` answers ``success_status`` with ``output_serializer`` of what ``perform``
       returned.

    The schema reads the same attributes (``apps.core.schema.SansheAutoSchema``): the request body
    is ``input_serializer`` (none without it), the success answer ``output_serializer``.
    """

    permission_classes = [IsAuthenticated]
    # The transition's service, a plain function set on the class (read from the class, so it is
    # never bound to the view).
    service: Callable[..., Any]
    subject: str = "obj"
    input_serializer: type[serializers.BaseSerializer] | None = None
    output_serializer: type[serializers.BaseSerializer]
    success_status: int = status.HTTP_200_OK

    def get_subject(self, request, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} reads its object through the app's access function")

    def perform(self, request, subject, **data):
        return type(self).service(actor=request.user, **{self.subject: subject}, **data)

    def respond(self, request, result) -> Response:
        return Response(self.output_serializer(result, context={"request": request}).data, status=self.success_status)

    def post(self, request, **kwargs):
        subject = self.get_subject(request, **kwargs)
        data = {}
        if self.input_serializer is not None:
            serializer = self.input_serializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
        return self.respond(request, self.perform(request, subject, **data))
