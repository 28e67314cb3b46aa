"""Query budgets: the board, the list and the detail page read a fixed number of queries,
however many leads and activities there are."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from opsbase.modules.leads.services import activity_add
from opsbase.testing.matrix import session_client


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def grow(manager, make_lead, count):
    for n in range(count):
        lead = make_lead(manager, name=f"Person {n}", company=f"Company {n}", value=n)
        activity_add(membership=manager, lead=lead, kind="note", body="Hello")
    return lead


def test_the_board_list_and_api_list_cost_the_same_for_3_or_30_leads(manager, make_lead):
    client = session_client(manager)
    urls = ["/leads/board/", "/leads/", "/api/v1/leads/"]
    grow(manager, make_lead, 3)
    client.get("/leads/")  # the session and the caches warm
    few = [queries(client, url) for url in urls]

    grow(manager, make_lead, 27)
    many = [queries(client, url) for url in urls]

    assert many == few
    assert max(few) <= 20


def test_the_detail_page_costs_the_same_for_1_or_10_activities(manager, make_lead):
    client = session_client(manager)
    lead = grow(manager, make_lead, 1)
    url = f"/leads/{lead.pk}/"
    client.get(url)
    few = queries(client, url)

    for _ in range(9):
        activity_add(membership=manager, lead=lead, kind="call", body="Again")
    many = queries(client, url)

    assert many == few
    assert few <= 25
