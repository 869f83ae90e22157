from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.authentication import SessionScheme
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication, TokenAuthentication

from apps.accounts.selectors import api_token_by_key, user_mfa_pending
from apps.accounts.services import api_token_mark_used


class BearerTokenAuthentication(TokenAuthentication):
    """``Authorization: Bearer <token>`` (CONTRACT); ``Token <token>`` is accepted too.

    A token works until it expires or its owner revokes it (401 after that)."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if header.startswith("Token "):
            return self.authenticate_credentials(header.split(" ", 1)[1].strip())
        return super().authenticate(request)

    def authenticate_credentials(self, key):
        token = api_token_by_key(key)
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if token.expires_at <= timezone.now():
            raise exceptions.AuthenticationFailed(_("This token has expired. Request a new one."))
        api_token_mark_used(token=token)
        return token.user, token


class MFASessionAuthentication(SessionAuthentication):
    """A browser session, on the same terms as the pages: a user of an MFA role who has not set up
    the one-time code is refused (403), as the pages send them to set it up."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None and user_mfa_pending(result[0]):
            raise exceptions.PermissionDenied(
                _("Your role needs a one-time code (TOTP): set it up and sign in with it on the web first.")
            )
        return result


class MFASessionScheme(SessionScheme):
    """The schema's ``cookieAuth`` for ``MFASessionAuthentication``."""

    target_class = "apps.accounts.authentication.MFASessionAuthentication"
