"""The invoice e-mailed to its customer: rendered, its PDF attached, and handed to the mail
backend by one small function (``email_deliver``), the one place to change when sending
moves to another service. Run by the Celery job ``opsbase.billing.invoice_email``."""

from __future__ import annotations

from email.utils import formataddr, parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from .documents import invoice_context, invoice_pdf
from .models import Invoice


def email_deliver(
    *,
    subject: str,
    body: str,
    to: list[str],
    from_email: str | None = None,
    reply_to: list[str] | None = None,
    attachments: list[tuple[str, bytes, str]] = (),  # type: ignore[assignment]
) -> int:
    """Hand one e-mail to the mail backend; how many were sent (0 or 1)."""
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=from_email,
        to=to,
        reply_to=reply_to or None,
    )
    for name, content, mimetype in attachments:
        message.attach(name, content, mimetype)
    return message.send()


def _sender(sender_name: str) -> str | None:
    """The site's sender address under the organization's name ("Acme Billing <noreply@…>")."""
    default = str(getattr(settings, "DEFAULT_FROM_EMAIL", "") or "")
    if not sender_name or not default:
        return None
    _name, address = parseaddr(default)
    return formataddr((sender_name, address)) if address else None


def invoice_public_url(invoice: Invoice, site_url: str) -> str:
    path = reverse("billing_invoice_public", args=[invoice.link_token])
    return site_url.rstrip("/") + path if site_url else path


def invoice_email_send(
    *, tenant_id: int, invoice_id: int, to: str, site_url: str = "", offset: int | None = None
) -> list[str]:
    """E-mail invoice *invoice_id* to *to*: the invoice (*offset* None) or a payment reminder
    (*offset* days from the due date), its PDF attached and its link. The recipients (none
    when the invoice is gone, a draft or void, or has no link any more)."""
    invoice = (
        Invoice.objects.for_tenant(tenant_id)
        .select_related("tenant", "customer")
        .filter(pk=invoice_id)
        .first()
    )
    if invoice is None or not invoice.link_token or not invoice.number:
        return []
    context: dict[str, Any] = {
        **invoice_context(invoice),
        "url": invoice_public_url(invoice, site_url),
        "offset": offset,
        "late": offset is not None and offset > 0,
    }
    kind = "invoice" if offset is None else "reminder"
    subject = " ".join(render_to_string(f"billing/email/{kind}_subject.txt", context).split())
    body = render_to_string(f"billing/email/{kind}_body.txt", context)
    profile = context["profile"]
    email_deliver(
        subject=subject,
        body=body,
        to=[to],
        from_email=_sender(profile.sender_name),
        reply_to=[profile.email] if profile.email else None,
        attachments=[(f"{invoice.number}.pdf", invoice_pdf(invoice), "application/pdf")],
    )
    return [to]
