"""The customer's link: ``/i/<key>/`` shows the invoice read-only without signing in, gives
its PDF, and a Pay button opens Stripe Checkout through the real ``stripe`` SDK (Stripe's API
answered at the SDK's HTTP boundary) when Stripe is set up. The key is 256 random bits; a
wrong, renewed or revoked (void) key is a 404; the page shows nothing of another invoice or
organization; each address is rate-limited."""

import re

import pytest
from django.core.cache import cache
from django.test import Client

from opsbase.core.cache import counting_cache
from opsbase.modules.billing import public_views
from opsbase.modules.billing.gateways import StripeGateway
from opsbase.modules.billing.services import (
    billing_profile_update,
    invoice_link_rotate,
    invoice_pay,
    invoice_void,
)
from opsbase.testing.html import html_problems

from .stripe_support import StripeAPI


@pytest.fixture(autouse=True)
def _fresh_rate_limits(db):
    cache.clear()
    counting_cache().clear()
    yield
    cache.clear()


@pytest.fixture
def invoice(admin, make_invoice):
    return make_invoice(admin, issue=True)


@pytest.fixture
def visitor():
    """Someone with the link: no session, CSRF checked as for anyone."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def stripe_api(settings, monkeypatch):
    """Stripe set up; its API answered at the SDK's HTTP client."""
    settings.STRIPE_SECRET_KEY = "sk_test_opsbase"
    api = StripeAPI()
    monkeypatch.setattr(public_views, "stripe_gateway", lambda: StripeGateway(http_client=api))
    return api


def _url(invoice, tail=""):
    return f"/i/{invoice.link_token}/{tail}"


def test_an_issued_invoice_has_an_unguessable_key_and_a_draft_none(admin, make_invoice):
    draft = make_invoice(admin)
    keys = {make_invoice(admin, issue=True).link_token for _ in range(5)}

    assert draft.link_token is None
    assert len(keys) == 5
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{43}", key) for key in keys)  # 256 random bits


def test_the_key_never_reaches_the_audit_log_in_clear(admin, invoice):
    from opsbase.kernel.audit.models import AuditEvent

    invoice_link_rotate(membership=admin, invoice=invoice)

    events = AuditEvent.objects.for_tenant(admin.tenant_id).filter(target_id=str(invoice.pk))
    logged = [e.changes["link_token"] for e in events if "link_token" in (e.changes or {})]
    assert len(logged) >= 2  # given at issue, renewed
    assert invoice.link_token not in str(logged)
    assert all(change["new"] == "********" for change in logged), logged


def test_the_customer_sees_the_invoice_without_signing_in(admin, invoice, visitor):
    billing_profile_update(membership=admin, legal_name="Acme Drilling B.V.")

    response = visitor.get(_url(invoice))

    assert response.status_code == 200
    assert not html_problems(response.content), html_problems(response.content)
    html = response.content.decode()
    assert invoice.number in html and "Acme Drilling B.V." in html
    assert "Bit inspection" in html and "Re-tipping" in html
    assert "1,242.00" in html
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    assert 'data-testid="invoice-public-pay"' not in html  # Stripe is not set up


def test_the_customer_downloads_the_pdf(invoice, visitor):
    response = visitor.get(_url(invoice, "pdf/"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f'filename="{invoice.number}.pdf"' in response["Content-Disposition"]


@pytest.mark.parametrize(
    "key",
    [
        "A" * 43,  # well formed, nobody's
        "short",
        "x" * 200,
        "../../etc/passwd".replace("/", "_"),
    ],
)
def test_a_wrong_key_is_a_404_everywhere(invoice, visitor, key):
    for tail in ("", "pdf/"):
        assert visitor.get(f"/i/{key}/{tail}").status_code == 404


def test_a_renewed_key_stops_the_old_link(admin, invoice, visitor):
    old = invoice.link_token

    new = invoice_link_rotate(membership=admin, invoice=invoice)

    assert new != old
    assert visitor.get(f"/i/{old}/").status_code == 404
    assert visitor.get(f"/i/{old}/pdf/").status_code == 404
    assert visitor.get(f"/i/{new}/").status_code == 200


def test_voiding_revokes_the_link(admin, invoice, visitor):
    old = invoice.link_token

    invoice_void(membership=admin, invoice=invoice)

    invoice.refresh_from_db()
    assert invoice.link_token is None
    assert visitor.get(f"/i/{old}/").status_code == 404


def test_the_page_shows_nothing_of_another_invoice_or_organization(
    world, admin, make_invoice, visitor
):
    mine = make_invoice(admin, issue=True)
    sibling = make_invoice(admin, issue=True)
    foreign = make_invoice(world.away_members["admin"], issue=True)

    html = visitor.get(_url(mine)).content.decode()

    assert mine.number in html
    assert sibling.number not in html
    assert foreign.tenant.name not in html
    assert f"/i/{foreign.link_token}/" not in html and f"/i/{sibling.link_token}/" not in html


def test_pay_opens_stripe_checkout_for_the_balance(invoice, visitor, stripe_api):
    page = visitor.get(_url(invoice))
    token = page.cookies["csrftoken"].value

    response = visitor.post(_url(invoice, "pay/"), {"csrfmiddlewaretoken": token})

    assert 'data-testid="invoice-public-pay"' in page.content.decode()
    assert response.status_code == 302
    assert response["Location"].startswith("https://checkout.stripe.com/c/pay/cs_test_")
    (sent,) = stripe_api.requests
    assert sent["url"].endswith("/v1/checkout/sessions")
    form = sent["form"]
    assert form["line_items[0][price_data][unit_amount]"] == "124200"
    assert form["metadata[invoice_id]"] == str(invoice.pk)
    assert form["metadata[tenant_id]"] == str(invoice.tenant_id)
    assert form["success_url"] == f"http://testserver/i/{invoice.link_token}/?paid=1"


def test_pay_without_the_csrf_token_is_refused(invoice, visitor, stripe_api):
    response = visitor.post(_url(invoice, "pay/"))

    assert response.status_code == 403
    assert stripe_api.requests == []


def test_stripe_refusing_shows_a_message_and_the_invoice_again(invoice, settings, monkeypatch):
    settings.STRIPE_SECRET_KEY = "sk_test_opsbase"
    refusing = StripeAPI(status=402, error={"message": "Your card was declined."})
    monkeypatch.setattr(public_views, "stripe_gateway", lambda: StripeGateway(http_client=refusing))

    response = Client().post(_url(invoice, "pay/"))

    assert response.status_code == 502
    assert 'data-testid="invoice-public-error"' in response.content.decode()


def test_a_paid_invoice_offers_no_payment(admin, invoice, visitor, stripe_api):
    invoice_pay(membership=admin, invoice=invoice)

    page = visitor.get(_url(invoice)).content.decode()
    pay = visitor.post(_url(invoice, "pay/"))

    assert 'data-testid="invoice-public-pay"' not in page and "Paid" in page
    assert pay.status_code in (403, 404)
    assert stripe_api.requests == []


def test_without_stripe_pay_is_a_404(invoice):
    assert Client().post(_url(invoice, "pay/")).status_code == 404


def test_over_the_rate_one_address_gets_429(invoice, monkeypatch):
    monkeypatch.setattr(public_views, "PUBLIC_RATE", 3)
    client = Client()

    answers = [client.get(_url(invoice)).status_code for _ in range(4)]
    guessing = client.get("/i/" + "B" * 43 + "/").status_code
    elsewhere = client.get(_url(invoice), REMOTE_ADDR="10.9.8.7").status_code

    assert answers == [200, 200, 200, 429]
    assert guessing == 429  # guessing keys counts too
    assert elsewhere == 200
