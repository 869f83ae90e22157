from apps.core.pages import language_neutral_url


def site(request):
    user = getattr(request, "user", None)
    unread = 0
    if user is not None and user.is_authenticated:
        unread = user.notifications.filter(read_at__isnull=True, shown=True).count()
    path = request.get_full_path()
    return {
        "unread_notifications": unread,
        "language_neutral_path": language_neutral_url(path),
    }
