"""Notifications of residents' suggestions. Texts carry only what is public."""

from __future__ import annotations

from django.utils.translation import gettext as _

from apps.accounts.models import Role, User
from apps.accounts.selectors import users_with_role
from apps.notifications.services import notify
from apps.participation.models import Suggestion
from apps.participation.selectors import suggestion_supporter_ids
from apps.regions.models import Region


def _followers(suggestion: Suggestion):
    return User.objects.filter(pk__in={suggestion.author_id, *suggestion_supporter_ids(suggestion=suggestion)})


def notify_threshold_reached(*, suggestion: Suggestion, supports: int) -> None:
    notify(
        users=users_with_role(Role.COMMUNITY_STAFF, community=suggestion.community_id),
        kind="participation.threshold",
        title=_("A residents' suggestion has %(n)s supports: %(title)s") % {"n": supports, "title": suggestion.title},
        body=_("Adopt it into a need or decline it with a reason."),
        url=suggestion.get_absolute_url(),
    )


def notify_escalated(*, suggestion: Suggestion) -> None:
    street = Region.objects.filter(pk=suggestion.community.parent_id).first()
    notify(
        users=users_with_role(Role.STREET_OFFICER, region=street) if street else [],
        kind="participation.escalated",
        title=_("Unanswered residents' suggestion: %(title)s") % {"title": suggestion.title},
        body=_("%(community)s has not answered this suggestion in time.") % {"community": suggestion.community.name},
        url=suggestion.get_absolute_url(),
    )


def notify_answered(*, suggestion: Suggestion) -> None:
    if suggestion.status == Suggestion.Status.ADOPTED:
        title = _("Your suggestion was adopted: %(title)s")
        body = _("The community's staff are drafting a need from it.")
    else:
        title = _("Your suggestion was declined: %(title)s")
        body = _("Reason: %(reason)s") % {"reason": suggestion.decline_reason}
    notify(
        users=_followers(suggestion),
        kind="participation.suggestion",
        title=title % {"title": suggestion.title},
        body=body,
        url=suggestion.get_absolute_url(),
    )


def notify_need_progress(*, suggestion: Suggestion, event: str, url: str) -> None:
    """Tell the author and supporters what became of the need made from the suggestion."""
    titles = {
        "published": _("The need from your suggestion is open for bids: %(title)s"),
        "awarded": _("The need from your suggestion was awarded: %(title)s"),
        "delivered": _("The service from your suggestion was delivered: %(title)s"),
        "milestone": _("A stage of the service from your suggestion was accepted: %(title)s"),
    }
    bodies = {
        "published": _("Organizations may now bid for it."),
        "awarded": _("An organization will deliver the service."),
        "delivered": _("Every stage of the project is accepted. Rate the service on the project's page."),
        "milestone": _("If you supported the suggestion, rate the service on the project's page."),
    }
    notify(
        users=_followers(suggestion),
        kind="participation.need",
        title=titles[event] % {"title": suggestion.title},
        body=bodies[event],
        url=url,
    )
