from apps.notifications.selectors import unread_count


def unread_notifications(request):
    """The signed-in user's unread notification count, for the header on every page."""
    return {"unread_notifications": unread_count(getattr(request, "user", None))}
