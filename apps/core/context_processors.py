from apps.core.pages import language_neutral_url


def site(request):
    return {"language_neutral_path": language_neutral_url(request.get_full_path())}
