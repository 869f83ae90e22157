from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from apps.accounts.selectors import user_requires_mfa

_ALLOWED_PREFIXES = ("/accounts/", "/en/accounts/", "/static/", "/api/", "/i18n/", "/stripe/", "/open311/")


class RequireMFAMiddleware:
    """Interactive sessions of platform staff, reviewers and fund managers must enrol TOTP first.

    API requests with a token are not sessions and pass (CONTRACT: operators provision tokens).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.SANSHE_ENFORCE_MFA
            and user is not None
            and user.is_authenticated
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and user_requires_mfa(user)
        ):
            from allauth.mfa.models import Authenticator

            if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
                return redirect(reverse("mfa_activate_totp") + "?next=" + request.path)
        return self.get_response(request)
