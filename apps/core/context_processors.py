from django.urls import translate_url


def site(request):
    user = getattr(request, "user", None)
    unread = 0
    if user is not None and user.is_authenticated:
        unread = user.notifications.filter(read_at__isnull=True, shown=True).count()
    path = request.get_full_path()
    return {
        "unread_notifications": unread,
        "language_neutral_path": translate_url(path, "zh-hans") if path.startswith("/en/") else path,
    }
