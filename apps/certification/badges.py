"""The certified social-enterprise badge as an API field other apps add to their serializers."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.certification.selectors import certified_organization_ids


@extend_schema_field(OpenApiTypes.BOOL)
class OrganizationCertifiedField(serializers.ReadOnlyField):
    """``organization_certified``: true while the object's organization holds a valid certificate.

    An expired, suspended or revoked certificate turns it false. The set of certified organizations
    is read once per response and kept in the serializer context, so a list costs one query.
    """

    _CONTEXT_KEY = "_certified_organization_ids"

    def __init__(self, **kwargs):
        kwargs.setdefault("source", "organization_id")
        super().__init__(**kwargs)

    def to_representation(self, value) -> bool:
        certified = self.context.get(self._CONTEXT_KEY)
        if certified is None:
            certified = certified_organization_ids()
            if isinstance(self.context, dict):
                self.context[self._CONTEXT_KEY] = certified
        return value in certified
