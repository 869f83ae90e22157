from django.urls import path

from apps.funds.stripe_views import stripe_webhook

urlpatterns = [path("webhook/", stripe_webhook, name="stripe-webhook")]
