"""The inventory API as a client uses it: posting movements, the errors it answers, the
ledger's closed doors, balances, and what the role templates allow."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from opsbase.kernel.roles.services import role_create_from_template
from opsbase.modules.inventory.services import movement_post, stock_count_post
from opsbase.testing.api import token_client
from opsbase.testing.factories import MembershipFactory, UserFactory


@pytest.fixture
def stock(manager, make_item, make_location):
    item = make_item(manager, sku="BRG-6205", name="Bearing 6205")
    main = make_location(manager, code="MAIN", name="Main store")
    movement_post(membership=manager, kind="receipt", item=item, quantity=5, to_location=main)
    return item, main


def issue(item, main, quantity="1", **more):
    return {
        "kind": "issue",
        "item": item.pk,
        "from_location": main.pk,
        "quantity": quantity,
        **more,
    }


def test_posting_an_issue_answers_the_movement(user, stock):
    item, main = stock

    response = token_client(user).post(
        "/api/v1/stock-movements/", issue(item, main, "2.5", reference="WO-12"), format="json"
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["kind"] == "issue"
    assert body["kind_label"] == "Issue"
    assert body["quantity"] == "2.500"
    assert body["item_sku"] == "BRG-6205"
    assert body["from_location"] == main.pk
    assert body["to_location"] is None
    assert body["reference"] == "WO-12"
    assert body["created_by"]["email"] == user.user.email
    balances = token_client(user).get(f"/api/v1/items/{item.pk}/balances/").json()
    assert [(b["location_code"], b["quantity"]) for b in balances] == [("MAIN", "2.500")]
    assert token_client(user).get(f"/api/v1/items/{item.pk}/").json()["on_hand"] == "2.500"


def test_an_issue_beyond_the_stock_is_a_400_naming_what_is_available(user, stock):
    item, main = stock

    response = token_client(user).post(
        "/api/v1/stock-movements/", issue(item, main, "6"), format="json"
    )

    assert response.status_code == 400
    message = response.json()["error"]["fields"]["quantity"][0]
    assert (
        message
        == "Not enough BRG-6205 Bearing 6205 at MAIN Main store: 5 pcs available, 6 pcs asked."
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"quantity": "0"}, "quantity"),
        ({"quantity": "-3"}, "quantity"),
        ({"quantity": "1.0001"}, "quantity"),
        ({"quantity": "lots"}, "quantity"),
        ({"kind": "borrow"}, "kind"),
        ({"item": 10**15}, "item"),
        ({"item": None}, "item"),
        ({"from_location": None}, "from_location"),
        ({"to_location": "this"}, "to_location"),
        ({"effective_date": "yesterday"}, "effective_date"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(manager, stock, change, field):
    item, main = stock

    response = token_client(manager).post(
        "/api/v1/stock-movements/", {**issue(item, main), **change}, format="json"
    )

    assert response.status_code == 400, response.json()
    assert field in response.json()["error"]["fields"]


def test_another_organizations_location_is_a_field_error(manager, world, stock, make_location):
    item, _main = stock
    foreign = make_location(world.away_members["admin"])

    response = token_client(manager).post(
        "/api/v1/stock-movements/", issue(item, foreign), format="json"
    )

    assert response.status_code == 400
    assert "from_location" in response.json()["error"]["fields"]


def test_a_movement_is_never_changed_nor_deleted_over_the_api(manager, stock):
    item, main = stock
    movement = movement_post(
        membership=manager, kind="issue", item=item, quantity=1, from_location=main
    )
    client = token_client(manager)
    url = f"/api/v1/stock-movements/{movement.pk}/"

    assert client.put(url, issue(item, main), format="json").status_code == 405
    assert client.patch(url, {"quantity": "3"}, format="json").status_code == 405
    assert client.delete(url).status_code == 405
    assert client.get(url).json()["quantity"] == "1.000"


def test_balances_are_read_only(manager, stock):
    client = token_client(manager)
    balances = client.get("/api/v1/stock-balances/").json()["results"]

    assert [b["quantity"] for b in balances] == ["5.000"]
    assert client.post("/api/v1/stock-balances/", {}, format="json").status_code == 405
    assert client.patch(f"/api/v1/stock-balances/{balances[0]['id']}/", {}).status_code == 405


def test_a_backdated_issue_before_a_count_is_refused_to_a_user(manager, user, stock):
    item, main = stock
    stock_count_post(membership=manager, item=item, location=main, counted_quantity=5)
    earlier = (timezone.localdate() - dt.timedelta(days=2)).isoformat()

    response = token_client(user).post(
        "/api/v1/stock-movements/",
        issue(item, main, effective_date=earlier, reason="Booked late"),
        format="json",
    )

    assert response.status_code == 400
    assert "effective_date" in response.json()["error"]["fields"]


def test_an_sku_is_unique_in_the_organization_only(manager, world, stock):
    taken = {"sku": "BRG-6205", "name": "Another bearing"}

    ours = token_client(manager).post("/api/v1/items/", taken, format="json")
    theirs = token_client(world.away_members["manager"]).post(
        "/api/v1/items/", taken, format="json"
    )

    assert ours.status_code == 400
    assert "sku" in ours.json()["error"]["fields"]
    assert theirs.status_code == 201


def test_an_item_with_movements_cannot_be_deleted(manager, stock):
    item, _main = stock

    response = token_client(manager).delete(f"/api/v1/items/{item.pk}/")

    assert response.status_code == 409


def _member_with_template(world, slug):
    role = role_create_from_template(membership=world.members["admin"], slug=slug)
    return MembershipFactory(tenant=world.home, role=role, user=UserFactory())


def test_a_technician_may_issue_but_not_receive(world, stock):
    item, main = stock
    client = token_client(_member_with_template(world, "technician"))

    issued = client.post("/api/v1/stock-movements/", issue(item, main), format="json")
    received = client.post(
        "/api/v1/stock-movements/",
        {"kind": "receipt", "item": item.pk, "to_location": main.pk, "quantity": "1"},
        format="json",
    )
    created = client.post("/api/v1/items/", {"sku": "X-1", "name": "X"}, format="json")

    assert issued.status_code == 201
    assert received.status_code == 403
    assert created.status_code == 403


def test_a_production_manager_may_do_everything(world, stock):
    item, main = stock
    client = token_client(_member_with_template(world, "production-manager"))

    created = client.post("/api/v1/items/", {"sku": "X-1", "name": "X"}, format="json")
    adjusted = client.post(
        "/api/v1/stock-movements/",
        {"kind": "adjustment", "item": item.pk, "to_location": main.pk, "quantity": "1"},
        format="json",
    )
    issued = client.post("/api/v1/stock-movements/", issue(item, main), format="json")

    assert (created.status_code, adjusted.status_code, issued.status_code) == (201, 201, 201)
    on_hand = client.get(f"/api/v1/items/{item.pk}/").json()["on_hand"]
    assert Decimal(on_hand) == Decimal("5")


def test_a_count_over_the_api_posts_the_adjustment(manager, user, stock):
    item, main = stock
    body = {"item": item.pk, "location": main.pk, "counted_quantity": "3", "reason": "Q2"}

    refused = token_client(user).post("/api/v1/stock-counts/", body, format="json")
    response = token_client(manager).post("/api/v1/stock-counts/", body, format="json")

    assert refused.status_code == 403
    assert response.status_code == 201, response.json()
    count = response.json()
    assert (count["counted_quantity"], count["book_quantity"]) == ("3.000", "5.000")
    adjustment = token_client(manager).get(f"/api/v1/stock-movements/{count['adjustment']}/")
    assert adjustment.json()["kind"] == "adjustment"
    assert adjustment.json()["quantity"] == "2.000"
    on_hand = token_client(manager).get(f"/api/v1/items/{item.pk}/").json()["on_hand"]
    assert on_hand == "3.000"
