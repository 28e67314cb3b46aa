"""E-mailing an invoice: a service checks and audits it and queues a Celery job after the
commit; the job renders the PDF and sends it attached, with the customer's link. From the
invoice's page (a button) and the API (``/api/v1/invoices/{id}/send/``)."""

import pytest
from django.core import mail
from django.urls import reverse

from opsbase.core.exceptions import Conflict, ValidationError
from opsbase.kernel.audit.models import AuditEvent
from opsbase.modules.billing.services import billing_profile_update, invoice_send, invoice_void
from opsbase.testing.api import token_client
from opsbase.testing.matrix import session_client


@pytest.fixture
def invoice(admin, make_invoice):
    invoice = make_invoice(admin, issue=True)
    invoice.customer.email = "ap@initech.example"
    invoice.customer.save()
    return invoice


def test_the_invoice_goes_to_the_customer_with_its_pdf_and_link(
    admin, invoice, django_capture_on_commit_callbacks
):
    billing_profile_update(
        membership=admin, sender_name="Acme Billing", email="billing@acme.example"
    )

    with django_capture_on_commit_callbacks(execute=True):
        to = invoice_send(membership=admin, invoice=invoice, site_url="https://ops.example.com/")

    invoice.refresh_from_db()
    assert to == "ap@initech.example"
    (message,) = mail.outbox
    assert message.to == ["ap@initech.example"]
    assert invoice.number in message.subject
    assert message.from_email.startswith("Acme Billing <")
    assert message.reply_to == ["billing@acme.example"]
    (name, content, mimetype) = message.attachments[0]
    assert (name, mimetype) == (f"{invoice.number}.pdf", "application/pdf")
    assert content.startswith(b"%PDF")
    assert f"https://ops.example.com/i/{invoice.link_token}/" in message.body


def test_nothing_is_sent_before_the_commit_nor_when_it_rolls_back(admin, invoice):
    invoice_send(membership=admin, invoice=invoice)  # the test's transaction never commits

    assert mail.outbox == []


def test_the_send_is_audited_with_its_recipient(admin, invoice):
    invoice_send(membership=admin, invoice=invoice, to="boss@initech.example")

    event = AuditEvent.objects.get(tenant_id=admin.tenant_id, action="invoice.sent")
    assert event.target_id == str(invoice.pk)
    assert event.changes["to"]["new"] == "boss@initech.example"


def test_a_draft_or_a_void_invoice_is_not_sent(admin, make_invoice, invoice):
    draft = make_invoice(admin)
    invoice_void(membership=admin, invoice=invoice)

    for refused in (draft, invoice):
        with pytest.raises(Conflict):
            invoice_send(membership=admin, invoice=refused, to="ap@initech.example")


@pytest.mark.parametrize("to", ["", "not-an-address"])
def test_without_a_valid_address_the_field_is_named(admin, make_invoice, to):
    invoice = make_invoice(admin, issue=True)  # its customer has no e-mail address

    with pytest.raises(ValidationError) as refused:
        invoice_send(membership=admin, invoice=invoice, to=to)

    assert "to" in refused.value.extra["fields"]


def test_the_api_queues_it_and_answers_202(admin, invoice, django_capture_on_commit_callbacks):
    client = token_client(admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/invoices/{invoice.pk}/send/", {}, format="json")

    assert response.status_code == 202
    assert response.json() == {"to": "ap@initech.example"}
    assert len(mail.outbox) == 1


def test_the_api_answers_400_naming_a_bad_address(admin, invoice):
    response = token_client(admin).post(
        f"/api/v1/invoices/{invoice.pk}/send/", {"to": "nope"}, format="json"
    )

    assert response.status_code == 400
    assert "to" in str(response.json())
    assert not AuditEvent.objects.for_tenant(admin.tenant_id).filter(action="invoice.sent")


def test_the_button_on_the_invoice_page_sends_it(
    admin, invoice, django_capture_on_commit_callbacks
):
    client = session_client(admin)
    page = client.get(reverse("billing:invoice_detail", args=[invoice.pk])).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("billing:invoice_send", args=[invoice.pk]), {"to": "ap@initech.example"}
        )

    assert 'data-testid="invoice-send"' in page and "ap@initech.example" in page
    assert response.status_code == 302
    assert len(mail.outbox) == 1
