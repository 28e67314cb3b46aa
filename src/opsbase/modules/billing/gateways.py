"""Payment gateways: one interface, whoever takes the money.

``gateway_get(name).collect(membership=..., invoice=...)`` starts collecting an invoice's
balance (or a part of it):

* ``manual`` (bank transfer, cash, a card terminal): the money is already in; the payment is
  recorded at once through ``services.invoice_pay``.
* ``stripe``: a Checkout Session (a page at Stripe the customer is sent to) or a PaymentIntent
  (for Stripe.js on our own page), created through the official ``stripe`` SDK. Nothing is
  recorded here: the payment is recorded when Stripe's signed ``payment_intent.succeeded``
  event arrives (``webhooks.py``), once, whatever the number of deliveries. Both carry the
  invoice and its organization in the PaymentIntent's metadata (``invoice_id``,
  ``tenant_id``), which is how the event finds them.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

import stripe
from django.conf import settings
from django.utils.translation import gettext as _

from opsbase.core.exceptions import ValidationError
from opsbase.kernel.policy import policy
from opsbase.kernel.tenants.models import Membership

from .constants import OWED_STATUSES, RECORD_PAYMENT, PaymentMethod
from .models import Invoice, Payment
from .money import minor_units, quantize
from .services import invoice_pay

#: Methods the manual gateway records (the money came in outside any gateway).
MANUAL_METHODS = (PaymentMethod.BANK_TRANSFER, PaymentMethod.CASH, PaymentMethod.OTHER)


@dataclass(frozen=True)
class Collection:
    """What starting to collect gave: a recorded payment (manual), or where the customer pays
    (Stripe Checkout's ``url``; a PaymentIntent's ``client_secret`` for Stripe.js)."""

    gateway: str
    amount: Decimal
    currency: str
    payment: Payment | None = None
    gateway_id: str = ""
    url: str = ""
    client_secret: str = ""


class Gateway(ABC):
    """A way of taking an invoice's money."""

    name: ClassVar[str]

    @abstractmethod
    def collect(
        self,
        *,
        membership: Membership | None,
        invoice: Invoice,
        amount: Decimal | str | None = None,
        **options: Any,
    ) -> Collection:
        """Start collecting *amount* (the balance when none) of *invoice*."""


def _amount_owed(invoice: Invoice, amount: Decimal | str | None) -> Decimal:
    """*amount* checked against *invoice*: owed, above zero, within the balance, in the
    currency's minor units."""
    if invoice.status not in OWED_STATUSES:
        raise ValidationError(
            _("Nothing is owed on this invoice."), extra={"fields": {"invoice": ["not owed"]}}
        )
    try:
        value = invoice.balance if amount in (None, "") else Decimal(str(amount))
    except ArithmeticError:
        value = Decimal(-1)
    if value <= 0 or value > invoice.balance or quantize(value, invoice.currency) != value:
        message = _("Enter an amount above zero, at most the balance (%(balance)s %(cur)s).") % {
            "balance": invoice.balance,
            "cur": invoice.currency,
        }
        raise ValidationError(message, extra={"fields": {"amount": [message]}})
    return value


class ManualGateway(Gateway):
    """Money received outside any gateway (bank transfer, cash): recorded at once."""

    name = "manual"

    def collect(
        self,
        *,
        membership: Membership | None,
        invoice: Invoice,
        amount: Decimal | str | None = None,
        method: str = PaymentMethod.BANK_TRANSFER,
        reference: str = "",
        received_on: dt.date | None = None,
        **options: Any,
    ) -> Collection:
        if membership is None:
            raise ValidationError(_("A payment recorded by hand needs the person recording it."))
        if method not in MANUAL_METHODS:
            message = _("Choose bank transfer, cash or another method.")
            raise ValidationError(message, extra={"fields": {"method": [message]}})
        payment = invoice_pay(
            membership=membership,
            invoice=invoice,
            amount=amount,
            method=method,
            reference=reference,
            received_on=received_on,
        )
        return Collection(
            gateway=self.name, amount=payment.amount, currency=payment.currency, payment=payment
        )


def stripe_amount(amount: Decimal, currency: str) -> int:
    """*amount* in Stripe's integer minor units (EUR 12.34 → 1234; JPY 500 → 500)."""
    return int(quantize(amount, currency).scaleb(minor_units(currency)))


def stripe_amount_decimal(value: int, currency: str) -> Decimal:
    """Stripe's integer minor units as a Decimal amount (1234 EUR → 12.34)."""
    return quantize(Decimal(int(value)).scaleb(-minor_units(currency)), currency)


class StripeNotConfigured(ValidationError):
    pass


class StripeGateway(Gateway):
    """Stripe, through the official SDK. *http_client* replaces the SDK's HTTP transport
    (tests give one that answers as Stripe's API does; nothing else of the SDK is replaced)."""

    name = "stripe"

    def __init__(
        self, *, api_key: str | None = None, http_client: stripe.HTTPClient | None = None
    ) -> None:
        self._api_key = api_key
        self._http_client = http_client

    def client(self) -> stripe.StripeClient:
        """A client with ``STRIPE_SECRET_KEY`` (read now, not at import)."""
        key = self._api_key or getattr(settings, "STRIPE_SECRET_KEY", "")
        if not key:
            raise StripeNotConfigured(_("Card payments through Stripe are not set up."))
        return stripe.StripeClient(key, http_client=self._http_client, max_network_retries=2)

    def collect(
        self,
        *,
        membership: Membership | None,
        invoice: Invoice,
        amount: Decimal | str | None = None,
        mode: str = "checkout",
        success_url: str = "",
        cancel_url: str = "",
        **options: Any,
    ) -> Collection:
        """*mode* ``checkout``: a Checkout Session (needs *success_url* and *cancel_url*);
        ``payment_intent``: a PaymentIntent for Stripe.js. *membership* ``None`` is the
        customer on the invoice's public page (the caller has checked its link)."""
        if membership is not None:
            policy.require(membership, RECORD_PAYMENT, invoice)
        value = _amount_owed(invoice, amount)
        if mode == "checkout":
            return self._checkout(invoice, value, success_url, cancel_url)
        if mode == "payment_intent":
            return self._payment_intent(invoice, value)
        raise ValueError(f"Unknown Stripe mode {mode!r}: use 'checkout' or 'payment_intent'.")

    @staticmethod
    def metadata(invoice: Invoice) -> dict[str, str]:
        """What the webhook reads back to find the invoice and its organization."""
        return {
            "invoice_id": str(invoice.pk),
            "tenant_id": str(invoice.tenant_id),
            "invoice_number": invoice.number or "",
        }

    def _checkout(
        self, invoice: Invoice, amount: Decimal, success_url: str, cancel_url: str
    ) -> Collection:
        if not success_url or not cancel_url:
            raise ValueError("A Checkout Session needs success_url and cancel_url.")
        metadata = self.metadata(invoice)
        label = _("Invoice %(number)s") % {"number": invoice.number or invoice.pk}
        params: Any = {
            "mode": "payment",
            "success_url": success_url,
            "cancel_url": cancel_url,
            "client_reference_id": str(invoice.pk),
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": invoice.currency.lower(),
                        "unit_amount": stripe_amount(amount, invoice.currency),
                        "product_data": {"name": label},
                    },
                }
            ],
            "metadata": metadata,
            "payment_intent_data": {"metadata": metadata, "description": label},
            **_customer_email(invoice),
        }
        session = self.client().v1.checkout.sessions.create(params=params)
        return Collection(
            gateway=self.name,
            amount=amount,
            currency=invoice.currency,
            gateway_id=session.id,
            url=session.url or "",
        )

    def _payment_intent(self, invoice: Invoice, amount: Decimal) -> Collection:
        label = _("Invoice %(number)s") % {"number": invoice.number or invoice.pk}
        intent = self.client().v1.payment_intents.create(
            params={
                "amount": stripe_amount(amount, invoice.currency),
                "currency": invoice.currency.lower(),
                "metadata": self.metadata(invoice),
                "description": label,
                "automatic_payment_methods": {"enabled": True},
            }
        )
        return Collection(
            gateway=self.name,
            amount=amount,
            currency=invoice.currency,
            gateway_id=intent.id,
            client_secret=intent.client_secret or "",
        )


def _customer_email(invoice: Invoice) -> dict[str, str]:
    email = getattr(invoice.customer, "email", "") or ""
    return {"customer_email": email} if email else {}


GATEWAYS: dict[str, type[Gateway]] = {
    ManualGateway.name: ManualGateway,
    StripeGateway.name: StripeGateway,
}


def gateway_get(name: str, **init: Any) -> Gateway:
    """The gateway called *name* (``manual``, ``stripe``)."""
    try:
        return GATEWAYS[name](**init)
    except KeyError:
        raise ValueError(f"Unknown payment gateway {name!r}.") from None


__all__ = [
    "Collection",
    "Gateway",
    "ManualGateway",
    "StripeGateway",
    "gateway_get",
    "stripe_amount",
    "stripe_amount_decimal",
]
