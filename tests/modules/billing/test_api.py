"""The billing API: drafts with nested lines, issue / void / pay, payments and credit notes;
400 with field errors; 409 on an issued invoice; a User's token gets 403 everywhere and
Globex's token 404 on Acme's invoices."""

from decimal import Decimal

import pytest
from django.utils import timezone

from opsbase.testing.api import token_client

YEAR = timezone.localdate().year


@pytest.fixture
def api(admin):
    return token_client(admin)


def _draft(api, customer, **more):
    body = {
        "customer": customer.pk,
        "lines": [
            {"description": "Bit inspection", "quantity": "4", "unit_amount": "250.00"},
            {"description": "Re-tipping", "quantity": "2", "unit_amount": "100", "tax_rate": "21"},
        ],
        **more,
    }
    response = api.post("/api/v1/invoices/", body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_a_draft_is_created_with_its_lines_and_totals(api, customer):
    data = _draft(api, customer)

    assert data["status"] == "draft" and data["number"] is None
    assert data["total"] == "1242.00" and data["balance"] == "1242.00"
    assert [line["description"] for line in data["lines"]] == ["Bit inspection", "Re-tipping"]
    assert data["lines"][1]["tax_amount"] == "42.00"
    assert data["customer_name"] == customer.name


def test_sent_lines_replace_a_drafts_lines(api, customer):
    data = _draft(api, customer)

    response = api.patch(
        f"/api/v1/invoices/{data['id']}/",
        {"lines": [{"description": "One thing", "unit_amount": "10"}]},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["total"] == "10.00"
    assert len(response.json()["lines"]) == 1


def test_bad_input_is_a_400_with_field_errors(api, customer, world):
    from .conftest import customer_of

    foreign = customer_of(world.away)
    response = api.post(
        "/api/v1/invoices/",
        {
            "customer": foreign.pk,
            "currency": "XYZ",
            "lines": [{"description": "", "quantity": "0", "unit_amount": "abc"}],
        },
        format="json",
    )

    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert {"customer", "currency"} <= set(fields)
    assert {"lines.0.description", "lines.0.quantity", "lines.0.unit_amount"} <= set(fields)


def test_issue_then_pay_then_the_invoice_is_paid(api, customer):
    data = _draft(api, customer)

    issued = api.post(f"/api/v1/invoices/{data['id']}/issue/")
    paid = api.post(f"/api/v1/invoices/{data['id']}/pay/", {"reference": "SEPA"}, format="json")

    assert issued.status_code == 200, issued.json()
    assert issued.json()["number"] == f"INV-{YEAR}-0001"
    assert issued.json()["status"] == "open"
    assert paid.status_code == 200, paid.json()
    assert paid.json()["status"] == "paid" and paid.json()["balance"] == "0.00"


def test_an_issued_invoice_is_not_edited_409(api, customer):
    data = _draft(api, customer)
    api.post(f"/api/v1/invoices/{data['id']}/issue/")

    response = api.patch(f"/api/v1/invoices/{data['id']}/", {"notes": "x"}, format="json")
    deleted = api.delete(f"/api/v1/invoices/{data['id']}/")

    assert response.status_code == 409
    assert "credit note" in response.json()["error"]["message"]
    assert deleted.status_code == 409


def test_an_empty_draft_is_not_issued_400(api, customer):
    response = api.post("/api/v1/invoices/", {"customer": customer.pk}, format="json")

    issued = api.post(f"/api/v1/invoices/{response.json()['id']}/issue/")

    assert issued.status_code == 400
    assert "line" in issued.json()["error"]["message"]


def test_void_refused_after_a_payment(api, customer):
    data = _draft(api, customer)
    api.post(f"/api/v1/invoices/{data['id']}/issue/")
    api.post(f"/api/v1/invoices/{data['id']}/pay/", {"amount": "1.00"}, format="json")

    response = api.post(f"/api/v1/invoices/{data['id']}/void/", {"reason": "x"}, format="json")

    assert response.status_code == 400


def test_a_payment_over_two_invoices_and_a_credit_note(api, customer):
    one, two = _draft(api, customer), _draft(api, customer)
    for invoice in (one, two):
        api.post(f"/api/v1/invoices/{invoice['id']}/issue/")

    payment = api.post(
        "/api/v1/payments/",
        {
            "customer": customer.pk,
            "amount": "1300.00",
            "allocations": [
                {"invoice": one["id"], "amount": "1242.00"},
                {"invoice": two["id"], "amount": "58.00"},
            ],
        },
        format="json",
    )
    note = api.post(
        "/api/v1/credit-notes/",
        {"invoice": two["id"], "amount": "84.00", "reason": "Discount"},
        format="json",
    )
    too_much = api.post(
        "/api/v1/credit-notes/",
        {"invoice": two["id"], "amount": "1100.01", "reason": "Too much"},
        format="json",
    )

    assert payment.status_code == 201, payment.json()
    assert [a["amount"] for a in payment.json()["allocations"]] == ["1242.00", "58.00"]
    assert note.status_code == 201, note.json()
    assert note.json()["number"] == f"CN-{YEAR}-0001"
    assert too_much.status_code == 400
    assert "amount" in too_much.json()["error"]["fields"]
    two_now = api.get(f"/api/v1/invoices/{two['id']}/").json()
    assert Decimal(two_now["balance"]) == Decimal("1100.00")


def test_an_over_allocation_is_a_400_naming_allocations(api, customer):
    data = _draft(api, customer)
    api.post(f"/api/v1/invoices/{data['id']}/issue/")

    response = api.post(
        "/api/v1/payments/",
        {
            "customer": customer.pk,
            "amount": "5000",
            "allocations": [{"invoice": data["id"], "amount": "1242.01"}],
        },
        format="json",
    )

    assert response.status_code == 400
    assert "allocations" in response.json()["error"]["fields"]


def test_payments_and_credit_notes_are_not_edited_nor_deleted(api, customer):
    data = _draft(api, customer)
    api.post(f"/api/v1/invoices/{data['id']}/issue/")
    api.post(f"/api/v1/invoices/{data['id']}/pay/", {"amount": "1.00"}, format="json")
    payment = api.get("/api/v1/payments/").json()["results"][0]

    assert api.patch(f"/api/v1/payments/{payment['id']}/", {}, format="json").status_code == 405
    assert api.delete(f"/api/v1/payments/{payment['id']}/").status_code == 405


def test_the_list_filters_by_status(api, customer):
    first, _second = _draft(api, customer), _draft(api, customer)
    api.post(f"/api/v1/invoices/{first['id']}/issue/")

    listed = api.get("/api/v1/invoices/?status=open").json()["results"]

    assert [row["id"] for row in listed] == [first["id"]]
    assert listed[0]["balance"] == "1242.00"
