"""Stripe's webhook events: kept once, applied once, in order, all or nothing.

* ``stripe_event_store``: a verified event kept for good, one row per event id (a delivery
  of a known id stores nothing more).
* ``stripe_event_apply``: the event's effect and its result, in one transaction under the
  locks of every stored event of the same object (so two events of one PaymentIntent are
  applied one after the other, in Stripe's order):

  - an event already applied, skipped, ignored or failed changes nothing (a replay);
  - an event older than one already applied to the same object changes nothing and is marked
    skipped;
  - ``payment_intent.succeeded`` records one payment (gateway ``stripe``, its id the
    PaymentIntent's, unique per organization) allocated to the invoice named in the
    PaymentIntent's metadata; the other ``payment_intent.*`` events are applied with nothing
    to change (they set the order); other types are ignored;
  - an event that can never be applied (its organization or invoice is unknown, the amount
    is refused) is marked failed: delivered again it is not retried, since retrying cannot
    help; ``billing_replay_events`` retries it once the cause is fixed;
  - a database error (down, a lock timeout, a deadlock) propagates: nothing of the event's
    effect nor its result is kept, it stays pending, and the next delivery applies it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opsbase.core.context import tenant_context
from opsbase.core.exceptions import Conflict, OpsBaseError
from opsbase.core.writes import row_lock
from opsbase.kernel.roles.constants import RoleKind
from opsbase.kernel.tenants.models import Membership, Tenant

from .constants import OWED_STATUSES, PaymentGateway, PaymentMethod
from .gateways import stripe_amount_decimal
from .models import Invoice, Payment, StripeEvent, StripeEventResult
from .money import is_currency
from .services import payment_record

logger = logging.getLogger(__name__)

Result = StripeEventResult
#: What a delivery of an event already dealt with answers.
DUPLICATE = "duplicate"


class EventRefused(Exception):
    """The event can never be applied as it is (unknown organization or invoice, a refused
    amount): it is marked failed, not retried on each delivery."""


# -- storing -------------------------------------------------------------------------------------


def _event_fields(event: Mapping[str, Any]) -> dict[str, Any]:
    obj = (event.get("data") or {}).get("object") or {}
    return {
        "type": str(event.get("type") or "")[:100],
        "created": dt.datetime.fromtimestamp(int(event["created"]), tz=dt.UTC),
        "object_id": str(obj.get("id") or "")[:255],
        "livemode": bool(event.get("livemode")),
        "payload": dict(event),
    }


def stripe_event_store(*, event: Mapping[str, Any]) -> tuple[StripeEvent, bool]:
    """*event* (a verified Stripe event, as JSON) stored once: the row and whether this call
    stored it. ``ValueError`` when it lacks an id or a time."""
    event_id = str(event.get("id") or "")
    if not event_id or not str(event.get("created", "")).isdigit():
        raise ValueError("A Stripe event has an id and a creation time.")
    existing = StripeEvent.objects.filter(event_id=event_id).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return StripeEvent.objects.create(event_id=event_id, **_event_fields(event)), True
    except IntegrityError:
        # The same event delivered twice at once: the other delivery stored it first.
        return StripeEvent.objects.get(event_id=event_id), False


# -- applying ------------------------------------------------------------------------------------


def _locked_with_siblings(event: StripeEvent) -> tuple[StripeEvent, list[StripeEvent]]:
    """*event*'s row, afresh, and every stored event of the same object, all locked (in id
    order: one lock order whoever comes first)."""
    rows = StripeEvent.objects.select_for_update().order_by("pk")
    if event.object_id:
        locked = list(rows.filter(object_id=event.object_id))
    else:
        locked = list(rows.filter(pk=event.pk))
    row = next(r for r in locked if r.pk == event.pk)
    return row, [r for r in locked if r.pk != event.pk]


def stripe_event_apply(*, event: StripeEvent, replay: bool = False) -> str:
    """Apply *event* once (see the module's docstring); its result, or ``"duplicate"`` when
    it was already dealt with. *replay* (``billing_replay_events``) takes it again whatever
    its result: what it already did is not done twice."""
    with transaction.atomic():
        row, siblings = _locked_with_siblings(event)
        if row.result != Result.PENDING and not replay:
            return DUPLICATE
        outcome: str
        tenant: Tenant | None
        payment: Payment | None
        newest = max((s.created for s in siblings if s.result == Result.APPLIED), default=None)
        if row.result != Result.APPLIED and newest is not None and row.created < newest:
            outcome, tenant, payment = Result.SKIPPED, None, None
            detail = _("An event of %(when)s about the same object was applied before it.") % {
                "when": newest.isoformat()
            }
        else:
            outcome, detail, tenant, payment = _handled(row)
            if row.result == Result.APPLIED and outcome == Result.APPLIED:
                return outcome  # replayed: its effect is there; its record stays as it was
        changes: dict[str, Any] = {"result": outcome, "detail": detail}
        if row.applied_at is None or outcome != row.result:
            changes["applied_at"] = timezone.now()
        if tenant is not None:
            changes["organization_id"] = tenant.pk
        if payment is not None:
            changes["payment"] = payment
        # Only the result moves: the event as Stripe sent it is never rewritten.
        StripeEvent.objects.filter(pk=row.pk).update(**changes)
        for name, value in changes.items():
            setattr(event, name, value)
        return outcome


Handled = tuple[str, str, Tenant | None, Payment | None]


def _handled(row: StripeEvent) -> Handled:
    handler = _handler_for(row.type)
    if handler is None:
        return Result.IGNORED, _("OpsBase does not act on this type of event."), None, None
    try:
        # A savepoint: a refused event leaves nothing of what its handler began.
        with transaction.atomic():
            return handler(row)
    except EventRefused as exc:
        logger.warning("Stripe event %s not applied: %s", row.event_id, exc)
        return Result.FAILED, str(exc), None, None


def _handler_for(event_type: str) -> Callable[[StripeEvent], Handled] | None:
    if event_type == "payment_intent.succeeded":
        return _payment_intent_succeeded
    if event_type.startswith("payment_intent."):
        return _payment_intent_other
    return None


def _payment_intent_other(row: StripeEvent) -> Handled:
    """A PaymentIntent that did not succeed (yet): nothing is recorded, but it counts for the
    order of that PaymentIntent's events."""
    return Result.APPLIED, _("Nothing to record."), None, None


def _tenant_and_invoice(intent: Mapping[str, Any]) -> tuple[Tenant, Invoice]:
    metadata = intent.get("metadata") or {}
    tenant_id, invoice_id = str(metadata.get("tenant_id", "")), str(metadata.get("invoice_id", ""))
    if not tenant_id.isdigit() or not invoice_id.isdigit():
        raise EventRefused(_("The payment names no organization and invoice."))
    tenant = Tenant.objects.filter(pk=int(tenant_id)).first()
    if tenant is None:
        raise EventRefused(_("Organization %(id)s does not exist.") % {"id": tenant_id})
    with tenant_context(tenant.pk):
        invoice = (
            Invoice.objects.for_tenant(tenant.pk)
            .filter(pk=int(invoice_id))
            .select_related("customer")
            .first()
        )
    if invoice is None:
        raise EventRefused(
            _("Invoice %(id)s of %(tenant)s does not exist.") % {"id": invoice_id, "tenant": tenant}
        )
    return tenant, invoice


def _acting_member(tenant: Tenant) -> Membership:
    """Whom the payment's audit events name: the organization's first active Admin (the
    webhook acts for the organization; the event's id is in the payment's reference)."""
    admin = (
        Membership.objects.for_tenant(tenant.pk)
        .filter(is_active=True, role__kind=RoleKind.ADMIN)
        .select_related("role", "user")
        .order_by("pk")
        .first()
    )
    if admin is None:
        raise EventRefused(_("%(tenant)s has no active Admin to record it.") % {"tenant": tenant})
    return admin


def _payment_intent_succeeded(row: StripeEvent) -> Handled:
    """One payment of the PaymentIntent's amount received, allocated to its invoice up to
    the invoice's balance (the rest stays the customer's credit, never dropped)."""
    intent = row.payload["data"]["object"]
    tenant, found = _tenant_and_invoice(intent)
    intent_id = str(intent.get("id") or "")
    currency = str(intent.get("currency") or "").upper()
    if not intent_id or not is_currency(currency):
        raise EventRefused(_("The PaymentIntent has no id or no known currency."))
    received = intent.get("amount_received") or intent.get("amount") or 0
    amount = stripe_amount_decimal(int(received), currency)
    if amount <= 0:
        raise EventRefused(_("The PaymentIntent received nothing."))
    with tenant_context(tenant.pk):
        existing = (
            Payment.objects.for_tenant(tenant.pk)
            .filter(gateway=PaymentGateway.STRIPE, gateway_id=intent_id)
            .first()
        )
        if existing is not None:
            return Result.APPLIED, _("Already recorded."), tenant, existing
        actor = _acting_member(tenant)
        invoice = row_lock(Invoice, pk=found.pk, tenant_id=tenant.pk)
        share = min(amount, invoice.balance)
        allocations: list[tuple[Invoice, Decimal]] = []
        if invoice.status in OWED_STATUSES and invoice.currency == currency and share > 0:
            allocations.append((invoice, share))
        try:
            payment = payment_record(
                membership=actor,
                customer=found.customer,
                amount=amount,
                currency=currency,
                allocations=allocations,
                received_on=timezone.localdate(row.created),
                method=PaymentMethod.CARD,
                reference=f"Stripe {intent_id} ({row.event_id})",
                gateway=PaymentGateway.STRIPE,
                gateway_id=intent_id,
            )
        except Conflict:
            # Recorded meanwhile by another event of the same PaymentIntent.
            existing = (
                Payment.objects.for_tenant(tenant.pk)
                .filter(gateway=PaymentGateway.STRIPE, gateway_id=intent_id)
                .first()
            )
            if existing is None:
                raise
            return Result.APPLIED, _("Already recorded."), tenant, existing
        except OpsBaseError as exc:
            raise EventRefused(str(exc)) from exc
    if allocations:
        detail = _("Payment recorded against %(invoice)s.") % {"invoice": invoice}
    else:
        detail = _("Payment recorded; %(invoice)s owes nothing in %(cur)s, so none allocated.") % {
            "invoice": invoice,
            "cur": currency,
        }
    return Result.APPLIED, detail, tenant, payment


# -- receiving and replaying ---------------------------------------------------------------------


def stripe_event_receive(*, event: Mapping[str, Any]) -> tuple[StripeEvent, str]:
    """A verified delivery: stored once, then applied once. A database error propagates
    (the caller answers 503 so that Stripe delivers it again)."""
    row, _stored = stripe_event_store(event=event)
    return row, stripe_event_apply(event=row)


def stripe_events_for_replay(
    *, since: dt.datetime | None = None, event_id: str | None = None
) -> Iterable[StripeEvent]:
    """The stored events to apply again, oldest first (Stripe's time)."""
    events = StripeEvent.objects.order_by("created", "pk")
    if event_id:
        events = events.filter(event_id=event_id)
    if since is not None:
        events = events.filter(created__gte=since)
    return events.iterator()


__all__ = [
    "DUPLICATE",
    "EventRefused",
    "stripe_event_apply",
    "stripe_event_receive",
    "stripe_event_store",
    "stripe_events_for_replay",
]
