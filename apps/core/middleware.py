from django.conf import settings
from django.http import HttpResponseRedirect
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.urls import is_valid_path
from django.utils import translation
from django.utils.cache import patch_vary_headers


class LocaleMiddleware(DjangoLocaleMiddleware):
    """`/en/…` chooses English; an unprefixed path follows the language cookie, then
    Accept-Language, then zh-hans (Django alone would force the default language there).

    Unprefixed pages only resolve in the default language, so a visitor whose browser asks for
    English is sent from ``/needs/`` to ``/en/needs/`` (without this, every page was a 404 for them)."""

    def process_request(self, request):
        language = translation.get_language_from_path(request.path_info) or translation.get_language_from_request(
            request, check_path=False
        )
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        language = translation.get_language()
        if (
            response.status_code == 404
            and request.method in ("GET", "HEAD")
            and language != settings.LANGUAGE_CODE
            and not translation.get_language_from_path(request.path_info)
        ):
            urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
            language_path = f"/{language}{request.path_info}"
            if is_valid_path(language_path, urlconf):
                redirect = HttpResponseRedirect(request.get_full_path().replace(request.path_info, language_path, 1))
                patch_vary_headers(redirect, ("Accept-Language", "Cookie"))
                return redirect
        return super().process_response(request, response)
