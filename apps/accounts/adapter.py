"""How allauth identifies a client and an account for its sign-in lockout (``login_failed``)."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address

from apps.accounts.selectors import user_for_login


def client_ip(request) -> str | None:
    """The client's address. With ``TRUSTED_PROXY_COUNT`` = N > 0 proxies in front, the Nth entry
    from the right of X-Forwarded-For (the one the outermost trusted proxy saw); with 0, or a header
    too short or not an address, the peer address: anything else in the header is the client's own
    claim and may be forged."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if proxies > 0 and len(forwarded) >= proxies:
        candidate = forwarded[-proxies]
        try:
            validate_ipv46_address(candidate)
        except ValidationError:
            pass
        else:
            return candidate
    return request.META.get("REMOTE_ADDR") or None


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request) -> str:
        return client_ip(request) or super().get_client_ip(request)

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """Failures count per account, whether it was named by username or e-mail (allauth counts
        per identifier as typed); an identifier that names no account counts on its own."""
        login = credentials.get("email", credentials.get("username", ""))
        user = user_for_login(login) if login else None
        if user is None:
            return super()._get_login_attempts_cache_key(request, **credentials)
        return f"{get_current_site(request).domain}:user:{user.pk}"
