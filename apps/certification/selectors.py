"""Reads of certification: lists, the public registry and the badge other apps show."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from apps.certification.access import certification_visible_to
from apps.certification.filters import ApplicationFilter, RegistryFilter
from apps.certification.models import Application, Certificate


def certification_list_for_user(*, user, filters: dict | None = None) -> QuerySet[Application]:
    qs = certification_visible_to(user).prefetch_related("panel")
    return ApplicationFilter(filters or {}, queryset=qs).qs


def certification_queue(*, filters: dict | None = None) -> QuerySet[Application]:
    """Staff queue: applications waiting for the platform, oldest first."""
    qs = (
        Application.objects.select_related("organization", "organization__region")
        .prefetch_related("panel", "scores", "objections")
        .order_by("stage_entered_at")
    )
    return ApplicationFilter(filters or {}, queryset=qs).qs


def registry_list(*, filters: dict | None = None) -> QuerySet[Certificate]:
    """The public registry: the current certificate of every enterprise ever certified."""
    qs = (
        Certificate.objects.select_related("organization", "organization__region")
        .filter(superseded_by__isnull=True)
        .order_by("organization__name", "-valid_from")
    )
    return RegistryFilter(filters or {}, queryset=qs).qs


def notice_list() -> QuerySet[Application]:
    """Applications in public notice (公示): public, so anyone may object."""
    return (
        Application.objects.select_related("organization", "organization__region")
        .filter(status=Application.Status.NOTICE)
        .order_by("notice_ends_at")
    )


def organization_certification_status(org) -> dict | None:
    """The organization's current certificate: ``{certificate_no, status, valid_from, valid_until,
    is_certified}``, or None if it was never certified."""
    certificate = (
        Certificate.objects.filter(organization=org, superseded_by__isnull=True).order_by("-valid_from").first()
    )
    if certificate is None:
        return None
    return {
        "certificate_no": certificate.certificate_no,
        "status": certificate.status,
        "valid_from": certificate.valid_from,
        "valid_until": certificate.valid_until,
        "is_certified": certificate_is_valid_on(certificate, timezone.localdate()),
        "url": certificate.get_absolute_url(),
    }


def certificate_is_valid_on(certificate: Certificate, on: dt.date) -> bool:
    if not (certificate.valid_from <= on <= certificate.valid_until):
        return False
    if certificate.status in (Certificate.Status.CERTIFIED, Certificate.Status.EXPIRED):
        return True
    # Revoked or suspended: still valid on days before the change.
    return certificate.status_changed_on is not None and on < certificate.status_changed_on


def organization_is_certified_social_enterprise(org, on: dt.date | None = None) -> bool:
    """True if the organization held a valid certificate on ``on`` (default today)."""
    on = on or timezone.localdate()
    org_id = getattr(org, "pk", org)
    candidates = Certificate.objects.filter(organization_id=org_id, valid_from__lte=on, valid_until__gte=on)
    return any(certificate_is_valid_on(c, on) for c in candidates)


def certified_organization_ids(on: dt.date | None = None) -> set[int]:
    """Ids of every organization certified on ``on`` — for lists that show badges in bulk."""
    on = on or timezone.localdate()
    rows = Certificate.objects.filter(valid_from__lte=on, valid_until__gte=on).filter(
        Q(status__in=[Certificate.Status.CERTIFIED, Certificate.Status.EXPIRED]) | Q(status_changed_on__gt=on)
    )
    return set(rows.values_list("organization_id", flat=True))


def certified_enterprise_count(on: dt.date | None = None) -> int:
    """Organizations holding a valid certificate on ``on`` (home page figure)."""
    return len(certified_organization_ids(on))
