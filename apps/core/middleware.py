from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation


class LocaleMiddleware(DjangoLocaleMiddleware):
    """`/en/…` chooses English; an unprefixed path follows the language cookie, then
    Accept-Language, then zh-hans (Django alone would force the default language there)."""

    def process_request(self, request):
        language = translation.get_language_from_path(request.path_info) or translation.get_language_from_request(
            request, check_path=False
        )
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
