from rest_framework.permissions import BasePermission

from apps.accounts.selectors import is_platform_staff


class IsPlatformStaff(BasePermission):
    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and is_platform_staff(request.user))
