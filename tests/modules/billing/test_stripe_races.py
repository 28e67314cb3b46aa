"""Stripe delivering at once, with real threads and connections (PostgreSQL, MariaDB): the
same event, or several events of one PaymentIntent, record one payment and keep one row per
event; every delivery is answered 200 (or 503, which Stripe retries), never 500."""

import pytest
from django.test import Client

from opsbase.kernel.audit.services import audit_chain_verify
from opsbase.modules.billing.constants import InvoiceStatus
from opsbase.modules.billing.models import Payment, StripeEvent, StripeEventResult
from opsbase.testing.concurrency import in_threads, needs_row_locks

from .stripe_support import SECRET, deliver, intent_event


def _delivery(event):
    return lambda: deliver(Client(), event).status_code


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_the_same_event_delivered_eight_times_at_once_records_one_payment(
    admin, make_invoice, settings
):
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    invoice = make_invoice(admin, issue=True)
    event = intent_event("evt_1", invoice=invoice)

    codes = in_threads([_delivery(event) for _ in range(8)])

    assert set(codes) <= {200, 503}
    assert 200 in codes
    assert Payment.objects.for_tenant(admin.tenant).count() == 1
    assert StripeEvent.objects.count() == 1
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert audit_chain_verify(tenant=admin.tenant).ok


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_several_events_of_one_payment_intent_at_once_record_one_payment(
    admin, make_invoice, settings
):
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    invoice = make_invoice(admin, issue=True)
    events = [
        intent_event(f"evt_{n}", invoice=invoice, created=1_760_000_000 + n) for n in range(6)
    ]

    codes = in_threads([_delivery(e) for e in events])
    # Whatever answered 503 Stripe delivers again.
    for event, code in zip(events, codes, strict=True):
        if code == 503:
            assert deliver(Client(), event).status_code == 200

    assert set(codes) <= {200, 503}
    assert Payment.objects.for_tenant(admin.tenant).count() == 1
    assert StripeEvent.objects.count() == 6
    assert not StripeEvent.objects.filter(result=StripeEventResult.PENDING).exists()
    assert not StripeEvent.objects.filter(result=StripeEventResult.FAILED).exists()
    assert audit_chain_verify(tenant=admin.tenant).ok
