"""Query budgets: the lists of items (with their stock on hand), movements and balances,
pages and API alike, read a fixed number of queries however many records there are."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from opsbase.modules.inventory.services import movement_post, stock_count_post
from opsbase.testing.api import token_client
from opsbase.testing.matrix import session_client

PAGES = ["/inventory/", "/inventory/movements/", "/inventory/locations/", "/inventory/counts/"]
API = [
    "/api/v1/items/",
    "/api/v1/stock-movements/",
    "/api/v1/stock-balances/",
    "/api/v1/locations/",
    "/api/v1/stock-counts/",
]


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


def grow(manager, make_item, make_location, count):
    for _ in range(count):
        item, place = make_item(manager), make_location(manager)
        movement_post(membership=manager, kind="receipt", item=item, quantity=9, to_location=place)
        movement_post(membership=manager, kind="issue", item=item, quantity=2, from_location=place)
        stock_count_post(membership=manager, item=item, location=place, counted_quantity=6)


def test_the_lists_cost_the_same_for_3_or_30_items(manager, make_item, make_location):
    page, api = session_client(manager), token_client(manager)
    grow(manager, make_item, make_location, 3)
    for url in PAGES:
        page.get(url)  # the session and the caches warm
    for url in API:
        api.get(url)  # the token's first use of the minute records "last used"
    few = [queries(page, url) for url in PAGES] + [queries(api, url) for url in API]

    grow(manager, make_item, make_location, 27)
    many = [queries(page, url) for url in PAGES] + [queries(api, url) for url in API]

    assert many == few
    assert max(few) <= 20, few


def test_an_items_page_costs_the_same_for_1_or_10_locations(manager, make_item, make_location):
    client = session_client(manager)
    item = make_item(manager)
    place = make_location(manager)
    movement_post(membership=manager, kind="receipt", item=item, quantity=1, to_location=place)
    url = f"/inventory/{item.pk}/"
    client.get(url)
    few = queries(client, url)

    for _ in range(9):
        place = make_location(manager)
        movement_post(membership=manager, kind="receipt", item=item, quantity=1, to_location=place)
    many = queries(client, url)

    assert many == few
    assert few <= 25, few
