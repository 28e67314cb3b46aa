"""Stripe's webhook endpoint: ``POST /billing/webhooks/stripe/``.

Public (Stripe is no member), without CSRF token or session: what authenticates a delivery is
its ``Stripe-Signature`` header, checked by the SDK against ``STRIPE_WEBHOOK_SECRET`` before
anything is read or stored. Answers:

* 400: no or a wrong signature, or a body that is no event (nothing stored);
* 200: stored, and applied now or before (a replay), or kept as failed when it can never be
  applied (an unknown organization or invoice: Stripe retrying it for days would not help);
* 503: the database failed (down, a lock timeout): nothing of the event is applied, Stripe
  delivers it again later.
"""

from __future__ import annotations

import json
import logging

import stripe
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .webhooks import stripe_event_receive

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> JsonResponse:
    """A Stripe event delivery: verified, stored once, applied once."""
    secret = getattr(settings, "STRIPE_WEBHOOK_SECRET", "") or None
    try:
        stripe.Webhook.construct_event(
            request.body, request.headers.get("Stripe-Signature"), secret
        )
        event = json.loads(request.body)
    except stripe.SignatureVerificationError:
        logger.warning("Stripe webhook: a delivery with a missing or wrong signature refused")
        return JsonResponse({"error": "invalid signature"}, status=400)
    except ValueError:  # not JSON, not UTF-8
        return JsonResponse({"error": "invalid payload"}, status=400)
    if not isinstance(event, dict):
        return JsonResponse({"error": "invalid payload"}, status=400)
    try:
        row, outcome = stripe_event_receive(event=event)
    except ValueError:
        return JsonResponse({"error": "invalid payload"}, status=400)
    except (OperationalError, InterfaceError):
        logger.exception("Stripe webhook: event %s not applied, Stripe will retry", event.get("id"))
        return JsonResponse({"error": "try again later"}, status=503, headers={"Retry-After": "60"})
    return JsonResponse({"id": row.event_id, "result": outcome})
