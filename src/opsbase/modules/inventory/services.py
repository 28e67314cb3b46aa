"""Writes of inventory. ``movement_post`` is the one place that writes the stock ledger and
the balances it keeps; items and locations go through the kit's helpers (policy, row lock,
validation, audit).

Lock order of a movement: the balance rows it touches, by location id (so two transfers
between the same places in opposite directions queue instead of deadlocking), then the
audit chain head, last, as every other write of OpsBase does.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.mail import send_mail
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from opsbase.core.context import tenant_context
from opsbase.core.exceptions import ValidationError
from opsbase.core.rls import rls_row_scope
from opsbase.core.validation import validated
from opsbase.core.writes import atomic_write
from opsbase.kernel.audit.services import audit_create, audit_update, snapshot
from opsbase.kernel.policy import policy
from opsbase.kernel.tenants.models import Membership
from opsbase.kit.services import fields_allowed, record_create, record_delete, record_update

from .constants import (
    ADJUST,
    KIND_CODENAMES,
    MANAGE,
    QUANTITY_PLACES,
    VIEW,
    ZERO,
    MovementKind,
)
from .models import Item, Location, StockBalance, StockCount, StockMovement

logger = logging.getLogger(__name__)

ITEM_FIELDS = ("sku", "name", "unit", "owner", "allow_negative", "low_stock_threshold")
LOCATION_FIELDS = ("code", "name")


# -- items and locations ---------------------------------------------------------------------


def _unique(model: type[Item] | type[Location], field: str, label: str) -> Callable[..., None]:
    """A check that *field* is not another record's of the tenant (the database's unique
    constraint names the tenant, which ``full_clean`` leaves to the service)."""

    def check(row: Any, changed: frozenset[str]) -> None:
        if field not in changed:
            return
        value = getattr(row, field)
        taken = model.objects.for_tenant(row.tenant_id).filter(**{field: value})
        if row.pk is not None:
            taken = taken.exclude(pk=row.pk)
        if value and taken.exists():
            message = _("Another %(model)s already has this %(field)s.") % {
                "model": model._meta.verbose_name,
                "field": label,
            }
            raise ValidationError(message, extra={"fields": {field: [message]}})

    return check


@atomic_write
def item_create(
    *,
    membership: Membership,
    sku: str,
    name: str,
    unit: str = "pcs",
    owner: Membership | None = None,
    allow_negative: bool = False,
    low_stock_threshold: Decimal | None = None,
) -> Item:
    """A new item of *membership*'s organization, its SKU unique there."""
    item = Item(
        sku=sku or "",
        name=name or "",
        unit=unit or "pcs",
        owner=owner,
        allow_negative=bool(allow_negative),
        low_stock_threshold=low_stock_threshold,
    )
    return record_create(
        membership=membership, obj=item, codename=MANAGE, check=_unique(Item, "sku", "SKU")
    )


@atomic_write
def item_update(*, membership: Membership, item: Item, **changes: Any) -> Item:
    """Change fields of *item* (``ITEM_FIELDS``); its stock only moves through movements."""
    fields_allowed(changes, ITEM_FIELDS, "item_update", verb="change")
    return record_update(
        membership=membership,
        obj=item,
        codename=MANAGE,
        changes=changes,
        check=_unique(Item, "sku", "SKU"),
    )


def item_delete(*, membership: Membership, item: Item) -> None:
    """Delete an item that never moved (one with movements is a 409 naming them)."""
    record_delete(membership=membership, obj=item, codename=MANAGE)


@atomic_write
def location_create(*, membership: Membership, code: str, name: str) -> Location:
    """A new location of *membership*'s organization, its code unique there."""
    location = Location(code=code or "", name=name or "")
    return record_create(
        membership=membership,
        obj=location,
        codename=MANAGE,
        check=_unique(Location, "code", "code"),
    )


@atomic_write
def location_update(*, membership: Membership, location: Location, **changes: Any) -> Location:
    """Change the code or name of *location*."""
    fields_allowed(changes, LOCATION_FIELDS, "location_update", verb="change")
    return record_update(
        membership=membership,
        obj=location,
        codename=MANAGE,
        changes=changes,
        check=_unique(Location, "code", "code"),
    )


def location_delete(*, membership: Membership, location: Location) -> None:
    """Delete a location that never held stock (else a 409 naming what uses it)."""
    record_delete(membership=membership, obj=location, codename=MANAGE)


# -- the ledger ------------------------------------------------------------------------------


def _quantity_of(value: Any, field: str = "quantity") -> Decimal:
    try:
        quantity = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        quantity = Decimal("NaN")
    if not quantity.is_finite():
        message = _("Enter a number.")
        raise ValidationError(message, extra={"fields": {field: [message]}})
    return quantity


def _own(membership: Membership, model: type[Any], value: Any, field: str) -> Any:
    """*value* (a record or its id) as a record of *membership*'s organization, else a field
    error (another organization's record is as unknown as a missing one)."""
    if value is None:
        return None
    if isinstance(value, model):
        if value.tenant_id == membership.tenant_id:
            return value
        value = None
    found = None
    if value is not None and str(value).isdigit() and len(str(value)) <= 18:
        found = model.objects.for_tenant(membership.tenant_id).filter(pk=int(value)).first()
    if found is None:
        message = _("Choose one of your organization's %(model)s.") % {
            "model": model._meta.verbose_name_plural
        }
        raise ValidationError(message, extra={"fields": {field: [message]}})
    return found


def _locked_balances(tenant_id: int, item: Item, locations: list[Location]) -> dict[int, Any]:
    """The balance rows of *item* at *locations*, locked by location id (the one lock order
    of every movement).

    When a row is missing (the item's first movement at a place), every row of the movement
    is written with an upsert, in location order: it creates the missing ones and locks them
    all at once. Writers racing to create one row queue on it with an exclusive lock; an
    ignored duplicate insert would leave each of them a shared lock that MariaDB cannot turn
    into the exclusive one while another holds it (a deadlock)."""
    ids = sorted({location.pk for location in locations})
    balances = StockBalance.objects.for_tenant(tenant_id).filter(
        item_id=item.pk, location_id__in=ids
    )
    if balances.count() < len(ids):
        # MySQL and MariaDB name no conflict target (any unique key triggers the update).
        target = (
            ["tenant", "item", "location"]
            if connection.features.supports_update_conflicts_with_target
            else None
        )
        with rls_row_scope(tenant_id):
            StockBalance.objects.for_tenant(tenant_id).bulk_create(
                [StockBalance(tenant_id=tenant_id, item_id=item.pk, location_id=pk) for pk in ids],
                update_conflicts=True,
                update_fields=["item"],  # the value it has: the upsert only takes the lock
                unique_fields=target,
            )
    rows = balances.select_for_update().order_by("location_id")
    return {row.location_id: row for row in rows}


def _amount(value: Decimal, unit: str) -> str:
    """A quantity as people read it: ``5 pcs``, ``2.5 kg`` (the language's decimal mark)."""
    plain = value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()
    return f"{number_format(plain)} {unit}"


def _threshold(balance: StockBalance, item: Item) -> Decimal | None:
    if balance.low_stock_threshold is not None:
        return balance.low_stock_threshold
    return item.low_stock_threshold


@atomic_write
def movement_post(
    *,
    membership: Membership,
    kind: str,
    item: Item | int,
    quantity: Decimal | str | int,
    from_location: Location | int | None = None,
    to_location: Location | int | None = None,
    effective_date: dt.date | None = None,
    reason: str = "",
    reference: str = "",
    site_url: str = "",
    notify: bool = True,
) -> StockMovement:
    """Post one movement to the ledger and update the balances it touches, in one
    transaction, under the balances' row locks; audited.

    Refused (``ValidationError`` naming the field): a kind the role may not post; a quantity
    that is not above zero; locations that do not fit the kind; stock going below zero at
    the source (unless the item allows it), with the quantity available; a date before the
    last stock count of the item at a location it touches, unless the member may adjust
    stock and gives a reason. A balance that falls below its low-stock threshold e-mails the
    item's owner after the commit.
    """
    kind = str(kind or "")
    if kind not in MovementKind.values:
        message = _("Choose a kind of movement.")
        raise ValidationError(message, extra={"fields": {"kind": [message]}})
    policy.require(membership, VIEW)
    policy.require(membership, KIND_CODENAMES[MovementKind(kind)])
    item = _own(membership, Item, item, "item")
    assert isinstance(item, Item)  # noqa: S101 - _own answers a record or raises
    source = _own(membership, Location, from_location, "from_location")
    target = _own(membership, Location, to_location, "to_location")
    movement = StockMovement(
        tenant_id=membership.tenant_id,
        kind=kind,
        item=item,
        from_location=source,
        to_location=target,
        quantity=_quantity_of(quantity),
        effective_date=effective_date or timezone.localdate(),
        reason=(reason or "").strip(),
        reference=(reference or "").strip(),
        created_by=membership.user,
    )
    validated(movement, exclude=["tenant", "item", "from_location", "to_location", "created_by"])
    places = [p for p in (source, target) if p is not None]
    balances = _locked_balances(membership.tenant_id, item, places)
    for place in places:
        counted = balances[place.pk].last_counted_on
        if counted is None or movement.effective_date >= counted:
            continue
        if not policy.can(membership, ADJUST) or not movement.reason:
            message = _(
                "%(item)s was counted at %(location)s on %(date)s: a movement dated before "
                "that needs the adjustment permission and a reason."
            ) % {"item": item, "location": place, "date": counted.isoformat()}
            raise ValidationError(message, extra={"fields": {"effective_date": [message]}})
    low: list[StockBalance] = []
    before = {pk: balance.quantity for pk, balance in balances.items()}
    if source is not None:
        balance = balances[source.pk]
        left = balance.quantity - movement.quantity
        if left < ZERO and not item.allow_negative:
            available = max(balance.quantity, ZERO)
            message = _(
                "Not enough %(item)s at %(location)s: %(available)s available, %(asked)s asked."
            ) % {
                "item": item,
                "location": source,
                "available": _amount(available, item.unit),
                "asked": _amount(movement.quantity, item.unit),
            }
            raise ValidationError(
                message,
                extra={
                    "fields": {"quantity": [message]},
                    "available": str(available),
                    "item": item.pk,
                    "location": source.pk,
                },
            )
        balance.quantity = left
        threshold = _threshold(balance, item)
        if threshold is not None and before[source.pk] >= threshold > left:
            low.append(balance)
    if target is not None:
        balances[target.pk].quantity += movement.quantity
    movement.save()
    for balance in balances.values():
        balance.save(update_fields=["quantity", "updated_at"])
    audit_create(membership=membership, obj=movement)
    for balance in low if notify else ():
        _low_stock_notify(membership.tenant_id, balance.pk, site_url)
    return movement


# The name the brief of the module gave it: the same function.
post_movement = movement_post


def inventory_issue(
    *,
    membership: Membership,
    item: Item | int,
    location: Location | int,
    quantity: Decimal | str | int,
    reference: str = "",
    reason: str = "",
    effective_date: dt.date | None = None,
) -> StockMovement:
    """The hook ``inventory.issue``: issue *quantity* of *item* from *location* (records or
    ids of the member's organization), e.g. parts consumed by ``reference=
    "workorders.workorder:12"``. Needs ``inventory.issue``; raises ``ValidationError`` when
    the stock is short (``extra["available"]``), as ``movement_post`` does."""
    return movement_post(
        membership=membership,
        kind=MovementKind.ISSUE,
        item=item,
        quantity=quantity,
        from_location=location,
        effective_date=effective_date,
        reason=reason,
        reference=reference,
    )


@atomic_write
def stock_count_post(
    *,
    membership: Membership,
    item: Item | int,
    location: Location | int,
    counted_quantity: Decimal | str | int,
    counted_on: dt.date | None = None,
    reason: str = "",
) -> StockCount:
    """Record a cycle count of *item* at *location*; when it differs from the books, post the
    adjustment that makes the balance what was counted. Later movements dated before
    *counted_on* then need the adjustment permission and a reason. Needs ``inventory.adjust``."""
    policy.require(membership, VIEW)
    policy.require(membership, ADJUST)
    item = _own(membership, Item, item, "item")
    assert isinstance(item, Item)  # noqa: S101 - _own answers a record or raises
    place = _own(membership, Location, location, "location")
    counted = _quantity_of(counted_quantity, "counted_quantity")
    counted_on = counted_on or timezone.localdate()
    if counted < ZERO:
        message = _("A count cannot be below zero.")
        raise ValidationError(message, extra={"fields": {"counted_quantity": [message]}})
    if counted_on > timezone.localdate():
        message = _("A count cannot be dated in the future.")
        raise ValidationError(message, extra={"fields": {"counted_on": [message]}})
    balance = _locked_balances(membership.tenant_id, item, [place])[place.pk]
    if balance.last_counted_on is not None and counted_on < balance.last_counted_on:
        message = _("A later count (%(date)s) exists for this item here.") % {
            "date": balance.last_counted_on.isoformat()
        }
        raise ValidationError(message, extra={"fields": {"counted_on": [message]}})
    book = balance.quantity
    difference = counted.quantize(Decimal(1).scaleb(-QUANTITY_PLACES)) - book
    adjustment = None
    if difference:
        note = reason.strip() or _("Stock count")
        adjustment = movement_post(
            membership=membership,
            kind=MovementKind.ADJUSTMENT,
            item=item,
            quantity=abs(difference),
            to_location=place if difference > 0 else None,
            from_location=place if difference < 0 else None,
            effective_date=counted_on,
            reason=note,
            reference=_("stock count"),
        )
        balance.refresh_from_db()
    before = snapshot(balance)
    balance.last_counted_on = counted_on
    balance.save(update_fields=["last_counted_on", "updated_at"])
    count = StockCount(
        tenant_id=membership.tenant_id,
        item=item,
        location=place,
        counted_quantity=counted,
        book_quantity=book,
        counted_on=counted_on,
        reason=reason.strip(),
        adjustment=adjustment,
        created_by=membership.user,
    )
    validated(count, exclude=["tenant", "item", "location", "adjustment", "created_by"])
    count.save()
    audit_update(membership=membership, obj=balance, before=before)
    audit_create(membership=membership, obj=count)
    return count


# -- low stock -------------------------------------------------------------------------------


@atomic_write
def stock_threshold_set(
    *,
    membership: Membership,
    item: Item | int,
    location: Location | int,
    threshold: Decimal | str | int | None,
) -> StockBalance:
    """Give *item* a low-stock threshold of its own at *location* (None: the item's again).
    Needs ``inventory.manage``; audited as a change of the balance."""
    policy.require(membership, MANAGE)
    item = _own(membership, Item, item, "item")
    assert isinstance(item, Item)  # noqa: S101 - _own answers a record or raises
    place = _own(membership, Location, location, "location")
    value = None if threshold in (None, "") else _quantity_of(threshold, "threshold")
    if value is not None and value < ZERO:
        message = _("A threshold cannot be below zero.")
        raise ValidationError(message, extra={"fields": {"threshold": [message]}})
    balance = _locked_balances(membership.tenant_id, item, [place])[place.pk]
    before = snapshot(balance)
    balance.low_stock_threshold = value
    balance.save(update_fields=["low_stock_threshold", "updated_at"])
    audit_update(membership=membership, obj=balance, before=before)
    return balance


def _low_stock_notify(tenant_id: int, balance_id: int, site_url: str) -> None:
    def queue() -> None:
        from .tasks import low_stock_notify

        try:
            with tenant_context(tenant_id):
                low_stock_notify.delay(balance_id, site_url)
        except Exception:
            # The movement is saved; say which e-mail a broker outage lost.
            logger.exception("Low-stock e-mail for balance %s not queued", balance_id)

    transaction.on_commit(queue)


def low_stock_email_send(*, tenant_id: int, balance_id: int, site_url: str = "") -> list[str]:
    """E-mail the owner of the item of *balance_id* that its stock there is low, if it still
    is and the owner is an active member; the recipients."""
    balance = (
        StockBalance.objects.for_tenant(tenant_id)
        .select_related("tenant", "item__owner__user", "location")
        .filter(pk=balance_id)
        .first()
    )
    if balance is None:
        return []
    item = balance.item
    threshold = _threshold(balance, item)
    owner = item.owner
    if threshold is None or balance.quantity >= threshold or owner is None or not owner.is_active:
        return []
    path = reverse("inventory:item_detail", args=[item.pk])
    context = {
        "item": item,
        "location": balance.location,
        "tenant": balance.tenant,
        "on_hand": _amount(balance.quantity, item.unit),
        "threshold": _amount(threshold, item.unit),
        "url": site_url.rstrip("/") + path if site_url else path,
    }
    subject = render_to_string("inventory/email/low_stock_subject.txt", context)
    body = render_to_string("inventory/email/low_stock_body.txt", context)
    recipients = [owner.user.email]
    send_mail(" ".join(subject.split()), body, None, recipients)
    return recipients
