from django import template

from apps.notifications.selectors import notifications_for_user, unread_count

register = template.Library()


@register.inclusion_tag("notifications/_panel.html", takes_context=True)
def notifications_panel(context, limit: int = 5):
    """The newest unread notifications of the signed-in user, for the workspace."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return {"items": [], "unread": 0}
    return {"items": list(notifications_for_user(user, unread_only=True)[:limit]), "unread": unread_count(user)}
