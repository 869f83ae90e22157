"""What each role can do, shown on the workspace. Apps add their own action links here."""

from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Role

ROLE_ACTIONS: dict[str, list[tuple[str, str]]] = {
    Role.PLATFORM_STAFF: [
        (_("Certification review queue"), "/certifications/queue/"),
        (_("Edit policy values"), "/cms-admin/policy/"),
        (_("Assign review panels"), "/needs/?status=evaluating"),
    ],
    Role.COMMUNITY_STAFF: [
        (_("Publish a need"), "/needs/new/"),
        (_("My community's needs"), "/needs/mine/"),
        (_("Confirm service hours"), "/hours/confirm/"),
        (_("Report a problem"), "/work-orders/new/"),
        (_("Community cooperatives"), "/cooperatives/"),
    ],
    Role.GRID_WORKER: [(_("Report a problem"), "/work-orders/new/")],
    Role.ORG_ADMIN: [
        (_("Find needs to bid for"), "/needs/"),
        (_("My bids"), "/bids/"),
        (_("Approve service hours"), "/hours/approve/"),
        (_("Apply for social-enterprise certification"), "/certifications/"),
        (_("Revenue-share agreements"), "/revenue-shares/"),
    ],
    Role.ORG_MEMBER: [(_("Find needs to bid for"), "/needs/"), (_("My bids"), "/bids/")],
    Role.SOCIAL_WORKER: [(_("Log service hours"), "/hours/"), (_("My service record"), "/hours/record/")],
    Role.REVIEWER: [(_("My reviews"), "/reviews/")],
    Role.FUND_MANAGER: [
        (_("Fund books"), "/funds/"),
        (_("Revenue-share reports"), "/revenue-shares/"),
        (_("Community cooperatives"), "/cooperatives/"),
    ],
    Role.STREET_OFFICER: [(_("Dispatch console"), "/dispatch/"), (_("Oversight dashboard"), "/oversight/")],
    Role.DISTRICT_OFFICER: [(_("Dispatch console"), "/dispatch/"), (_("Oversight dashboard"), "/oversight/")],
    Role.UNIT_STAFF: [(_("Work-order inbox"), "/work-orders/inbox/")],
}
