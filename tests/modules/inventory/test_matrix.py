"""Every page and API action of inventory, generated from its declaration: each role × own /
other / foreign record answers as the policy decides (another organization's is 404), and
every page passes the HTML checker. The ledger's records are never edited nor deleted:
those pages and API actions answer 405 to everyone."""

import dataclasses
import itertools

import pytest
from django.urls import reverse

from opsbase.kernel.roles.constants import RoleKind
from opsbase.modules.inventory.api import (
    ItemViewSet,
    LocationViewSet,
    StockBalanceViewSet,
    StockCountViewSet,
    StockMovementViewSet,
)
from opsbase.modules.inventory.constants import VIEW
from opsbase.modules.inventory.models import StockBalance
from opsbase.modules.inventory.services import movement_post, stock_count_post
from opsbase.modules.inventory.views import CountPages, ItemPages, LocationPages, MovementPages
from opsbase.testing.api import token_client
from opsbase.testing.matrix import Case, module_cases

_fresh = itertools.count(1)


def _with_fresh_codes(cases, field, plural, detail_url):
    """The cases whose writes name a unique field (an item's SKU, a location's code): each
    request sends a value of its own, so that cells do not collide with each other."""
    listing = f"/api/v1/{plural}/"

    def body():
        n = next(_fresh)
        # ``unit``: what an item's form needs besides; a location's ignores it.
        return {field: f"M-{n}", "name": f"Matrix {n}", "unit": "pcs"}

    requests = {
        "page edit (post)": lambda c, o: c.post(detail_url(o) + "edit/", body()),
        "api create": lambda c, o: c.post(listing, body(), format="json"),
        "api update": lambda c, o: c.put(f"{listing}{o.pk}/", body(), format="json"),
        "api partial_update": lambda c, o: c.patch(f"{listing}{o.pk}/", body(), format="json"),
    }
    return [
        dataclasses.replace(case, request=requests[case.name]) if case.name in requests else case
        for case in cases
    ]


def _closed(name, request, api=False):
    """A page or action the ledger does not offer: 405 for every role and record."""
    extra = {"login": token_client} if api else {}
    return Case(name, request, (), 405, on_object=False, **extra)


ITEM_CASES = [
    *_with_fresh_codes(
        module_cases(pages=ItemPages, viewset=ItemViewSet),
        "sku",
        "items",
        lambda o: f"/inventory/{o.pk}/",
    ),
    Case(
        "api item balances",
        lambda c, o: c.get(f"/api/v1/items/{o.pk}/balances/"),
        (VIEW,),
        200,
        login=token_client,
    ),
]
LOCATION_CASES = _with_fresh_codes(
    module_cases(pages=LocationPages, viewset=LocationViewSet),
    "code",
    "locations",
    lambda o: f"/inventory/locations/{o.pk}/",
)

_LEDGER_CLOSED = {
    "page edit",
    "page edit (post)",
    "page delete",
    "page delete (post)",
    "api update",
    "api partial_update",
    "api destroy",
}


def _append_only_cases(pages, viewset, prefix, plural):
    generated = module_cases(pages=pages, viewset=viewset)
    cases = [c for c in generated if c.name not in _LEDGER_CLOSED]
    one = f"/api/v1/{plural}/" + "{}/"
    page = f"/inventory/{prefix}/" + "{}/"
    cases += [
        _closed("page edit", lambda c, o: c.get(page.format(o.pk) + "edit/")),
        _closed("page edit (post)", lambda c, o: c.post(page.format(o.pk) + "edit/")),
        _closed("page delete", lambda c, o: c.get(page.format(o.pk) + "delete/")),
        _closed("page delete (post)", lambda c, o: c.post(page.format(o.pk) + "delete/")),
        _closed("page bulk", lambda c, o: c.post(f"/inventory/{prefix}/bulk/")),
        _closed("api update", lambda c, o: c.put(one.format(o.pk), {}, format="json"), api=True),
        _closed(
            "api partial_update",
            lambda c, o: c.patch(one.format(o.pk), {}, format="json"),
            api=True,
        ),
        _closed("api destroy", lambda c, o: c.delete(one.format(o.pk)), api=True),
    ]
    return cases


MOVEMENT_CASES = _append_only_cases(
    MovementPages, StockMovementViewSet, "movements", "stock-movements"
)
COUNT_CASES = _append_only_cases(CountPages, StockCountViewSet, "counts", "stock-counts")

BALANCE_CASES = [
    *(
        c
        for c in module_cases(viewset=StockBalanceViewSet)
        if c.name in {"api list", "api retrieve"}
    ),
    _closed(
        "api create",
        lambda c, o: c.post("/api/v1/stock-balances/", {"quantity": "5"}, format="json"),
        api=True,
    ),
    _closed(
        "api update",
        lambda c, o: c.put(f"/api/v1/stock-balances/{o.pk}/", {}, format="json"),
        api=True,
    ),
    _closed("api destroy", lambda c, o: c.delete(f"/api/v1/stock-balances/{o.pk}/"), api=True),
]


def _manager_of(world, membership):
    home = membership.tenant_id == world.home.pk
    return world.members[RoleKind.MANAGER] if home else world.away_members[RoleKind.MANAGER]


def test_the_generator_walks_every_page_and_action():
    assert {str(c) for c in ITEM_CASES} >= {
        "page item_list",
        "page create",
        "page import",
        "page detail",
        "page edit",
        "page edit (post)",
        "page delete",
        "page delete (post)",
        "api list",
        "api create",
        "api retrieve",
        "api update",
        "api partial_update",
        "api destroy",
        "api item balances",
    }
    assert {str(c) for c in MOVEMENT_CASES} == {
        "page stockmovement_list",
        "page create",
        "page detail",
        "page edit",
        "page edit (post)",
        "page delete",
        "page delete (post)",
        "page bulk",
        "api list",
        "api create",
        "api retrieve",
        "api update",
        "api partial_update",
        "api destroy",
    }


@pytest.mark.parametrize("case", ITEM_CASES, ids=str)
def test_every_item_page_and_action_answers_as_the_policy_decides(world, make_item, case):
    case.check(world, make=lambda owner: make_item(owner))


@pytest.mark.parametrize("case", LOCATION_CASES, ids=str)
def test_every_location_page_and_action_answers_as_the_policy_decides(world, make_location, case):
    case.check(world, make=lambda owner: make_location(owner))


@pytest.fixture
def shelf(world, make_item, make_location):
    """An item with plenty of stock in the home organization: what the API create issues."""
    manager = world.members[RoleKind.MANAGER]
    item, place = make_item(manager), make_location(manager)
    movement_post(membership=manager, kind="receipt", item=item, quantity=1000, to_location=place)
    return item, place


@pytest.mark.parametrize("case", MOVEMENT_CASES, ids=str)
def test_every_movement_page_and_action_answers_as_the_policy_decides(
    world, make_item, make_location, shelf, case
):
    item, place = shelf
    if case.name == "api create":
        body = {"kind": "issue", "item": item.pk, "from_location": place.pk, "quantity": "1"}
        listing = reverse("api:stockmovement-list")
        case = dataclasses.replace(case, request=lambda c, o: c.post(listing, body, format="json"))

    def make(owner):
        manager = _manager_of(world, owner)
        return movement_post(
            membership=manager,
            kind="receipt",
            item=make_item(owner),
            quantity=5,
            to_location=make_location(owner),
        )

    case.check(world, make=make)


@pytest.mark.parametrize("case", BALANCE_CASES, ids=str)
def test_every_balance_action_answers_as_the_policy_decides(world, make_item, make_location, case):
    def make(owner):
        manager = _manager_of(world, owner)
        item, place = make_item(owner), make_location(owner)
        movement_post(membership=manager, kind="receipt", item=item, quantity=5, to_location=place)
        return StockBalance.objects.for_tenant(owner.tenant_id).get(item=item, location=place)

    case.check(world, make=make)


@pytest.mark.parametrize("case", COUNT_CASES, ids=str)
def test_every_count_page_and_action_answers_as_the_policy_decides(
    world, make_item, make_location, shelf, case
):
    item, place = shelf
    if case.name == "api create":
        body = {"item": item.pk, "location": place.pk, "counted_quantity": "1000"}
        listing = reverse("api:stockcount-list")
        case = dataclasses.replace(case, request=lambda c, o: c.post(listing, body, format="json"))

    def make(owner):
        return stock_count_post(
            membership=_manager_of(world, owner),
            item=make_item(owner),
            location=make_location(owner),
            counted_quantity=2,
        )

    case.check(world, make=make)
