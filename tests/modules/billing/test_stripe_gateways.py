"""The payment gateways behind one interface: ``manual`` records at once; ``stripe`` creates
a Checkout Session or a PaymentIntent through the real SDK (only Stripe's HTTP API is
answered here) carrying the invoice in its metadata, and the signed event closes the loop."""

from decimal import Decimal

import pytest
import stripe
from django.test import Client

from opsbase.core.exceptions import PermissionDenied, ValidationError
from opsbase.kernel.roles.constants import RoleKind
from opsbase.modules.billing.constants import InvoiceStatus, PaymentGateway, PaymentMethod
from opsbase.modules.billing.gateways import (
    Gateway,
    ManualGateway,
    StripeGateway,
    gateway_get,
    stripe_amount,
    stripe_amount_decimal,
)
from opsbase.modules.billing.models import Payment

from .stripe_support import SECRET, StripeAPI, deliver, intent_event


@pytest.fixture
def invoice(admin, make_invoice):
    """An open invoice of Acme, 1242.00 EUR."""
    return make_invoice(admin, issue=True)


@pytest.fixture
def api(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_opsbase"
    return StripeAPI()


def test_every_gateway_has_the_one_interface():
    for name in ("manual", "stripe"):
        gateway = gateway_get(name)
        assert isinstance(gateway, Gateway)
        assert gateway.name == name
    with pytest.raises(ValueError, match="Unknown payment gateway"):
        gateway_get("paypal")


@pytest.mark.parametrize("method", [PaymentMethod.BANK_TRANSFER, PaymentMethod.CASH])
def test_manual_records_the_payment_at_once(admin, invoice, method):
    collected = ManualGateway().collect(
        membership=admin, invoice=invoice, method=method, reference="Wire 42"
    )

    payment = collected.payment
    assert (payment.amount, payment.method, payment.gateway) == (
        Decimal("1242.00"),
        method,
        PaymentGateway.MANUAL,
    )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID


def test_manual_takes_a_part_of_the_balance(admin, invoice):
    ManualGateway().collect(membership=admin, invoice=invoice, amount="200.00")

    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance) == (InvoiceStatus.OPEN, Decimal("1042.00"))


def test_manual_is_refused_to_a_user(world, invoice):
    with pytest.raises(PermissionDenied):
        ManualGateway().collect(membership=world.members[RoleKind.USER], invoice=invoice)

    assert not Payment.objects.for_tenant(invoice.tenant).exists()


def test_manual_refuses_a_card(admin, invoice):
    with pytest.raises(ValidationError):
        ManualGateway().collect(membership=admin, invoice=invoice, method=PaymentMethod.CARD)


def test_stripe_checkout_session_carries_the_amount_and_the_invoice(admin, invoice, api):
    collected = StripeGateway(http_client=api).collect(
        membership=admin,
        invoice=invoice,
        success_url="https://ops.example.com/paid",
        cancel_url="https://ops.example.com/cancelled",
    )

    (request,) = api.requests
    assert request["method"] == "post"
    assert request["url"] == "https://api.stripe.com/v1/checkout/sessions"
    assert request["headers"]["Authorization"] == "Bearer sk_test_opsbase"
    form = request["form"]
    assert form["mode"] == "payment"
    assert form["line_items[0][price_data][unit_amount]"] == "124200"
    assert form["line_items[0][price_data][currency]"] == "eur"
    assert form["payment_intent_data[metadata][invoice_id]"] == str(invoice.pk)
    assert form["payment_intent_data[metadata][tenant_id]"] == str(invoice.tenant_id)
    assert collected.url == "https://checkout.stripe.com/c/pay/cs_test_1"
    assert collected.gateway_id == "cs_test_1"
    assert not Payment.objects.for_tenant(invoice.tenant).exists()


def test_a_stripe_payment_intent_paid_is_recorded_by_its_signed_event(
    admin, invoice, api, settings
):
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    collected = StripeGateway(http_client=api).collect(
        membership=admin, invoice=invoice, amount="1000.00", mode="payment_intent"
    )
    assert collected.client_secret.startswith(collected.gateway_id)
    form = api.requests[0]["form"]
    assert (form["amount"], form["currency"]) == ("100000", "eur")

    # Stripe, once the customer paid: the event about the PaymentIntent it created.
    event = intent_event("evt_1", invoice=invoice, intent_id=collected.gateway_id, amount=100000)
    event["data"]["object"]["metadata"] = {
        k[9:-1]: v for k, v in form.items() if k.startswith("metadata[")
    }
    answer = deliver(Client(enforce_csrf_checks=True), event)

    assert answer.json()["result"] == "applied"
    payment = Payment.objects.for_tenant(invoice.tenant).get()
    assert (payment.gateway, payment.gateway_id, payment.amount) == (
        PaymentGateway.STRIPE,
        collected.gateway_id,
        Decimal("1000.00"),
    )
    invoice.refresh_from_db()
    assert invoice.balance == Decimal("242.00")


@pytest.mark.parametrize("amount", ["0", "-1", "1242.01", "10.001", "ten"])
def test_stripe_refuses_an_amount_outside_the_balance_and_asks_stripe_nothing(
    admin, invoice, api, amount
):
    with pytest.raises(ValidationError):
        StripeGateway(http_client=api).collect(
            membership=admin, invoice=invoice, amount=amount, mode="payment_intent"
        )

    assert api.requests == []


def test_stripe_refuses_a_draft(admin, make_invoice, api):
    draft = make_invoice(admin)

    with pytest.raises(ValidationError):
        StripeGateway(http_client=api).collect(
            membership=admin, invoice=draft, mode="payment_intent"
        )


def test_stripe_without_a_secret_key_says_it_is_not_set_up(admin, invoice, settings):
    settings.STRIPE_SECRET_KEY = ""

    with pytest.raises(ValidationError, match="not set up"):
        StripeGateway(http_client=StripeAPI()).collect(
            membership=admin, invoice=invoice, mode="payment_intent"
        )


def test_stripe_is_refused_to_a_user(world, invoice, api):
    with pytest.raises(PermissionDenied):
        StripeGateway(http_client=api).collect(
            membership=world.members[RoleKind.USER], invoice=invoice, mode="payment_intent"
        )

    assert api.requests == []


def test_an_error_of_stripe_is_raised_as_the_sdk_raises_it(admin, invoice, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_opsbase"
    refusing = StripeAPI(status=401, error={"message": "Invalid API Key provided"})

    with pytest.raises(stripe.AuthenticationError):
        StripeGateway(http_client=refusing).collect(
            membership=admin, invoice=invoice, mode="payment_intent"
        )


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [("12.34", "EUR", 1234), ("500", "JPY", 500), ("1.234", "KWD", 1234)],
)
def test_amounts_go_to_stripe_in_minor_units_and_back(amount, currency, minor):
    assert stripe_amount(Decimal(amount), currency) == minor
    assert stripe_amount_decimal(minor, currency) == Decimal(amount)


@pytest.mark.parametrize("gateway", [ManualGateway(), StripeGateway(http_client=StripeAPI())])
def test_another_organizations_invoice_is_not_found(world, invoice, settings, gateway):
    from opsbase.core.exceptions import NotFound

    settings.STRIPE_SECRET_KEY = "sk_test_opsbase"

    with pytest.raises(NotFound):
        gateway.collect(
            membership=world.away_members[RoleKind.ADMIN], invoice=invoice, mode="payment_intent"
        )

    assert not Payment.objects.for_tenant(invoice.tenant).exists()
