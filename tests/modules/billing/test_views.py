"""The billing pages: the invoice list with its totals and status filter, an invoice's page
with its lines and the buttons its state allows, lines added and removed on a draft, issue
from the page, a payment and a credit note from forms opened on the invoice."""

from decimal import Decimal

import pytest
from django.urls import reverse

from opsbase.modules.billing.constants import InvoiceStatus
from opsbase.modules.billing.services import credit_note_create, invoice_pay
from opsbase.testing.html import html_problems
from opsbase.testing.matrix import session_client


@pytest.fixture
def client(admin):
    return session_client(admin)


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    assert not html_problems(response.content), html_problems(response.content)
    return html


def test_the_list_shows_totals_per_currency_and_filters_by_status(client, admin, make_invoice):
    make_invoice(admin, issue=True)
    make_invoice(admin)
    make_invoice(admin, currency="JPY", lines=[{"description": "Bits", "unit_amount": "1000"}])

    everything = _page(client, reverse("billing:invoice_list"))
    open_only = _page(client, reverse("billing:invoice_list") + "?status=open")

    assert 'data-testid="invoice-totals"' in everything
    assert "2 invoices in EUR" in everything and "1 invoice in JPY" in everything
    assert "2,484.00" in everything  # two EUR invoices of 1,242.00, grouped as English writes it
    assert "1,000" in everything  # yen have no minor unit
    assert open_only.count('data-testid="invoice-link"') == 1


def test_a_drafts_page_adds_and_removes_lines_then_issues(client, admin, make_invoice):
    invoice = make_invoice(admin, lines=[])
    url = reverse("billing:invoice_detail", args=[invoice.pk])
    html = _page(client, url)
    assert 'data-testid="invoice-issue-blocked"' in html  # no line yet

    client.post(
        reverse("billing:invoice_line_add", args=[invoice.pk]),
        {"description": "Inspection", "quantity": "2", "unit_amount": "50", "tax_rate": "10"},
    )
    invoice.refresh_from_db()
    assert invoice.total == Decimal("110.00")
    html = _page(client, url)
    assert html.count('data-testid="invoice-line"') == 1
    assert 'data-testid="invoice-issue"' in html

    response = client.post(
        reverse("billing:invoice_transition", args=[invoice.pk]), {"transition": "issue"}
    )

    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.OPEN and invoice.number


def test_an_open_invoice_offers_payment_credit_note_and_void_not_edit(client, admin, make_invoice):
    invoice = make_invoice(admin, issue=True)

    html = _page(client, reverse("billing:invoice_detail", args=[invoice.pk]))

    for testid in ("invoice-pay", "invoice-credit", "invoice-void", "invoice-mark_uncollectible"):
        assert f'data-testid="{testid}"' in html, testid
    assert 'data-testid="invoice-edit"' not in html
    assert 'data-testid="invoice-line-form"' not in html


def test_a_payment_recorded_from_the_invoice_settles_it(client, admin, make_invoice):
    invoice = make_invoice(admin, issue=True)
    form = reverse("billing:payment_create") + f"?invoice={invoice.pk}"
    html = _page(client, form)
    assert 'value="1242.00"' in html  # the balance, ready to record

    response = client.post(
        reverse("billing:payment_create"),
        {"invoice": invoice.pk, "amount": "1242.00", "method": "bank_transfer", "reference": "X"},
    )

    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    _page(client, response["Location"])  # the payment's page, with its invoice
    _page(client, reverse("billing:payment_list"))


def test_a_payment_above_the_balance_is_a_form_error(client, admin, make_invoice):
    invoice = make_invoice(admin, issue=True)

    response = client.post(
        reverse("billing:payment_create"),
        {"invoice": invoice.pk, "amount": "2000", "method": "cash"},
    )

    assert response.status_code == 400
    assert "more than the balance" in response.content.decode()


def test_an_invoice_with_payments_and_credit_notes_shows_them(client, admin, make_invoice):
    invoice = make_invoice(admin, issue=True)
    invoice_pay(membership=admin, invoice=invoice, amount="100.00", reference="Part")
    credit_note_create(membership=admin, invoice=invoice, amount="42", reason="Discount")

    html = _page(client, reverse("billing:invoice_detail", args=[invoice.pk]))

    assert 'data-testid="invoice-payments"' in html
    assert 'data-testid="invoice-credit-notes"' in html
    assert 'data-testid="invoice-void"' not in html  # something was paid
    _page(client, reverse("billing:creditnote_list"))


def test_the_dashboard_card_counts_invoices(client, admin, make_invoice):
    make_invoice(admin, issue=True)

    html = client.get("/").content.decode()

    assert "Issued this month" in html and "Overdue" in html


def test_a_move_asked_by_htmx_answers_the_status_block(client, admin, make_invoice):
    invoice = make_invoice(admin, lines=[])

    response = client.post(
        reverse("billing:invoice_transition", args=[invoice.pk]),
        {"transition": "issue"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert "at least one line" in response.content.decode()


def test_bulk_delete_removes_drafts_and_names_the_issued_ones(client, admin, make_invoice):
    draft, issued = make_invoice(admin), make_invoice(admin, issue=True)

    response = client.post(
        reverse("billing:invoice_bulk"),
        {"action": "delete", "pk": [draft.pk, issued.pk], "next": "/billing/invoices/"},
        follow=True,
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert issued.number in html and "credit note or void" in html
    from opsbase.modules.billing.models import Invoice

    assert list(Invoice.objects.for_tenant(admin.tenant).values_list("pk", flat=True)) == [
        issued.pk
    ]


def test_the_invoice_list_exports_numbers_statuses_and_balances(client, admin, make_invoice):
    issued = make_invoice(admin, issue=True)
    make_invoice(admin)

    response = client.get(reverse("billing:invoice_list") + "?format=csv")

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, *rows = text.strip().splitlines()
    assert "balance" in header.split(",") and "status" in header.split(",")
    assert len(rows) == 2
    assert any(issued.number in row and "1242.00" in row and "Open" in row for row in rows)


def test_the_month_cards_show_issued_paid_outstanding_and_overdue(client, admin, make_invoice):
    paid = make_invoice(admin, issue=True)
    invoice_pay(membership=admin, invoice=paid)
    make_invoice(admin, issue=True)  # outstanding

    html = client.get("/").content.decode()

    this_month = html.split('data-testid="dashboard-card-billing-this-month"')[1]
    this_month = this_month.split('data-testid="dashboard-card-')[0]
    assert "Issued" in this_month and "2 · €2,484.00" in this_month
    assert "Paid" in this_month and "1 · €1,242.00" in this_month
    assert "Outstanding" in this_month
    assert 'data-testid="dashboard-card-billing-last-month"' in html


def test_the_month_figures_split_by_month(admin, make_invoice):
    import datetime as dt

    from django.utils import timezone

    from opsbase.modules.billing.selectors import invoice_month_figures
    from opsbase.modules.billing.services import invoice_create, invoice_issue

    from .conftest import LINES, customer_of

    today = timezone.localdate()
    last_month = today.replace(day=1) - dt.timedelta(days=3)
    old = invoice_create(
        membership=admin,
        customer=customer_of(admin.tenant),
        lines=LINES,
        issue_date=last_month,
        due_date=last_month + dt.timedelta(days=1),
    )
    invoice_issue(membership=admin, invoice=old)
    make_invoice(admin, issue=True)

    this, previous = invoice_month_figures(membership=admin)

    assert this["issued"]["count"] == 1 and this["overdue"]["count"] == 0
    assert previous["issued"]["count"] == 1
    assert previous["overdue"] == {"count": 1, "amounts": {"EUR": Decimal("1242.00")}}
    assert previous["outstanding"]["amounts"] == {"EUR": Decimal("1242.00")}
