"""Who may see which certification application. Every read for a user goes through here."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from apps.accounts.models import Role
from apps.accounts.selectors import is_platform_staff, user_organization_ids
from apps.certification.models import Application, Certificate, Objection, PanelMember
from apps.core.errors import NotFound
from apps.core.ids import parse_id


def certification_visible_to(user) -> QuerySet[Application]:
    """Staff: all. The applicant's members: their own. Panel members: only after declaring, and
    only when not recused."""
    qs = Application.objects.select_related("organization", "organization__region", "policy")
    if is_platform_staff(user):
        return qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    org_ids = user_organization_ids(user, roles=(Role.ORG_ADMIN, Role.ORG_MEMBER))
    return qs.filter(
        Q(organization_id__in=org_ids) | Q(panel__reviewer=user, panel__declared_at__isnull=False, panel__recused=False)
    ).distinct()


def _get(qs, pk) -> Application:
    try:
        return qs.get(pk=parse_id(pk))
    except Application.DoesNotExist:
        raise NotFound("Not found.") from None


def certification_get_for_user(*, user, pk) -> Application:
    return _get(certification_visible_to(user), pk)


def certification_get_for_panel_member(*, user, pk) -> Application:
    """A panel member reaches the application to declare before seeing its content."""
    if not getattr(user, "is_authenticated", False):
        raise NotFound("Not found.")
    try:
        return certification_get_for_user(user=user, pk=pk)
    except NotFound:
        pass
    member = PanelMember.objects.filter(application_id=parse_id(pk), reviewer=user).first()
    if member is None:
        raise NotFound("Not found.")
    return member.application


def certification_get_for_objection(*, user, pk) -> Application:
    """An application in public notice is public; otherwise the usual visibility holds."""
    try:
        return certification_get_for_user(user=user, pk=pk)
    except NotFound:
        return _get(Application.objects.select_related("organization").filter(status=Application.Status.NOTICE), pk)


def objection_get_for_user(*, user, application: Application, pk) -> Objection:
    try:
        return application.objections.get(pk=parse_id(pk))
    except Objection.DoesNotExist:
        raise NotFound("Not found.") from None


def certificate_get_public(*, certificate_no: str) -> Certificate:
    certificate = (
        Certificate.objects.select_related("organization", "organization__region", "superseded_by")
        .filter(certificate_no=str(certificate_no)[:20].upper())
        .first()
    )
    if certificate is None:
        raise NotFound("Not found.")
    return certificate
