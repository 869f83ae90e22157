"""Who may see and act on residents' suggestions.

- Suggestions, their supports count and their answers are public (anyone reads them).
- A resident (role ``resident``) of the suggestion's community submits, supports and rates.
- The discussion (comments) is read and written by the community's parties: its residents, its
  staff and grid workers, the officer of its street, and platform staff.
- The community's staff answer (adopt into a need, decline with a reason) and hide comments.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from apps.accounts.models import Role
from apps.accounts.selectors import is_platform_staff, memberships_active, user_community_ids, user_officer_regions
from apps.core.errors import NotFound
from apps.core.ids import parse_id
from apps.participation.models import Suggestion, SuggestionComment

PARTY_ROLES = (Role.RESIDENT, Role.COMMUNITY_STAFF, Role.GRID_WORKER)


def user_resident_community_ids(user) -> set[int]:
    return user_community_ids(user, roles=(Role.RESIDENT,))


def user_resident_communities(user) -> list:
    return [m.community for m in memberships_active(user) if m.role == Role.RESIDENT and m.community_id]


def user_is_resident_of(user, community_id: int) -> bool:
    return community_id in user_resident_community_ids(user)


def user_answers_suggestions_of(user, community_id: int) -> bool:
    """The community's staff answer its residents' suggestions and moderate their discussion."""
    return community_id in user_community_ids(user)


def user_is_party_of(user, suggestion: Suggestion) -> bool:
    """Who reads and joins a suggestion's discussion."""
    if not getattr(user, "is_authenticated", False):
        return False
    if is_platform_staff(user) or suggestion.community_id in user_community_ids(user, roles=PARTY_ROLES):
        return True
    community_path = suggestion.community.path
    return any(community_path.startswith(region.path) for region in user_officer_regions(user))


def suggestion_get_for_user(*, user, pk) -> Suggestion:
    """Any suggestion (they are public); a missing one is NotFound."""
    pk = parse_id(pk)
    suggestion = None
    if pk is not None:
        suggestion = Suggestion.objects.select_related("community", "category", "author", "need").filter(pk=pk).first()
    if suggestion is None:
        raise NotFound(_("Not found."))
    return suggestion


def comment_get_for_user(*, user, suggestion: Suggestion, pk) -> SuggestionComment:
    """A comment of ``suggestion``, for a party of its community; anyone else gets NotFound."""
    comment = None
    if parse_id(pk) is not None and user_is_party_of(user, suggestion):
        comment = suggestion.comments.select_related("author").filter(pk=parse_id(pk)).first()
    if comment is None:
        raise NotFound(_("Not found."))
    return comment
