import stripe
from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from apps.funds.webhooks import Malformed, NotYet, stripe_event_parse, stripe_event_process


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """Stripe's events, signature checked on the raw body (t=…,v1=HMAC-SHA256 of "t.payload").

    Answers (Stripe reads only the status): 400 for a bad signature or a body that is not an
    event as Stripe sends it, 409 for an event that can't be matched yet (Stripe retries), 200
    otherwise, with the outcome ("ignored" for events that book nothing: see apps.funds.webhooks).
    """
    payload = request.body
    if not settings.STRIPE_WEBHOOK_SECRET:
        return JsonResponse({"detail": "webhook secret not configured"}, status=400)
    signature = request.headers.get("Stripe-Signature", "")
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError:
        return JsonResponse({"detail": "invalid payload: not UTF-8"}, status=400)
    try:
        stripe.WebhookSignature.verify_header(text, signature, settings.STRIPE_WEBHOOK_SECRET, tolerance=300)
    except stripe.SignatureVerificationError as exc:
        return JsonResponse({"detail": f"invalid signature: {type(exc).__name__}"}, status=400)
    try:
        outcome = stripe_event_process(stripe_event_parse(text))
    except Malformed as exc:
        return JsonResponse({"detail": f"malformed event: {exc}"}, status=400)
    except NotYet:
        return JsonResponse({"detail": "not yet: retry later"}, status=409)
    return JsonResponse({"received": True, "outcome": outcome})
