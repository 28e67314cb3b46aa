"""Inventory pages as people use them: the items with their stock, posting a movement from
its form (and being told why it was refused), the ledger's closed edit page, the low-stock
card on the dashboard, and the demo's stock."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from opsbase.kernel.tenants.models import Membership, Tenant
from opsbase.modules.inventory.models import Item, StockMovement
from opsbase.modules.inventory.selectors import ledger_disagreements, low_stock_balances
from opsbase.modules.inventory.services import movement_post
from opsbase.testing.html import html_problems
from opsbase.testing.matrix import session_client


@pytest.fixture
def stock(manager, make_item, make_location):
    item = make_item(manager, sku="NOZ-12", name="Nozzle 12/32", low_stock_threshold=4)
    main = make_location(manager, code="MAIN", name="Main store")
    movement_post(membership=manager, kind="receipt", item=item, quantity="7.5", to_location=main)
    return item, main


def test_the_item_list_shows_the_stock_on_hand(manager, stock):
    response = session_client(manager).get(reverse("inventory:item_list"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "NOZ-12" in html and "7.5" in html
    assert not html_problems(response.content)


def test_the_item_page_shows_its_stock_by_location(manager, stock):
    item, _main = stock

    html = session_client(manager).get(reverse("inventory:item_detail", args=[item.pk])).content
    text = html.decode()

    assert 'data-testid="item-balance"' in text
    assert "Main store" in text


def test_a_movement_is_posted_from_its_form(user, stock):
    item, main = stock
    data = {
        "kind": "issue",
        "item": item.pk,
        "from_location": main.pk,
        "quantity": "2",
        "effective_date": timezone.localdate().isoformat(),
        "reference": "Job 301",
    }

    response = session_client(user).post(reverse("inventory:stockmovement_create"), data)

    assert response.status_code == 302
    movement = StockMovement.objects.for_tenant(item.tenant_id).get(kind="issue")
    assert movement.quantity == Decimal("2") and movement.created_by == user.user
    assert ledger_disagreements(tenant_id=item.tenant_id) == {}


def test_a_refused_movement_shows_why_on_the_form(user, stock):
    item, main = stock
    data = {
        "kind": "issue",
        "item": item.pk,
        "from_location": main.pk,
        "quantity": "9",
        "effective_date": timezone.localdate().isoformat(),
    }

    response = session_client(user).post(reverse("inventory:stockmovement_create"), data)

    assert response.status_code == 400
    assert "Not enough NOZ-12 Nozzle 12/32 at MAIN Main store: 7.5 pcs available" in (
        response.content.decode()
    )


def test_a_movement_has_no_edit_page(manager, stock):
    movement = StockMovement.objects.for_tenant(stock[0].tenant_id).get()
    client = session_client(manager)

    assert client.get(f"/inventory/movements/{movement.pk}/").status_code == 200
    assert client.get(f"/inventory/movements/{movement.pk}/edit/").status_code == 405
    assert client.post(f"/inventory/movements/{movement.pk}/delete/").status_code == 405


def test_the_dashboard_names_the_items_low_on_stock(manager, stock):
    item, main = stock
    client = session_client(manager)
    movement_post(membership=manager, kind="issue", item=item, quantity=4, from_location=main)

    html = client.get(reverse("web:home")).content.decode()

    card = html[html.index('data-testid="dashboard-card-inventory-low-stock"') :]
    assert "Below threshold" in card
    assert "NOZ-12 · MAIN" in card and "3.5 pcs" in card


def test_the_demo_stocks_acme_and_globex_apart(db):
    call_command("demo", password="demo-password-1")

    for slug in ("acme", "globex"):
        tenant = Tenant.objects.get(slug=slug)
        assert Item.objects.for_tenant(tenant).count() >= 5
        assert StockMovement.objects.for_tenant(tenant).filter(kind="issue").exists()
        assert ledger_disagreements(tenant_id=tenant.pk) == {}
        manager = Membership.objects.for_tenant(tenant).get(user__email=f"manager@{slug}.test")
        low = low_stock_balances(membership=manager).values_list("item__sku", "location__code")
        assert list(low) == [("SEAL-OR-45", "MAIN")]
