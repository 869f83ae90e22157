"""Who may see a shift and who may show its check-in code. What a user may not see is a NotFound."""

from __future__ import annotations

from django.utils.translation import gettext as _

from apps.accounts.models import Role
from apps.accounts.selectors import is_platform_staff, user_community_ids, user_organization_ids, users_with_role
from apps.core.errors import NotFound, PermissionDenied
from apps.core.ids import parse_id
from apps.projects.access import user_is_project_party
from apps.projects.models import Project
from apps.shifts.models import Attendance, Shift

WITNESS_ROLES = (Role.COMMUNITY_STAFF, Role.GRID_WORKER)


def user_sees_project_shifts(user, project: Project) -> bool:
    """The project's parties (organization, community staff, team, platform staff) and the grid
    workers of its community."""
    return user_is_project_party(user, project) or project.community_id in user_community_ids(user, roles=WITNESS_ROLES)


def shift_get_for_user(*, user, pk, for_update: bool = False) -> Shift:
    pk = parse_id(pk)
    if pk is None:
        raise NotFound(_("Not found."))
    qs = Shift.objects.select_related("project", "project__organization", "project__community")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    try:
        shift = qs.get(pk=pk)
    except Shift.DoesNotExist:
        raise NotFound(_("Not found.")) from None
    if not user_sees_project_shifts(user, shift.project):
        raise NotFound(_("Not found."))
    return shift


def shift_witness_ids(shift: Shift) -> list[int]:
    """Who may show the shift's code: the community staff and grid workers of its community."""
    return list(users_with_role(WITNESS_ROLES, community=shift.project.community_id).values_list("pk", flat=True))


def shift_code_witness_role(*, user, shift: Shift) -> str:
    """The role in which ``user`` shows the shift's code, or 403 for anyone else."""
    roles = [r for r in WITNESS_ROLES if shift.project.community_id in user_community_ids(user, roles=(r,))]
    if not roles:
        raise PermissionDenied(_("Only the community's staff and grid workers show a shift's check-in code."))
    return roles[0]


def attendance_get_for_worker(*, worker, shift: Shift) -> Attendance:
    try:
        return Attendance.objects.select_related("shift", "shift__project").get(shift=shift, worker=worker)
    except Attendance.DoesNotExist:
        raise NotFound(_("You are not signed up for this shift.")) from None


def shift_attendance_visible(user, shift: Shift) -> bool:
    """A shift's attendance list: its organization, its community's staff and platform staff."""
    from_org = shift.project.organization_id in user_organization_ids(user)
    return from_org or shift.project.community_id in user_community_ids(user) or is_platform_staff(user)
