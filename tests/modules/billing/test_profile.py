"""The billing profile: how the organization appears on its invoices. Billing managers edit
it on one page (legal name, address, tax number, logo, sender name, payment terms, reminder
days); the invoice PDF prints it, logo included; a bad logo is refused with its field's error
and nothing is lost."""

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from opsbase.core.exceptions import PermissionDenied
from opsbase.kernel.audit.models import AuditEvent
from opsbase.modules.billing.documents import invoice_pdf
from opsbase.modules.billing.models import BillingProfile
from opsbase.modules.billing.selectors import billing_profile_get
from opsbase.modules.billing.services import billing_profile_update, invoice_issue
from opsbase.testing.matrix import session_client

URL = "/billing/settings/"


def png(size=(120, 40), color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "invoice.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def _pdf_images(data: bytes, tmp_path: Path) -> int:
    path = tmp_path / "images.pdf"
    path.write_bytes(data)
    listing = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True
    ).stdout
    return len(listing.strip().splitlines()) - 2  # two header lines


def test_a_billing_manager_saves_the_profile_from_its_page(admin):
    client = session_client(admin)

    response = client.post(
        URL,
        {
            "legal_name": "Acme Drilling B.V.",
            "address": "Keizersgracht 1\n1015 CC Amsterdam",
            "tax_id": "NL123456789B01",
            "email": "billing@acme.example",
            "sender_name": "Acme Billing",
            "payment_terms_days": "14",
            "reminder_offsets": "-2, 5",
            "logo": SimpleUploadedFile("logo.png", png(), content_type="image/png"),
        },
    )

    assert response.status_code == 302
    profile = billing_profile_get(tenant_id=admin.tenant_id)
    assert (profile.legal_name, profile.tax_id, profile.payment_terms_days) == (
        "Acme Drilling B.V.",
        "NL123456789B01",
        14,
    )
    assert profile.logo.name.startswith(f"billing/logos/{admin.tenant_id}/")
    page = client.get(URL).content.decode()
    assert 'data-testid="billing-profile-logo"' in page and "Acme Drilling B.V." in page
    assert AuditEvent.objects.filter(
        tenant_id=admin.tenant_id, target_type="billing.billingprofile"
    ).exists()


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("reminder_offsets", "-3, soon", "is not a number of days"),
        ("email", "not-an-address", "valid email"),
        ("logo", SimpleUploadedFile("logo.png", b"<svg></svg>"), "not a valid png"),
        ("logo", SimpleUploadedFile("logo.svg", b"<svg></svg>"), "are not accepted"),
    ],
)
def test_bad_input_answers_400_with_the_fields_error_and_keeps_what_was_typed(
    admin, field, value, error
):
    client = session_client(admin)

    response = client.post(URL, {"legal_name": "Typed and kept", field: value})

    assert response.status_code == 400
    html = response.content.decode()
    assert error in html and "Typed and kept" in html
    assert not BillingProfile.objects.for_tenant(admin.tenant_id).exists()


def test_a_user_cannot_change_the_profile_and_each_organization_has_its_own(world, admin, user):
    away = world.away_members["admin"]
    billing_profile_update(membership=admin, legal_name="Acme Drilling B.V.")

    with pytest.raises(PermissionDenied):
        billing_profile_update(membership=user, legal_name="Hijacked")
    assert billing_profile_get(tenant_id=away.tenant_id).legal_name == ""
    assert "Acme Drilling" not in session_client(away).get(URL).content.decode()


def test_a_new_logo_replaces_the_old_file_and_clearing_removes_it(
    admin, media, django_capture_on_commit_callbacks
):
    billing_profile_update(membership=admin, logo=SimpleUploadedFile("a.png", png()))
    first = billing_profile_get(tenant_id=admin.tenant_id).logo.name

    with django_capture_on_commit_callbacks(execute=True):
        billing_profile_update(membership=admin, logo=SimpleUploadedFile("b.png", png()))
    second = billing_profile_get(tenant_id=admin.tenant_id).logo.name
    with django_capture_on_commit_callbacks(execute=True):
        billing_profile_update(membership=admin, clear_logo=True)

    assert first != second
    assert not (media / first).exists() and not (media / second).exists()
    assert not billing_profile_get(tenant_id=admin.tenant_id).logo


@pytest.mark.skipif(shutil.which("pdfimages") is None, reason="needs poppler-utils")
def test_the_pdf_prints_the_organizations_details_and_logo(admin, make_invoice, tmp_path):
    billing_profile_update(
        membership=admin,
        legal_name="Acme Drilling B.V.",
        address="Keizersgracht 1\n1015 CC Amsterdam",
        tax_id="NL123456789B01",
        logo=SimpleUploadedFile("logo.png", png()),
    )
    invoice = make_invoice(admin, issue=True)

    data = invoice_pdf(invoice)

    text = _pdf_text(data, tmp_path)
    assert "Acme Drilling B.V." in text
    assert "Keizersgracht 1" in text and "1015 CC Amsterdam" in text
    assert "NL123456789B01" in text
    assert _pdf_images(data, tmp_path) == 1


def test_without_a_profile_the_pdf_names_the_organization_and_has_no_image(
    admin, make_invoice, tmp_path
):
    invoice = make_invoice(admin, issue=True)

    data = invoice_pdf(invoice)

    assert admin.tenant.name in _pdf_text(data, tmp_path)
    assert _pdf_images(data, tmp_path) == 0


def test_the_profiles_payment_terms_give_the_due_date(admin, make_invoice):
    billing_profile_update(membership=admin, payment_terms_days=10)
    invoice = make_invoice(admin)

    invoice_issue(membership=admin, invoice=invoice)

    assert (invoice.due_date - invoice.issue_date).days == 10


def test_the_totals_table_is_kept_on_one_page_by_the_stylesheet():
    from django.template.loader import render_to_string

    css = render_to_string("billing/invoice_pdf.css", {"tenant": None})

    assert ".totals {" in css and "break-inside: avoid" in css.split(".totals {")[1].split("}")[0]


def test_the_settings_page_is_in_the_sidebar_for_billing_managers_only(admin, user):
    assert reverse("billing:profile") in session_client(admin).get("/").content.decode()
    assert reverse("billing:profile") not in session_client(user).get("/").content.decode()
