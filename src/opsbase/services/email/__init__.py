"""E-mail: one interface to send templated HTML and text, with an organization's sender name
and branding, to addresses not on the suppression list.

The backend is Django's ``EMAIL_BACKEND``, set from ``EMAIL_URL``: ``anymail://postmark``
(or any django-anymail provider, credentials in ``ANYMAIL_*``), ``smtp+tls://…`` for a
mail server, ``console://`` in development. Providers' bounce and complaint webhooks
(``/email/webhooks/<provider>/tracking/``) add to the suppression list (``webhooks``)::

    from opsbase.services import email

    sent = email.email_send(
        to="ann@example.com",
        template="leads/email/welcome",          # .subject.txt, .txt and (optional) .html
        context={"lead": lead},
        organization_id=tenant.pk,                # its unsubscribes are honoured too
        branding=email.Branding(name="Acme", color="#0a58ca", footer="Acme, 1 Main St"),
    )

``email_send`` answers False, and sends nothing, for a suppressed address.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from email.utils import formataddr, parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils.html import linebreaks
from django.utils.safestring import mark_safe

__all__ = [
    "EVERYWHERE",
    "Branding",
    "Rendered",
    "email_message",
    "email_render",
    "email_send",
    "email_connection",
    "suppressed_among",
    "suppression_add",
    "suppression_check",
    "suppression_remove",
]

#: An address suppressed for every organization (bounces, complaints).
EVERYWHERE = 0
DEFAULT_COLOR = "#0d6efd"


@dataclass(frozen=True)
class Branding:
    """How an organization's messages look: its name in the header and as the sender's name,
    a colour, an optional logo and a footer (its postal address, say)."""

    name: str = ""
    color: str = DEFAULT_COLOR
    logo_url: str = ""
    footer: str = ""


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str
    headers: Mapping[str, str] = field(default_factory=dict)


def _normalized(address: str) -> str:
    return parseaddr(address)[1].strip().lower()


def _render_plain(name: str, values: Mapping[str, Any]) -> str:
    """A plain-text template rendered without HTML escaping (a subject, a text part)."""
    template = get_template(name)
    inner = getattr(template, "template", None)
    if inner is None:  # another engine: rendered as it renders
        return template.render(dict(values))
    return inner.render(Context(dict(values), autoescape=False))


def email_render(
    *,
    template: str = "",
    context: Mapping[str, Any] | None = None,
    branding: Branding | None = None,
    subject: str = "",
    text: str = "",
    html: str = "",
) -> Rendered:
    """The subject, text and HTML of a message: from the templates ``<template>.subject.txt``,
    ``<template>.txt`` and ``<template>.html`` (when it exists), or from the given *subject*
    and *text*; an HTML part missing is the text in the branded layout."""
    brand = branding or Branding(name=getattr(settings, "OPSBASE_SITE_NAME", "OpsBase"))
    values = {**(context or {}), "brand": brand}
    if template:
        subject = _render_plain(f"{template}.subject.txt", values)
        text = _render_plain(f"{template}.txt", values)
        try:
            html = render_to_string(f"{template}.html", values)
        except TemplateDoesNotExist:
            html = ""
    subject = " ".join(subject.split())
    values["subject"] = subject
    if not html:
        html = render_to_string(
            "email_service/base.html",
            # Escaped paragraph by paragraph, then marked safe for the layout.
            {**values, "body_html": mark_safe(linebreaks(text, autoescape=True))},  # noqa: S308
        )
    return Rendered(subject=subject, text=text, html=html)


def email_message(
    *,
    to: str,
    rendered: Rendered,
    sender_name: str = "",
    branding: Branding | None = None,
    reply_to: str = "",
    headers: Mapping[str, str] | None = None,
    organization_id: int | None = None,
    metadata: Mapping[str, Any] | None = None,
    tags: Sequence[str] = (),
    connection: Any = None,
) -> EmailMultiAlternatives:
    """The message as a backend sends it: from the site's address under the organization's
    name, with the provider's metadata (its webhooks name the organization back)."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    name = (
        sender_name
        or (branding.name if branding else "")
        or parseaddr(settings.DEFAULT_FROM_EMAIL)[0]
    )
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=formataddr((name, address)) if name else address,
        to=[to],
        reply_to=[reply_to] if reply_to else None,
        headers={**rendered.headers, **(headers or {})},
        connection=connection,
    )
    if rendered.html:
        message.attach_alternative(rendered.html, "text/html")
    # Read by django-anymail's backends, ignored by the others. Opens and clicks are counted
    # by the sender itself (where the organization allows it), not by the provider.
    message.metadata = {  # type: ignore[attr-defined]
        **(metadata or {}),
        **({"organization": str(organization_id)} if organization_id else {}),
    }
    message.tags = list(tags)  # type: ignore[attr-defined]
    message.track_opens = False  # type: ignore[attr-defined]
    message.track_clicks = False  # type: ignore[attr-defined]
    return message


def email_connection() -> Any:
    """One open connection to the backend, for a batch of messages."""
    return get_connection()


def email_send(
    *,
    to: str,
    template: str = "",
    context: Mapping[str, Any] | None = None,
    subject: str = "",
    text: str = "",
    html: str = "",
    organization_id: int | None = None,
    sender_name: str = "",
    branding: Branding | None = None,
    reply_to: str = "",
    headers: Mapping[str, str] | None = None,
    metadata: Mapping[str, Any] | None = None,
    tags: Sequence[str] = (),
    connection: Any = None,
) -> bool:
    """Send one message to *to* unless the address is suppressed (everywhere, or for
    *organization_id*); True when it was handed to the backend."""
    if not _normalized(to) or suppression_check(to, organization_id=organization_id):
        return False
    rendered = email_render(
        template=template,
        context=context,
        branding=branding,
        subject=subject,
        text=text,
        html=html,
    )
    message = email_message(
        to=to,
        rendered=rendered,
        sender_name=sender_name,
        branding=branding,
        reply_to=reply_to,
        headers=headers,
        organization_id=organization_id,
        metadata=metadata,
        tags=tags,
        connection=connection,
    )
    return bool(message.send())


# -- the suppression list ---------------------------------------------------------------------
def _scopes(organization_id: int | None) -> list[int]:
    return [EVERYWHERE, organization_id] if organization_id else [EVERYWHERE]


def suppression_check(address: str, *, organization_id: int | None = None) -> bool:
    """Whether nothing may be sent to *address* (for *organization_id*)."""
    return bool(suppressed_among([address], organization_id=organization_id))


def suppressed_among(addresses: Iterable[str], *, organization_id: int | None = None) -> set[str]:
    """The addresses among *addresses* (normalized: lower case) that are suppressed, in one
    query."""
    from .models import Suppression

    wanted = {_normalized(a) for a in addresses} - {""}
    if not wanted:
        return set()
    rows = Suppression.objects.filter(
        address__in=wanted, organization_id__in=_scopes(organization_id)
    )
    return set(rows.values_list("address", flat=True))


def suppression_add(
    *,
    address: str,
    reason: str,
    organization_id: int = EVERYWHERE,
    detail: str = "",
    event_id: str = "",
) -> Any:
    """Suppress *address* (for every organization, or one); adding it again keeps the first
    row."""
    from .models import Suppression

    row, _created = Suppression.objects.get_or_create(
        address=_normalized(address),
        organization_id=organization_id or EVERYWHERE,
        defaults={"reason": reason, "detail": detail[:500], "event_id": event_id[:255]},
    )
    return row


def suppression_remove(*, address: str, organization_id: int = EVERYWHERE) -> int:
    """Send to *address* again (a re-subscribe, a fixed mailbox); how many rows went."""
    from .models import Suppression

    deleted, _ = Suppression.objects.filter(
        address=_normalized(address), organization_id=organization_id or EVERYWHERE
    ).delete()
    return deleted
