from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from apps.portal import views as portal_views
from marketplace.api import API_APPS

urlpatterns = [
    path("favicon.ico", portal_views.favicon),
    path("", include("apps.ops.urls")),  # /healthz, /readyz, /metrics
    path("api/v1/", include("marketplace.api")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("stripe/", include("apps.funds.stripe_urls")),
    path("open311/", include("apps.dispatch.open311_urls")),
    # Every sign-in goes through allauth's, which asks enrolled users for their one-time code: the
    # admin sites' own forms took a password only.
    # A signed-in user sent there lacks access to that admin: a page says so, instead of a redirect loop.
    path("cms-admin/login/", portal_views.admin_sign_in),
    path("ops/django-admin/login/", portal_views.admin_sign_in),
    path("cms-admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # The Django admin is for operators only: not linked from any page, staff-only, MFA-enforced.
    path("ops/django-admin/", admin.site.urls),
]

urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("", include("apps.portal.urls")),
    path("", include("apps.accounts.urls")),
    *[path("", include(f"apps.{app}.urls")) for app in API_APPS if app not in ("core", "accounts")],
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

handler404 = portal_views.page_not_found
handler403 = portal_views.permission_denied

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
