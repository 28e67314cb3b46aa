"""``manage.py billing_replay_events``: stored Stripe events applied again, all, since a
date, or one by id; what was applied is never applied twice."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from opsbase.kernel.roles.constants import RoleKind
from opsbase.kernel.tenants.models import Membership
from opsbase.modules.billing.constants import InvoiceStatus
from opsbase.modules.billing.models import Payment, StripeEvent, StripeEventResult
from opsbase.modules.billing.webhooks import stripe_event_store

from .stripe_support import SECRET, deliver, intent_event

DEC_1 = int(dt.datetime(2026, 12, 1, tzinfo=dt.UTC).timestamp())
DAY = 86_400


@pytest.fixture(autouse=True)
def _stripe_settings(settings):
    settings.STRIPE_WEBHOOK_SECRET = SECRET


@pytest.fixture
def invoice(admin, make_invoice):
    return make_invoice(admin, issue=True)


def replay(*args):
    out = StringIO()
    call_command("billing_replay_events", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def payments(tenant):
    return Payment.objects.for_tenant(tenant)


def test_replaying_everything_three_times_records_each_payment_once(world, admin, make_invoice):
    first = make_invoice(admin, issue=True)
    second = make_invoice(admin, issue=True)
    client = Client()
    deliver(client, intent_event("evt_1", invoice=first, intent_id="pi_1", created=DEC_1))
    deliver(client, intent_event("evt_2", invoice=second, intent_id="pi_2", created=DEC_1 + 1))

    for _ in range(3):
        output = replay()

    assert "2 applied" in output
    assert payments(admin.tenant).count() == 2
    first.refresh_from_db()
    assert (first.status, first.amount_paid) == (InvoiceStatus.PAID, Decimal("1242.00"))


def test_an_event_failed_for_a_cause_since_fixed_is_applied_by_its_id(admin, invoice):
    # No active Admin to act for the organization when the event came: kept as failed.
    admins = Membership.objects.for_tenant(admin.tenant).filter(role__kind=RoleKind.ADMIN)
    admins.update(is_active=False)
    answer = deliver(Client(), intent_event("evt_1", invoice=invoice))
    assert answer.json()["result"] == "failed"
    admins.update(is_active=True)

    replay("--id", "evt_1")
    replay("--id", "evt_1")

    assert payments(admin.tenant).count() == 1
    stored = StripeEvent.objects.get(event_id="evt_1")
    assert (stored.result, stored.payment_id) == (
        StripeEventResult.APPLIED,
        payments(admin.tenant).get().pk,
    )


def test_an_event_stored_but_never_applied_is_applied(admin, invoice):
    # As after a 503 that Stripe stopped retrying: stored, still pending.
    stripe_event_store(event=intent_event("evt_1", invoice=invoice))

    output = replay()

    assert "1 applied" in output
    assert payments(admin.tenant).count() == 1


def test_since_replays_only_the_events_created_from_that_date(admin, make_invoice):
    old = make_invoice(admin, issue=True)
    new = make_invoice(admin, issue=True)
    stripe_event_store(
        event=intent_event("evt_old", invoice=old, intent_id="pi_old", created=DEC_1)
    )
    stripe_event_store(
        event=intent_event("evt_new", invoice=new, intent_id="pi_new", created=DEC_1 + 2 * DAY)
    )

    replay("--since", "2026-12-02")

    assert StripeEvent.objects.get(event_id="evt_old").result == StripeEventResult.PENDING
    assert StripeEvent.objects.get(event_id="evt_new").result == StripeEventResult.APPLIED
    assert list(payments(admin.tenant).values_list("gateway_id", flat=True)) == ["pi_new"]


def test_replay_keeps_an_older_event_skipped(admin, invoice):
    client = Client()
    deliver(
        client,
        intent_event("evt_new", invoice=invoice, type="payment_intent.canceled", created=DEC_1),
    )
    deliver(client, intent_event("evt_old", invoice=invoice, created=DEC_1 - 60))

    replay()

    assert StripeEvent.objects.get(event_id="evt_old").result == StripeEventResult.SKIPPED
    assert not payments(admin.tenant).exists()


def test_replay_leaves_an_applied_events_record_as_it_was(admin, invoice):
    deliver(Client(), intent_event("evt_1", invoice=invoice))
    before = StripeEvent.objects.values().get(event_id="evt_1")

    replay("--id", "evt_1")

    assert StripeEvent.objects.values().get(event_id="evt_1") == before


def test_an_unknown_id_or_date_is_an_error(db):
    with pytest.raises(CommandError, match="No stored Stripe event"):
        replay("--id", "evt_missing")
    with pytest.raises(CommandError, match="give a date"):
        replay("--since", "last week")
