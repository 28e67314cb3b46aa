"""The demo gives Acme and Globex invoices in every status, numbered without gaps, for the
customers module's customers; running it again adds nothing."""

import pytest
from django.core.management import call_command

from opsbase.kernel.audit.services import audit_chain_verify
from opsbase.kernel.tenants.models import Tenant
from opsbase.modules.billing.constants import InvoiceStatus
from opsbase.modules.billing.models import CreditNote, Invoice, Payment
from opsbase.testing.api import token_client


@pytest.fixture
def demo(db):
    call_command("demo", password="demo-password-1")
    return {slug: Tenant.objects.get(slug=slug) for slug in ("acme", "globex")}


def test_every_demo_organization_has_invoices_in_every_status(demo):
    for tenant in demo.values():
        invoices = Invoice.objects.for_tenant(tenant)
        assert {i.status for i in invoices} == set(InvoiceStatus.values)
        numbers = sorted(i.number for i in invoices if i.number)
        assert len(numbers) == len(set(numbers)) == invoices.exclude(number=None).count()
        assert Payment.objects.for_tenant(tenant).exists()
        assert CreditNote.objects.for_tenant(tenant).exists()
        assert any(i.is_overdue for i in invoices)
        assert audit_chain_verify(tenant=tenant).ok


def test_running_the_demo_again_adds_no_invoice(demo):
    before = Invoice.objects.for_tenant(demo["acme"]).count()

    call_command("demo", password="demo-password-1")

    assert Invoice.objects.for_tenant(demo["acme"]).count() == before


def test_globex_admin_gets_404_on_every_acme_demo_invoice(demo):
    from opsbase.kernel.tenants.models import Membership

    globex_admin = (
        Membership.objects.for_tenant(demo["globex"])
        .select_related("user", "role", "tenant")
        .get(user__email="admin@globex.test")
    )
    client = token_client(globex_admin)

    answers = {
        client.get(f"/api/v1/invoices/{invoice.pk}/").status_code
        for invoice in Invoice.objects.for_tenant(demo["acme"])
    }

    assert answers == {404}
