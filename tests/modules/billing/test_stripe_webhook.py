"""Stripe's webhook: a signed event is kept once and applied once, in Stripe's order, all or
nothing; a forged one is refused and kept nowhere."""

import json
from decimal import Decimal

import pytest
from django.db import OperationalError
from django.test import Client

from opsbase.kernel.audit.services import audit_chain_verify
from opsbase.modules.billing import services
from opsbase.modules.billing.constants import InvoiceStatus, PaymentGateway
from opsbase.modules.billing.models import (
    Payment,
    PaymentAllocation,
    StripeEvent,
    StripeEventResult,
)

from .stripe_support import SECRET, URL, deliver, intent_event, signature_header


@pytest.fixture(autouse=True)
def _stripe_settings(settings):
    settings.STRIPE_WEBHOOK_SECRET = SECRET


@pytest.fixture
def invoice(admin, make_invoice):
    """An open invoice of Acme, 1242.00 EUR."""
    return make_invoice(admin, issue=True)


@pytest.fixture
def stripe_client():
    """Stripe posts with no session and no CSRF token."""
    return Client(enforce_csrf_checks=True)


def stripe_payments(tenant):
    return Payment.objects.for_tenant(tenant).filter(gateway=PaymentGateway.STRIPE)


def test_the_same_event_delivered_three_times_records_one_payment(stripe_client, invoice):
    event = intent_event("evt_1", invoice=invoice)

    answers = [deliver(stripe_client, event) for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 200]
    assert not any(a.cookies for a in answers)  # no session, no CSRF cookie
    assert [a.json()["result"] for a in answers] == ["applied", "duplicate", "duplicate"]
    (payment,) = stripe_payments(invoice.tenant)
    assert (payment.amount, payment.currency, payment.gateway_id) == (
        Decimal("1242.00"),
        "EUR",
        "pi_1",
    )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert invoice.amount_paid == Decimal("1242.00")
    (stored,) = StripeEvent.objects.all()
    assert (stored.result, stored.organization_id, stored.payment_id) == (
        StripeEventResult.APPLIED,
        invoice.tenant_id,
        payment.pk,
    )
    assert stored.payload == event
    assert audit_chain_verify(tenant=invoice.tenant).ok


def test_a_second_event_of_the_same_payment_intent_records_nothing_more(stripe_client, invoice):
    deliver(stripe_client, intent_event("evt_1", invoice=invoice, created=1_760_000_000))

    answer = deliver(stripe_client, intent_event("evt_2", invoice=invoice, created=1_760_000_005))

    assert answer.status_code == 200
    assert stripe_payments(invoice.tenant).count() == 1
    assert PaymentAllocation.objects.for_tenant(invoice.tenant).count() == 1
    second = StripeEvent.objects.get(event_id="evt_2")
    assert second.result == StripeEventResult.APPLIED
    assert second.payment_id == stripe_payments(invoice.tenant).get().pk


def test_an_older_success_after_a_newer_cancellation_changes_nothing(stripe_client, invoice):
    deliver(
        stripe_client,
        intent_event("evt_new", invoice=invoice, type="payment_intent.canceled", created=200),
    )

    answer = deliver(stripe_client, intent_event("evt_old", invoice=invoice, created=100))

    assert answer.status_code == 200
    assert answer.json()["result"] == "skipped"
    assert not stripe_payments(invoice.tenant).exists()
    invoice.refresh_from_db()
    assert (invoice.status, invoice.amount_paid) == (InvoiceStatus.OPEN, Decimal(0))
    assert StripeEvent.objects.get(event_id="evt_old").result == StripeEventResult.SKIPPED


def test_an_older_event_after_the_payment_changes_nothing(stripe_client, invoice):
    deliver(stripe_client, intent_event("evt_paid", invoice=invoice, created=200))

    answer = deliver(
        stripe_client,
        intent_event(
            "evt_processing", invoice=invoice, type="payment_intent.processing", created=100
        ),
    )

    assert answer.json()["result"] == "skipped"
    assert stripe_payments(invoice.tenant).count() == 1
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID


def test_events_of_another_payment_intent_do_not_order_this_one(stripe_client, invoice):
    deliver(
        stripe_client,
        intent_event(
            "evt_other",
            invoice=invoice,
            intent_id="pi_other",
            type="payment_intent.canceled",
            created=500,
        ),
    )

    answer = deliver(stripe_client, intent_event("evt_1", invoice=invoice, created=100))

    assert answer.json()["result"] == "applied"
    assert stripe_payments(invoice.tenant).count() == 1


def _fail_inside_the_service(monkeypatch):
    """A lock timeout once the payment and its allocation are written, inside the service."""
    settle = services._settle_if_paid

    def lock_timeout(*args, **kwargs):
        raise OperationalError("canceling statement due to lock timeout")

    monkeypatch.setattr(services, "_settle_if_paid", lock_timeout)
    return lambda: monkeypatch.setattr(services, "_settle_if_paid", settle)


def _fail_after_the_service(monkeypatch):
    """A lost connection after the payment was recorded, before the event's result is."""
    from opsbase.modules.billing import webhooks

    record = webhooks.payment_record

    def recorded_then_lost(**kwargs):
        record(**kwargs)
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(webhooks, "payment_record", recorded_then_lost)
    return lambda: monkeypatch.setattr(webhooks, "payment_record", record)


@pytest.mark.parametrize("fail", [_fail_inside_the_service, _fail_after_the_service])
def test_a_database_error_answers_503_keeps_nothing_half_applied_and_the_next_delivery_applies_it(
    stripe_client, invoice, monkeypatch, fail
):
    repair = fail(monkeypatch)
    event = intent_event("evt_1", invoice=invoice)

    answer = deliver(stripe_client, event)

    assert answer.status_code == 503
    assert not stripe_payments(invoice.tenant).exists()
    assert not PaymentAllocation.objects.for_tenant(invoice.tenant).exists()
    invoice.refresh_from_db()
    assert (invoice.status, invoice.amount_paid) == (InvoiceStatus.OPEN, Decimal(0))
    stored = StripeEvent.objects.get(event_id="evt_1")
    assert (stored.result, stored.applied_at) == (StripeEventResult.PENDING, None)

    repair()
    again = deliver(stripe_client, event)

    assert (again.status_code, again.json()["result"]) == (200, "applied")
    assert stripe_payments(invoice.tenant).count() == 1
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert audit_chain_verify(tenant=invoice.tenant).ok


def test_a_database_error_while_storing_answers_503(stripe_client, invoice, monkeypatch):
    from opsbase.modules.billing import webhooks

    def database_down(**kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(webhooks, "stripe_event_store", database_down)

    answer = deliver(stripe_client, intent_event("evt_1", invoice=invoice))

    assert answer.status_code == 503
    assert not StripeEvent.objects.exists()


@pytest.mark.parametrize(
    "forge",
    ["wrong secret", "tampered body", "no header", "garbled header", "stale timestamp"],
)
def test_a_forged_delivery_gets_400_and_is_stored_nowhere(stripe_client, invoice, forge):
    event = intent_event("evt_forged", invoice=invoice)
    payload = json.dumps(event)
    headers = {
        "wrong secret": signature_header(payload, "whsec_someone_else"),
        "tampered body": signature_header(payload.replace("pi_1", "pi_2")),
        "no header": "",
        "garbled header": "v1=deadbeef",
        "stale timestamp": signature_header(payload, timestamp=1_000_000_000),
    }

    answer = deliver(stripe_client, event, header=headers[forge])

    assert answer.status_code == 400
    assert not StripeEvent.objects.exists()
    assert not Payment.objects.for_tenant(invoice.tenant).exists()


def test_without_a_signing_secret_every_delivery_gets_400(stripe_client, invoice, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""

    answer = deliver(stripe_client, intent_event("evt_1", invoice=invoice))

    assert answer.status_code == 400
    assert not StripeEvent.objects.exists()


def test_a_signed_body_that_is_no_event_gets_400(stripe_client, invoice):
    payload = json.dumps({"hello": "world"})

    answer = stripe_client.post(
        URL,
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature_header(payload),
    )

    assert answer.status_code == 400
    assert not StripeEvent.objects.exists()


def test_only_post_is_answered(stripe_client):
    assert stripe_client.get(URL).status_code == 405


@pytest.mark.parametrize(
    "names",
    [
        {"invoice_id": 999_999},
        {"tenant_id": 999_999},
        {"invoice_id": "", "tenant_id": ""},
    ],
)
def test_an_unknown_organization_or_invoice_is_kept_as_failed_and_answered_200(
    stripe_client, invoice, names
):
    event = intent_event("evt_1", invoice=invoice, **names)

    first = deliver(stripe_client, event)
    second = deliver(stripe_client, event)

    assert (first.status_code, first.json()["result"]) == (200, "failed")
    assert (second.status_code, second.json()["result"]) == (200, "duplicate")
    stored = StripeEvent.objects.get(event_id="evt_1")
    assert stored.result == StripeEventResult.FAILED
    assert stored.detail
    assert not Payment.objects.for_tenant(invoice.tenant).exists()


def test_another_organizations_invoice_id_is_not_found_in_this_one(
    stripe_client, world, invoice, make_invoice
):
    theirs = make_invoice(world.away_members["admin"], issue=True)
    event = intent_event("evt_1", invoice=theirs, tenant_id=invoice.tenant_id)

    answer = deliver(stripe_client, event)

    assert answer.json()["result"] == "failed"
    assert not Payment.objects.for_tenant(world.home).exists()
    assert not Payment.objects.for_tenant(world.away).exists()


def test_more_than_the_balance_is_recorded_whole_and_allocated_up_to_the_balance(
    stripe_client, invoice
):
    answer = deliver(stripe_client, intent_event("evt_1", invoice=invoice, amount=150_000))

    assert answer.json()["result"] == "applied"
    (payment,) = stripe_payments(invoice.tenant)
    assert payment.amount == Decimal("1500.00")
    (allocation,) = PaymentAllocation.objects.for_tenant(invoice.tenant)
    assert allocation.amount == Decimal("1242.00")


def test_a_payment_for_a_void_invoice_is_recorded_unallocated(stripe_client, admin, invoice):
    services.invoice_void(membership=admin, invoice=invoice)

    answer = deliver(stripe_client, intent_event("evt_1", invoice=invoice, amount=124_200))

    assert answer.json()["result"] == "applied"
    assert stripe_payments(invoice.tenant).get().amount == Decimal("1242.00")
    assert not PaymentAllocation.objects.for_tenant(invoice.tenant).exists()


def test_an_event_type_opsbase_does_not_act_on_is_kept_and_ignored(stripe_client, invoice):
    event = intent_event("evt_1", invoice=invoice)
    event["type"] = "customer.created"
    event["data"]["object"] = {"id": "cus_1", "object": "customer"}

    answer = deliver(stripe_client, event)

    assert answer.json()["result"] == "ignored"
    assert StripeEvent.objects.get().object_id == "cus_1"
