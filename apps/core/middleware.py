import functools
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponseRedirect
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.urls import is_valid_path, reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers


class LocaleMiddleware(DjangoLocaleMiddleware):
    """`/en/…` chooses English; an unprefixed path follows the language cookie, then
    Accept-Language, then zh-hans (Django alone would force the default language there).

    Unprefixed pages only resolve in the default language, so a visitor whose browser asks for
    English is sent from ``/needs/`` to ``/en/needs/`` (without this, every page was a 404 for them).
    Paths outside the language prefix (``/api/v1/…``) keep their own 404, in the asked language."""

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
            # A path that resolves as it is (the API, Open311, the webhook) answered the 404 itself.
            if not is_valid_path(request.path_info, urlconf) and is_valid_path(language_path, urlconf):
                redirect = HttpResponseRedirect(request.get_full_path().replace(request.path_info, language_path, 1))
                patch_vary_headers(redirect, ("Accept-Language", "Cookie"))
                return redirect
        return super().process_response(request, response)


class ContentSecurityPolicyMiddleware:
    """Content-Security-Policy on every response (Django 5.2 has none built in; a few lines here
    instead of django-csp, because the one exception below is a path prefix, not a view we own).

    Scripts run only from our own static files: no inline script, no on…= attribute, no eval (so
    no htmx ``hx-on``); JSON data blocks (``json_script``) are data, not scripts. Styles may be
    inline (htmx's indicator style, print styles). Images from us, data: URLs (the TOTP QR code)
    and the configured map tile server. Nothing frames our pages, forms post only to us.

    The Wagtail admin (/cms-admin/) is the one relaxation: its widgets still write inline scripts
    (date choosers, inline panels), so there script-src adds 'unsafe-inline' (still no eval), and
    its preview frames our own pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response.headers:
            in_cms_admin = request.path_info.startswith(reverse("wagtailadmin_home"))
            response.headers["Content-Security-Policy"] = content_security_policy(
                cms_admin=in_cms_admin, map_tile_url=settings.MAP_TILE_URL
            )
        return response


@functools.cache
def content_security_policy(*, cms_admin: bool, map_tile_url: str) -> str:
    tiles = urlsplit(map_tile_url)
    tile_origin = [f"{tiles.scheme}://{tiles.netloc}"] if tiles.netloc else []
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", *tile_origin],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    if cms_admin:
        directives.update(
            {
                "script-src": ["'self'", "'unsafe-inline'"],
                "img-src": ["'self'", "data:", "blob:"],
                "frame-src": ["'self'"],
                "frame-ancestors": ["'self'"],
            }
        )
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())
