"""Printable documents: an invoice as a PDF, rendered from an HTML template by WeasyPrint.

Nothing is fetched while rendering (no network, no file outside the template): the fonts are
the system's, the page is self-contained (the organization's logo is in it as a ``data:``
URL). Amounts are formatted in the active language with
their currency (Babel), each line and total as the invoice holds it.
"""

from __future__ import annotations

import base64
from pathlib import PurePath
from typing import Any

from babel.numbers import format_currency, format_decimal
from django.template.loader import render_to_string
from django.utils import translation

from .models import LOGO_MAX_BYTES, BillingProfile, Invoice
from .selectors import billing_profile_get, invoice_lines


def _fetcher() -> Any:
    """WeasyPrint's URL fetcher for our documents: only ``data:`` URLs (the logo is inside
    the page); any other URL is refused, so rendering never waits on the network or reads a
    file."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, fail_on_errors=False)


_LOGO_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


def logo_data_url(profile: BillingProfile) -> str:
    """The organization's logo as a ``data:`` URL ("" without one, or when its file is gone)."""
    if not profile.logo:
        return ""
    kind = _LOGO_TYPES.get(PurePath(profile.logo.name or "").suffix.lower())
    if kind is None:
        return ""
    try:
        with profile.logo.open("rb") as stream:
            data = stream.read(LOGO_MAX_BYTES + 1)
    except OSError:
        return ""
    if len(data) > LOGO_MAX_BYTES:
        return ""
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


def _locale() -> str:
    return translation.to_locale(translation.get_language() or "en")


def invoice_context(invoice: Invoice) -> dict[str, Any]:
    locale, currency = _locale(), invoice.currency

    def money(amount: Any) -> str:
        return format_currency(amount, currency, locale=locale)

    lines = [
        {
            "description": line.description,
            "quantity": format_decimal(line.quantity.normalize(), locale=locale),
            "unit_amount": money(line.unit_amount),
            "tax_rate": format_decimal(line.tax_rate.normalize(), locale=locale),
            "net_amount": money(line.net_amount),
        }
        for line in invoice_lines(invoice=invoice)
    ]
    profile = billing_profile_get(tenant_id=invoice.tenant_id)
    return {
        "invoice": invoice,
        "tenant": invoice.tenant,
        "profile": profile,
        "seller_name": profile.legal_name or invoice.tenant.name,
        "logo": logo_data_url(profile),
        "customer": invoice.customer,
        "lines": lines,
        "subtotal": money(invoice.subtotal),
        "tax_total": money(invoice.tax_total),
        "total": money(invoice.total),
        "paid": money(invoice.amount_paid) if invoice.amount_paid else "",
        "credited": money(invoice.amount_credited) if invoice.amount_credited else "",
        "balance": money(invoice.balance),
        "is_draft": not invoice.number,
    }


def invoice_html(invoice: Invoice) -> str:
    return render_to_string("billing/invoice_pdf.html", invoice_context(invoice))


def invoice_css(invoice: Invoice) -> str:
    """The document's styles: a file of their own (pages send no inline style, CSP)."""
    return render_to_string("billing/invoice_pdf.css", {"tenant": invoice.tenant})


def invoice_pdf(invoice: Invoice) -> bytes:
    """The invoice as a PDF document (A4; the lines' header repeats on every page, the
    totals never split across two)."""
    from weasyprint import CSS, HTML

    fetcher = _fetcher()
    html = HTML(string=invoice_html(invoice), url_fetcher=fetcher)
    styles = CSS(string=invoice_css(invoice), url_fetcher=fetcher)
    pdf: bytes = html.write_pdf(stylesheets=[styles])
    return pdf
