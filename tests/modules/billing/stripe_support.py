"""Stripe in tests: events signed as Stripe documents it, and Stripe's API answered at the
SDK's HTTP boundary (nothing leaves the machine; the SDK itself runs for real)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from urllib.parse import parse_qsl

import stripe

SECRET = "whsec_test_opsbase"
URL = "/billing/webhooks/stripe/"


def signature_header(payload: str, secret: str = SECRET, timestamp: int | None = None) -> str:
    """``Stripe-Signature`` as Stripe computes it: HMAC-SHA256 of ``"<t>.<payload>"`` under
    the endpoint's secret, hex, as scheme ``v1`` (docs.stripe.com/webhooks, "verify manually")."""
    t = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{t}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def intent_event(
    event_id: str,
    *,
    invoice,
    intent_id: str = "pi_1",
    type: str = "payment_intent.succeeded",
    created: int = 1_760_000_000,
    amount: int | None = None,
    currency: str | None = None,
    tenant_id=None,
    invoice_id=None,
) -> dict:
    """A PaymentIntent event as Stripe sends it, about *invoice* (its balance by default)."""
    currency = (currency or invoice.currency).lower()
    amount = int(invoice.balance * 100) if amount is None else amount
    succeeded = type == "payment_intent.succeeded"
    return {
        "id": event_id,
        "object": "event",
        "api_version": "2024-06-20",
        "created": created,
        "livemode": False,
        "pending_webhooks": 1,
        "type": type,
        "data": {
            "object": {
                "id": intent_id,
                "object": "payment_intent",
                "amount": amount,
                "amount_received": amount if succeeded else 0,
                "currency": currency,
                "status": "succeeded" if succeeded else type.rsplit(".", 1)[-1],
                "metadata": {
                    "invoice_id": str(invoice.pk if invoice_id is None else invoice_id),
                    "tenant_id": str(invoice.tenant_id if tenant_id is None else tenant_id),
                },
            }
        },
    }


def deliver(client, event: dict, *, secret: str = SECRET, header: str | None = None):
    """POST *event* to the webhook, signed with *secret* (or with *header* as given)."""
    payload = json.dumps(event)
    extra = {}
    sig = signature_header(payload, secret) if header is None else header
    if sig:
        extra["HTTP_STRIPE_SIGNATURE"] = sig
    return client.post(URL, data=payload, content_type="application/json", **extra)


class StripeAPI(stripe.HTTPClient):
    """Stripe's API as the SDK's HTTP client sees it: records each request and answers
    Checkout Session and PaymentIntent creation with the objects Stripe returns."""

    name = "opsbase-test"

    def __init__(self, *, status: int = 200, error: dict | None = None) -> None:
        super().__init__()
        self.requests: list[dict] = []
        self.status = status
        self.error = error

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        form = dict(parse_qsl(post_data or "", keep_blank_values=True))
        self.requests.append({"method": method, "url": url, "headers": headers, "form": form})
        if self.status != 200:
            return json.dumps({"error": self.error or {}}), self.status, {}
        n = len(self.requests)
        metadata = {k[9:-1]: v for k, v in form.items() if k.startswith("metadata[")}
        if url.endswith("/v1/checkout/sessions"):
            body = {
                "id": f"cs_test_{n}",
                "object": "checkout.session",
                "url": f"https://checkout.stripe.com/c/pay/cs_test_{n}",
                "payment_status": "unpaid",
                "metadata": metadata,
            }
        elif url.endswith("/v1/payment_intents"):
            body = {
                "id": f"pi_test_{n}",
                "object": "payment_intent",
                "amount": int(form["amount"]),
                "currency": form["currency"],
                "client_secret": f"pi_test_{n}_secret_x",
                "status": "requires_payment_method",
                "metadata": metadata,
            }
        else:
            return json.dumps({"error": {"message": "unknown"}}), 404, {}
        return json.dumps(body), 200, {"Request-Id": f"req_{n}"}

    def close(self):
        pass
