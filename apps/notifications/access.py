from apps.core.errors import NotFound
from apps.notifications.models import Notification


def notification_get_for_user(*, user, notification_id) -> Notification:
    """A user only ever sees their own notifications; anything else is 404."""
    try:
        pk = int(notification_id)
    except (TypeError, ValueError):
        raise NotFound("No such notification.") from None
    n = Notification.objects.filter(pk=pk, user=user, shown=True).first()
    if n is None:
        raise NotFound("No such notification.")
    return n
