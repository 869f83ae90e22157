from rest_framework.authentication import TokenAuthentication


class BearerTokenAuthentication(TokenAuthentication):
    """``Authorization: Bearer <token>`` (CONTRACT); ``Token <token>`` is accepted too."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if header.startswith("Token "):
            return self.authenticate_credentials(header.split(" ", 1)[1].strip())
        return super().authenticate(request)
