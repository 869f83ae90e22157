import json
import logging

import stripe
from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from apps.funds.webhooks import NotYet, stripe_event_process

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """Stripe's events, signature checked on the raw body (t=…,v1=HMAC-SHA256 of "t.payload")."""
    payload = request.body
    if not settings.STRIPE_WEBHOOK_SECRET:
        return JsonResponse({"detail": "webhook secret not configured"}, status=400)
    signature = request.headers.get("Stripe-Signature", "")
    try:
        stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET or "", tolerance=300)
        event = json.loads(payload)
    except (ValueError, stripe.SignatureVerificationError) as exc:
        return JsonResponse({"detail": f"invalid payload or signature: {type(exc).__name__}"}, status=400)
    try:
        outcome = stripe_event_process(event)
    except NotYet:
        return JsonResponse({"detail": "not yet: retry later"}, status=409)
    return JsonResponse({"received": True, "outcome": outcome})
