"""The ledger's rules, through the services: kinds and their locations, no negative stock,
no silent backdating, counts that post adjustments, the hook other modules call."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from opsbase.core.exceptions import PermissionDenied, ValidationError
from opsbase.kernel.audit.models import AuditEvent
from opsbase.kernel.audit.services import audit_chain_verify
from opsbase.kit.hooks import hook
from opsbase.modules.inventory.models import StockBalance, StockMovement
from opsbase.modules.inventory.selectors import ledger_disagreements
from opsbase.modules.inventory.services import (
    movement_post,
    stock_count_post,
    stock_threshold_set,
)

TODAY = timezone.localdate


def on_hand(item, location):
    balance = (
        StockBalance.objects.for_tenant(item.tenant_id).filter(item=item, location=location).first()
    )
    return balance.quantity if balance else Decimal("0")


@pytest.fixture
def stock(manager, make_item, make_location):
    """An item with 10 units received at one location, and a second location."""
    item, main, van = make_item(manager), make_location(manager), make_location(manager)
    movement_post(membership=manager, kind="receipt", item=item, quantity="10", to_location=main)
    return item, main, van


def test_a_receipt_an_issue_and_a_transfer_keep_the_balances(manager, stock):
    item, main, van = stock

    movement_post(membership=manager, kind="issue", item=item, quantity="2.5", from_location=main)
    movement_post(
        membership=manager,
        kind="transfer",
        item=item,
        quantity=3,
        from_location=main,
        to_location=van,
    )

    assert on_hand(item, main) == Decimal("4.500")
    assert on_hand(item, van) == Decimal("3")
    assert ledger_disagreements(tenant_id=item.tenant_id) == {}


def test_an_issue_beyond_the_stock_is_refused_naming_item_location_and_quantity(manager, stock):
    item, main, _van = stock

    with pytest.raises(ValidationError) as refused:
        movement_post(membership=manager, kind="issue", item=item, quantity=11, from_location=main)

    message = refused.value.extra["fields"]["quantity"][0]
    assert item.sku in message and main.code in message and "10 pcs available" in message
    assert refused.value.extra["available"] == "10.000"
    assert on_hand(item, main) == Decimal("10")
    assert StockMovement.objects.for_tenant(item.tenant_id).count() == 1


def test_an_item_that_allows_negative_stock_goes_below_zero(manager, make_item, make_location):
    item, main = make_item(manager, allow_negative=True), make_location(manager)

    movement_post(membership=manager, kind="issue", item=item, quantity=4, from_location=main)

    assert on_hand(item, main) == Decimal("-4")


@pytest.mark.parametrize(
    ("kind", "sides", "field"),
    [
        ("receipt", {"from_location": True}, "from_location"),
        ("issue", {}, "from_location"),
        ("transfer", {"from_location": True}, "to_location"),
        ("adjustment", {}, "to_location"),
    ],
)
def test_locations_must_fit_the_kind(manager, stock, kind, sides, field):
    item, main, _van = stock

    with pytest.raises(ValidationError) as refused:
        movement_post(
            membership=manager,
            kind=kind,
            item=item,
            quantity=1,
            **dict.fromkeys(sides, main),
        )

    assert field in refused.value.extra["fields"]


@pytest.mark.parametrize("quantity", ["0", "-1", "0.0001", "abc"])
def test_a_quantity_must_be_a_number_above_zero(manager, stock, quantity):
    item, main, _van = stock

    with pytest.raises(ValidationError) as refused:
        movement_post(
            membership=manager, kind="receipt", item=item, quantity=quantity, to_location=main
        )

    assert "quantity" in refused.value.extra["fields"]


def test_another_organizations_item_is_an_unknown_one(manager, world, make_item, stock):
    _item, main, _van = stock
    foreign = make_item(world.away_members["admin"])

    with pytest.raises(ValidationError) as refused:
        movement_post(
            membership=manager, kind="receipt", item=foreign, quantity=1, to_location=main
        )

    assert "item" in refused.value.extra["fields"]


def test_a_user_may_issue_but_not_receive_nor_adjust(user, stock):
    item, main, _van = stock

    movement_post(membership=user, kind="issue", item=item, quantity=1, from_location=main)
    with pytest.raises(PermissionDenied):
        movement_post(membership=user, kind="receipt", item=item, quantity=1, to_location=main)
    with pytest.raises(PermissionDenied):
        movement_post(membership=user, kind="adjustment", item=item, quantity=1, to_location=main)


def test_a_count_posts_the_adjustment_that_makes_the_books_agree(manager, stock):
    item, main, _van = stock

    count = stock_count_post(membership=manager, item=item, location=main, counted_quantity=7)

    assert count.book_quantity == Decimal("10")
    assert count.adjustment.kind == "adjustment"
    assert count.adjustment.from_location == main
    assert count.adjustment.quantity == Decimal("3")
    assert on_hand(item, main) == Decimal("7")
    assert ledger_disagreements(tenant_id=item.tenant_id) == {}


def test_a_count_that_agrees_posts_nothing(manager, stock):
    item, main, _van = stock

    count = stock_count_post(membership=manager, item=item, location=main, counted_quantity=10)

    assert count.adjustment is None
    assert StockMovement.objects.for_tenant(item.tenant_id).count() == 1


def test_a_movement_dated_before_the_last_count_is_refused_to_a_user(user, manager, stock):
    item, main, _van = stock
    stock_count_post(membership=manager, item=item, location=main, counted_quantity=10)
    before = TODAY() - dt.timedelta(days=3)

    with pytest.raises(ValidationError) as refused:
        movement_post(
            membership=user,
            kind="issue",
            item=item,
            quantity=1,
            from_location=main,
            effective_date=before,
            reason="Forgot to book it",
        )

    assert "effective_date" in refused.value.extra["fields"]
    assert "counted" in refused.value.extra["fields"]["effective_date"][0]
    assert on_hand(item, main) == Decimal("10")


def test_a_backdated_movement_needs_a_reason_even_from_a_manager(manager, stock):
    item, main, _van = stock
    stock_count_post(membership=manager, item=item, location=main, counted_quantity=10)
    before = TODAY() - dt.timedelta(days=3)

    with pytest.raises(ValidationError):
        movement_post(
            membership=manager,
            kind="issue",
            item=item,
            quantity=1,
            from_location=main,
            effective_date=before,
        )
    movement = movement_post(
        membership=manager,
        kind="issue",
        item=item,
        quantity=1,
        from_location=main,
        effective_date=before,
        reason="Job 12's parts, booked late",
    )

    assert movement.effective_date == before
    assert on_hand(item, main) == Decimal("9")


def test_a_movement_on_or_after_the_count_needs_nothing_more(user, manager, stock):
    item, main, _van = stock
    stock_count_post(membership=manager, item=item, location=main, counted_quantity=10)

    movement_post(membership=user, kind="issue", item=item, quantity=1, from_location=main)

    assert on_hand(item, main) == Decimal("9")


def test_every_movement_is_audited_and_the_chain_verifies(manager, stock):
    item, main, _van = stock

    movement = movement_post(
        membership=manager, kind="issue", item=item, quantity=1, from_location=main
    )

    event = (
        AuditEvent.objects.for_tenant(item.tenant_id)
        .filter(target_type="inventory.stockmovement", target_id=str(movement.pk))
        .get()
    )
    assert event.action == "create"
    assert audit_chain_verify(tenant=item.tenant_id).ok


def test_a_movement_is_never_changed_nor_deleted(manager, stock):
    item, main, _van = stock
    movement = StockMovement.objects.for_tenant(item.tenant_id).get()

    movement.quantity = Decimal("99")
    with pytest.raises(Exception, match="cannot be changed"):
        movement.save()
    with pytest.raises(Exception, match="cannot be deleted"):
        movement.delete()


def test_the_hook_issues_parts_for_another_module(manager, stock):
    item, main, _van = stock
    issue = hook("inventory.issue")

    movement = issue(
        membership=manager,
        item=item.pk,
        location=main.pk,
        quantity="2",
        reference="workorders.workorder:12",
    )

    assert movement.kind == "issue"
    assert movement.reference == "workorders.workorder:12"
    assert on_hand(item, main) == Decimal("8")


def test_falling_below_the_threshold_emails_the_owner_once(
    manager, user, make_item, make_location, django_capture_on_commit_callbacks
):
    item = make_item(user, low_stock_threshold=Decimal("5"))
    main = make_location(manager)
    movement_post(membership=manager, kind="receipt", item=item, quantity=8, to_location=main)

    with django_capture_on_commit_callbacks(execute=True):
        movement_post(membership=manager, kind="issue", item=item, quantity=2, from_location=main)
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        movement_post(membership=manager, kind="issue", item=item, quantity=2, from_location=main)
    with django_capture_on_commit_callbacks(execute=True):
        movement_post(membership=manager, kind="issue", item=item, quantity=1, from_location=main)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.user.email]
    assert item.sku in mail.outbox[0].subject


def test_a_location_threshold_overrides_the_items(
    manager, user, make_item, make_location, django_capture_on_commit_callbacks
):
    item = make_item(user, low_stock_threshold=Decimal("50"))
    van = make_location(manager)
    movement_post(membership=manager, kind="receipt", item=item, quantity=10, to_location=van)
    stock_threshold_set(membership=manager, item=item, location=van, threshold="3")

    with django_capture_on_commit_callbacks(execute=True):
        movement_post(membership=manager, kind="issue", item=item, quantity=6, from_location=van)
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        movement_post(membership=manager, kind="issue", item=item, quantity=2, from_location=van)

    assert len(mail.outbox) == 1
    with pytest.raises(PermissionDenied):
        stock_threshold_set(membership=user, item=item, location=van, threshold=None)
