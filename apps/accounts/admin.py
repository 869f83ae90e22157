"""DRF's own tokens are no longer read: ``ApiToken`` (hashed, expiring, revocable) replaced them, and
``rest_framework.authtoken`` stays installed only for the migration that carried its rows over. Its
admin page would make tokens that sign nobody in, so it is taken away."""

from django.contrib import admin
from rest_framework.authtoken.models import TokenProxy

if admin.site.is_registered(TokenProxy):
    admin.site.unregister(TokenProxy)
