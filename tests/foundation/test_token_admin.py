from django.contrib import admin
from rest_framework.authtoken.models import TokenProxy


def test_the_django_admin_offers_no_drf_tokens_that_would_sign_nobody_in():
    assert not admin.site.is_registered(TokenProxy)
