from django.shortcuts import redirect
from django.urls import reverse

from apps.accounts.selectors import user_mfa_pending

_ALLOWED_PREFIXES = ("/accounts/", "/en/accounts/", "/static/", "/api/", "/i18n/", "/stripe/", "/open311/")


class RequireMFAMiddleware:
    """Interactive sessions of platform staff, reviewers and fund managers must enrol TOTP first.

    The API applies the same rule to sessions (``MFASessionAuthentication``: 403); tokens are
    issued to these roles only against a one-time code, or by operators (CONTRACT)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and not request.path.startswith(_ALLOWED_PREFIXES) and user_mfa_pending(user):
            return redirect(reverse("mfa_activate_totp") + "?next=" + request.path)
        return self.get_response(request)
