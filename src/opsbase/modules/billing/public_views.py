"""The customer's pages of an invoice, at its unguessable link (``/i/<key>/``): the invoice
read-only, its PDF, and a Pay button that sends the customer to Stripe Checkout when Stripe
is set up. No sign-in: the key is the credential; an unknown, renewed or revoked key (a void
invoice) is a 404, and each address may ask a limited number of times a minute."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from opsbase.core.context import tenant_context
from opsbase.core.exceptions import ValidationError
from opsbase.core.middleware import client_ip
from opsbase.kit.ratelimit import rate_limit_hit

from .constants import OWED_STATUSES
from .gateways import Gateway, gateway_get
from .models import Invoice
from .selectors import invoice_by_link_token

#: Requests a minute one address may make to the customer pages.
PUBLIC_RATE = 60


def stripe_gateway() -> Gateway:
    """The gateway the Pay button uses (tests give it Stripe's API at the HTTP boundary)."""
    return gateway_get("stripe")


def stripe_ready() -> bool:
    return bool(getattr(settings, "STRIPE_SECRET_KEY", ""))


def _invoice_or_404(request: HttpRequest, key: str) -> Invoice | HttpResponse:
    if not rate_limit_hit("billing.public", client_ip(request) or "-", PUBLIC_RATE, 60):
        return HttpResponse(_("Too many requests; try again in a minute."), status=429)
    invoice = invoice_by_link_token(key=key)
    if invoice is None:
        raise Http404
    return invoice


def _private(response: HttpResponse) -> HttpResponse:
    # The page is the customer's: never cached by a proxy, never sent on as a referrer.
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_http_methods(["GET", "HEAD"])
def invoice_public_view(request: HttpRequest, key: str) -> HttpResponse:
    """The invoice as its customer sees it."""
    from .documents import invoice_context

    found = _invoice_or_404(request, key)
    if isinstance(found, HttpResponse):
        return found
    with tenant_context(found.tenant_id):
        context: dict[str, Any] = invoice_context(found)
    context.update(
        {
            "key": key,
            "pdf_url": reverse("billing_invoice_public_pdf", args=[key]),
            "pay_url": reverse("billing_invoice_public_pay", args=[key]),
            "may_pay": stripe_ready() and found.status in OWED_STATUSES and found.balance > 0,
            "paid_now": request.GET.get("paid") == "1",
            "error": "",
        }
    )
    return _private(render(request, "billing/invoice_public.html", context))


@require_http_methods(["GET", "HEAD"])
def invoice_public_pdf_view(request: HttpRequest, key: str) -> HttpResponse:
    """The invoice's PDF, downloaded."""
    from .documents import invoice_pdf

    found = _invoice_or_404(request, key)
    if isinstance(found, HttpResponse):
        return found
    with tenant_context(found.tenant_id):
        data = invoice_pdf(found)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{found.number}.pdf"'
    return _private(response)


@require_POST
def invoice_public_pay_view(request: HttpRequest, key: str) -> HttpResponse:
    """Start paying the balance: a Stripe Checkout Session, then off to Stripe's page."""
    import stripe

    from .documents import invoice_context

    found = _invoice_or_404(request, key)
    if isinstance(found, HttpResponse):
        return found
    if not stripe_ready() or found.status not in OWED_STATUSES or found.balance <= 0:
        raise Http404
    here = request.build_absolute_uri(reverse("billing_invoice_public", args=[key]))
    error = ""
    try:
        with tenant_context(found.tenant_id):
            collected = stripe_gateway().collect(
                membership=None,
                invoice=found,
                success_url=f"{here}?paid=1",
                cancel_url=here,
            )
    except (stripe.StripeError, ValidationError):
        error = _("The payment page could not be opened. Please try again in a moment.")
    else:
        if collected.url:
            return redirect(collected.url)
        error = _("The payment page could not be opened. Please try again in a moment.")
    with tenant_context(found.tenant_id):
        context: dict[str, Any] = invoice_context(found)
    context.update(
        {
            "key": key,
            "pdf_url": reverse("billing_invoice_public_pdf", args=[key]),
            "pay_url": reverse("billing_invoice_public_pay", args=[key]),
            "may_pay": True,
            "error": error,
        }
    )
    return _private(render(request, "billing/invoice_public.html", context, status=502))
