"""Query budgets: the lists (pages and API) and an invoice's page read a fixed number of
queries, however many invoices, lines, payments and credit notes there are."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from opsbase.modules.billing.services import credit_note_create, invoice_line_add, invoice_pay
from opsbase.testing.api import token_client
from opsbase.testing.matrix import session_client

LISTS = [
    "/billing/invoices/",
    "/billing/invoices/?status=open",
    "/billing/payments/",
    "/billing/credit-notes/",
    "/api/v1/invoices/",
    "/api/v1/invoices/?status=open",
    "/api/v1/payments/",
    "/api/v1/credit-notes/",
]


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == 200, url
    return len(captured)


def grow(admin, make_invoice, count):
    for n in range(count):
        invoice = make_invoice(admin, issue=n % 3 != 0)
        if n % 3 == 1:
            invoice_pay(membership=admin, invoice=invoice, amount="100.00")
            credit_note_create(membership=admin, invoice=invoice, amount="10", reason="Late")
    return invoice


def test_the_lists_cost_the_same_for_3_or_30_invoices(admin, make_invoice):
    pages, api = session_client(admin), token_client(admin)
    grow(admin, make_invoice, 3)
    pages.get("/billing/invoices/")  # the session and the caches warm
    api.get("/api/v1/invoices/")

    def cost():
        return [queries(api if url.startswith("/api/") else pages, url) for url in LISTS]

    few = cost()
    grow(admin, make_invoice, 27)
    many = cost()

    assert many == few, dict(zip(LISTS, zip(few, many, strict=True), strict=True))
    assert max(few) <= 20, dict(zip(LISTS, few, strict=True))


def test_an_invoice_costs_the_same_for_2_or_20_lines(admin, make_invoice):
    pages, api = session_client(admin), token_client(admin)
    invoice = make_invoice(admin)
    urls = [f"/billing/invoices/{invoice.pk}/", f"/api/v1/invoices/{invoice.pk}/"]
    pages.get(urls[0])
    api.get(urls[1])
    few = [queries(pages, urls[0]), queries(api, urls[1])]

    for n in range(18):
        invoice_line_add(membership=admin, invoice=invoice, description=f"Line {n}", unit_amount=1)
    many = [queries(pages, urls[0]), queries(api, urls[1])]

    assert many == few
    assert max(few) <= 25, few


def test_the_customers_page_costs_the_same_for_2_or_20_lines(admin, make_invoice):
    from django.test import Client

    from .conftest import LINES

    few = make_invoice(admin, issue=True)
    many = make_invoice(admin, issue=True, lines=LINES * 10)
    visitor = Client()
    visitor.get(f"/i/{few.link_token}/")  # the caches warm

    costs = [queries(visitor, f"/i/{invoice.link_token}/") for invoice in (few, many)]

    assert costs[0] == costs[1], costs
    assert costs[0] <= 8, costs
