"""Participation's workspace cards: a resident's suggestions, supports and followed needs; the
community's staff's suggestions to answer; the street officer's escalated suggestions."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Role
from apps.core.workspace import ActionCount, workspace_count, workspace_link
from apps.participation.selectors import (
    needs_followed_by,
    suggestions_awaiting_answer,
    suggestions_escalated_in,
    suggestions_of_author,
    suggestions_supported_by,
)

workspace_link(Role.RESIDENT, order=10, label=_("Make a suggestion"), url_name="participation:suggestion-new")
workspace_link(Role.RESIDENT, order=20, label=_("My community's suggestions"), url_name="participation:suggestion-list")
workspace_link(Role.RESIDENT, order=30, label=_("Needs open for bids"), url_name="bidding:need-list")
workspace_link(
    Role.COMMUNITY_STAFF, order=60, label=_("Residents' suggestions"), url_name="participation:suggestion-list"
)
workspace_link(
    Role.STREET_OFFICER, order=60, label=_("Residents' suggestions"), url_name="participation:suggestion-list"
)


@workspace_count(Role.RESIDENT, order=10)
def resident_participation(*, user, memberships) -> list[ActionCount]:
    mine = reverse("participation:suggestions-mine")
    return [
        ActionCount("my_suggestions", _("My suggestions"), suggestions_of_author(user=user).count(), mine),
        ActionCount("my_supports", _("Suggestions I support"), suggestions_supported_by(user=user).count(), mine),
        ActionCount("followed_needs", _("Needs I follow"), needs_followed_by(user=user).count(), mine),
    ]


@workspace_count(Role.COMMUNITY_STAFF, order=60)
def suggestions_to_answer(*, user, memberships) -> list[ActionCount]:
    return [
        ActionCount(
            "suggestions_to_answer",
            _("Residents' suggestions to answer"),
            suggestions_awaiting_answer(community_ids=[m.community_id for m in memberships]).count(),
            reverse("participation:suggestions-to-answer"),
        )
    ]


@workspace_count(Role.STREET_OFFICER, order=60)
def suggestions_escalated(*, user, memberships) -> list[ActionCount]:
    return [
        ActionCount(
            "suggestions_escalated",
            _("Unanswered residents' suggestions"),
            suggestions_escalated_in(regions=[m.region for m in memberships]).count(),
            reverse("participation:suggestions-to-answer"),
        )
    ]
