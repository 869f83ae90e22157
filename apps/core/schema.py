"""The OpenAPI schema tells the truth about every operation (drf-spectacular's ``DEFAULT_SCHEMA_CLASS``).

drf-spectacular documents the success answer of each operation. ``SansheAutoSchema`` adds, in one
place, what CONTRACT's conventions make true of every operation of API v1:

- the error answers each operation can give, with CONTRACT's bodies: 400 (invalid input) on writes
  and on operations that take query parameters; 401 and 403 everywhere (a token can be invalid or
  expired on any request, a browser session can lack its CSRF token or its second factor);
  404 on writes (they name objects the user may not see), on operations that name an object in
  their path, list by pages or take ``?format=``; 409 on writes to an object (its state or a
  deadline forbids it). An ``extend_schema(responses=…)`` on a view still wins for
  the codes it names;
- anonymous access (``security`` includes ``{}``) where the view asks for no permission at all;
- ``page`` ≥ 1 and ``page_size`` 1–100, as StandardPagination checks them;
- times as ``HH:MM`` and amounts as decimal strings with at least one digit (and no sign where
  negative amounts are refused), which is what the serializers write and read.
"""

from __future__ import annotations

import inspect

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent, append_meta
from rest_framework import permissions, serializers

from apps.core.api import IdOrCodeRelatedField, TransitionView

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
MAX_PAGE_SIZE = 100
# Marks an explicit query parameter that a FilterSet reads outside a generic view (an export):
# django-filter reads its empty value as no filter, which OpenApiParameter cannot say by itself.
BLANK_IS_NO_FILTER = "x-blank-is-no-filter"
TIME_HH_MM = r"^([01]\d|2[0-3]):[0-5]\d$"
# Input also takes seconds (REST_FRAMEWORK's TIME_INPUT_FORMATS accept ISO 8601).
TIME_HH_MM_INPUT = r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$"

ERROR_COMPONENTS = {
    "ErrorDetail": {
        "type": "object",
        "description": "CONTRACT's error body: one message for the whole request.",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    "ValidationErrorBody": {
        "type": "object",
        "description": (
            "CONTRACT's 400 body: each field that was refused, with its messages "
            '(`{"field": ["message", …]}`; nested objects and lists of objects give nested bodies), '
            'or `{"detail": …}` when the message is not about one field.'
        ),
        "properties": {
            "detail": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
        },
        "additionalProperties": {"anyOf": [{"type": "array"}, {"type": "object"}, {"type": "string"}]},
    },
}

ERROR_RESPONSES = {
    "400": ("ValidationErrorBody", _("Invalid input.")),
    "401": ("ErrorDetail", _("Not signed in, or the token is invalid or has expired.")),
    "403": (
        "ErrorDetail",
        _(
            "Not allowed: the user may see the object but not do this (also a browser session without "
            "its CSRF token or without the second factor its role needs)."
        ),
    ),
    "404": ("ErrorDetail", _("Not found, or the user may not see it.")),
    "409": ("ErrorDetail", _("The object's state or a deadline forbids this.")),
    "429": ("ErrorDetail", _("Too many attempts: wait, then try again.")),
}


class SansheAutoSchema(AutoSchema):
    def get_auth(self):
        auths = super().get_auth()
        if self._allows_anonymous() and {} not in auths:
            auths.append({})
        return auths

    def get_request_serializer(self):
        if isinstance(self.view, TransitionView):
            return self.view.input_serializer
        return super().get_request_serializer()

    def get_response_serializers(self):
        if isinstance(self.view, TransitionView):
            return {self.view.success_status: self.view.output_serializer}
        return super().get_response_serializers()

    def get_description(self):
        if isinstance(self.view, TransitionView):
            # Only the operation's own view describes it: the docstrings of TransitionView and of
            # an app's base for its transitions are for developers.
            return inspect.cleandoc(type(self.view).__doc__ or "")
        return super().get_description()

    def _allows_anonymous(self) -> bool:
        perms = self.view.get_permissions()
        if not perms:
            return True
        kinds = {type(p) for p in perms}
        if permissions.AllowAny in kinds:
            return True
        return permissions.IsAuthenticatedOrReadOnly in kinds and self.method in permissions.SAFE_METHODS

    def map_parsers(self):
        """The API speaks JSON (CONTRACT); forms are for the browsable API and can carry neither
        null nor nested objects. Uploads declare multipart/form-data on their view."""
        parsers = super().map_parsers()
        return ["application/json"] if "application/json" in parsers else parsers

    def _get_parameters(self):
        parameters = super()._get_parameters()
        for parameter in parameters:
            if parameter.get("in") != "query":
                continue
            if parameter.pop(BLANK_IS_NO_FILTER, False):
                parameter["allowEmptyValue"] = True
            schema = parameter.setdefault("schema", {})
            if parameter["name"] == "page":
                schema.update(type="integer", minimum=1)
            elif parameter["name"] == "page_size":
                schema.update(type="integer", minimum=1, maximum=MAX_PAGE_SIZE)
            elif parameter.get("required") and schema.get("type") == "string" and "enum" not in schema:
                # Required query parameters are read by forms and serializers, which refuse a blank.
                schema.setdefault("minLength", 1)
        return parameters

    def _get_filter_parameters(self):
        """django-filter reads an empty value as no filter, and checks the bounds its form fields
        set (ids are whole numbers from 1)."""
        parameters = super()._get_filter_parameters()
        filterset_class = getattr(self.view, "filterset_class", None)
        filters = filterset_class.base_filters if filterset_class else {}
        for parameter in parameters:
            declared = filters.get(parameter["name"])
            if not parameter.get("required") and not isinstance(declared, django_filters.MultipleChoiceFilter):
                parameter["allowEmptyValue"] = True
            if declared is not None:
                _apply_form_field_bounds(parameter.setdefault("schema", {}), declared)
        return parameters

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        if isinstance(field, IdOrCodeRelatedField):
            return append_meta(field.openapi_schema(direction), self._get_serializer_field_meta(field, direction))
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, serializers.TimeField) and schema.get("format") == "time":
            del schema["format"]
            schema["pattern"] = TIME_HH_MM_INPUT if direction == "request" else TIME_HH_MM
            schema.setdefault("example", "14:00")
        elif isinstance(field, serializers.DecimalField) and schema.get("format") == "decimal" and "pattern" in schema:
            schema["pattern"] = _decimal_pattern(field)
        return schema

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, (component, _description) in ERROR_RESPONSES.items():
            # An extend_schema that names an error code without its body gets CONTRACT's body.
            if code in responses and "content" not in responses[code]:
                responses[code]["content"] = {"application/json": {"schema": self._error_component(component)}}
        for code in self._error_codes():
            if code not in responses:
                component, description = ERROR_RESPONSES[code]
                responses[code] = {
                    "content": {"application/json": {"schema": self._error_component(component)}},
                    "description": str(description),
                }
        return responses

    def _error_codes(self) -> list[str]:
        write = self.method in WRITE_METHODS
        names_object = "{" in self.path
        codes = ["401", "403"]
        if write or self._has_query_parameters():
            codes.append("400")
        if write or names_object or self._is_paginated_list() or self._has_query_parameter("format"):
            # DRF answers an unknown ?format= with 404, as it does a page past the last.
            codes.append("404")
        if write and names_object:
            codes.append("409")
        return sorted(codes)

    def _has_query_parameters(self) -> bool:
        return any(p.get("in") == "query" for p in self._get_parameters())

    def _has_query_parameter(self, name: str) -> bool:
        return any(p.get("in") == "query" and p["name"] == name for p in self._get_parameters())

    def _is_paginated_list(self) -> bool:
        return self.method == "GET" and self._is_list_view() and self._get_paginator() is not None

    def _error_component(self, name: str) -> dict:
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, object=name, schema=ERROR_COMPONENTS[name]
        )
        self.registry.register_on_missing(component)
        return component.ref


def _apply_form_field_bounds(schema: dict, declared_filter) -> None:
    if issubclass(declared_filter.field_class, forms.IntegerField):
        schema["type"] = "integer"
    elif issubclass(declared_filter.field_class, forms.DecimalField):
        schema["type"] = "number"  # NumberFilter reads decimals, whatever the model field holds
    for bound, keyword in (("min_value", "minimum"), ("max_value", "maximum")):
        if declared_filter.extra.get(bound) is not None:
            schema[keyword] = declared_filter.extra[bound]
    choices = declared_filter.extra.get("choices")
    if isinstance(choices, list | tuple) and "enum" not in schema and schema.get("type") == "string":
        schema["enum"] = [value for value, _label in choices]


def _decimal_pattern(field: serializers.DecimalField) -> str:
    """drf-spectacular's pattern lets ``""`` and ``"-"`` through; the field refuses both, and a
    negative amount where its minimum is zero or more."""
    sign = "" if field.min_value is not None and field.min_value >= 0 else "-?"
    whole = r"0" if field.max_whole_digits == 0 else rf"\d{{1,{field.max_whole_digits}}}"
    return rf"^{sign}{whole}(?:\.\d{{1,{field.decimal_places}}})?$"
