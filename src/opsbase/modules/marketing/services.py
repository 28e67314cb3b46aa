"""Writes of marketing: campaigns (and the leads they are credited with), e-mail campaigns
sent in throttled batches that can be paused and resumed, unsubscribes, opens and clicks,
consent and the organization's e-mail settings. The kit's helpers do the mechanics (policy
on the locked row, validation, audit)."""

from __future__ import annotations

import logging
import re
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from opsbase.core.context import tenant_context
from opsbase.core.exceptions import ValidationError
from opsbase.core.rls import rls_row_scope
from opsbase.core.writes import atomic_write
from opsbase.kernel.tenants.models import Membership, Tenant
from opsbase.kernel.workflows import transition_apply
from opsbase.kit.services import fields_allowed, record_create, record_delete, record_update
from opsbase.services import email as email_service

from .constants import (
    ADD,
    CHANGE,
    CLICK_SALT,
    CONSENT_ADD,
    CONSENT_CHANGE,
    DELETE,
    MAILING_ADD,
    MAILING_CHANGE,
    MAILING_DELETE,
    OPEN_SALT,
    SETTINGS,
    UNSUBSCRIBE_SALT,
    ConsentStatus,
    MailingState,
    RecipientStatus,
)
from .models import Campaign, Consent, LeadAttribution, Mailing, MarketingSettings, Recipient
from .selectors import mailing_audience, mailing_sender, settings_of

logger = logging.getLogger(__name__)

CAMPAIGN_FIELDS = (
    "name",
    "channel",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "budget",
    "currency",
    "starts_on",
    "ends_on",
    "owner",
    "notes",
)
MAILING_FIELDS = ("campaign", "subject", "body", "audience", "segment")


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, f"OPSBASE_MARKETING_{name}", default)


def _dates_check(row: Campaign, changed: frozenset[str]) -> None:
    if row.starts_on and row.ends_on and row.ends_on < row.starts_on:
        raise ValidationError(
            extra={"fields": {"ends_on": [_("The campaign cannot end before it starts.")]}}
        )


def _leads_link(campaign: Campaign) -> int:
    """Credit *campaign* with the leads that named its ``utm_campaign`` before it existed."""
    if not campaign.utm_campaign:
        return 0
    return (
        LeadAttribution.objects.for_tenant(campaign.tenant_id)
        .filter(campaign=None, utm_campaign__iexact=campaign.utm_campaign)
        .update(campaign=campaign)
    )


# -- campaigns --------------------------------------------------------------------------------
@atomic_write
def campaign_create(*, membership: Membership, name: str, **fields: Any) -> Campaign:
    """A new campaign, owned by *owner* or its creator; leads that already named its
    ``utm_campaign`` are credited to it."""
    fields_allowed(fields, CAMPAIGN_FIELDS, "campaign_create")
    fields = {k: v for k, v in fields.items() if v is not None}
    fields["owner"] = fields.get("owner") or membership
    campaign = Campaign(name=name or "", **fields)
    record_create(membership=membership, obj=campaign, codename=ADD, check=_dates_check)
    _leads_link(campaign)
    return campaign


@atomic_write
def campaign_update(*, membership: Membership, campaign: Campaign, **changes: Any) -> Campaign:
    """Change fields of *campaign*; a new ``utm_campaign`` picks up the leads that named it."""
    fields_allowed(changes, CAMPAIGN_FIELDS, "campaign_update", verb="change")
    record_update(
        membership=membership, obj=campaign, codename=CHANGE, changes=changes, check=_dates_check
    )
    if "utm_campaign" in changes:
        _leads_link(campaign)
    return campaign


@atomic_write
def campaign_delete(*, membership: Membership, campaign: Campaign) -> None:
    """Delete a campaign (its leads stay, uncredited); one with e-mail campaigns is a
    conflict naming them."""
    record_delete(membership=membership, obj=campaign, codename=DELETE)


# -- e-mail campaigns -------------------------------------------------------------------------
def _draft_only(mailing: Mailing) -> None:
    if mailing.state != MailingState.DRAFT:
        raise ValidationError(_("Only a draft e-mail campaign can be changed."))


@atomic_write
def mailing_create(
    *,
    membership: Membership,
    campaign: Campaign,
    subject: str,
    body: str,
    site_url: str = "",
    **fields: Any,
) -> Mailing:
    """A draft e-mail campaign of *campaign*, written by *membership*."""
    fields_allowed(fields, MAILING_FIELDS, "mailing_create")
    mailing = Mailing(
        campaign=campaign,
        subject=subject or "",
        body=body or "",
        owner=membership,
        site_url=site_url[:200],
        **{k: v for k, v in fields.items() if v},
    )
    if campaign is not None and campaign.tenant_id != membership.tenant_id:
        raise ValidationError(extra={"fields": {"campaign": [_("Choose a campaign.")]}})
    return record_create(membership=membership, obj=mailing, codename=MAILING_ADD)


@atomic_write
def mailing_update(
    *, membership: Membership, mailing: Mailing, site_url: str = "", **changes: Any
) -> Mailing:
    """Change a draft e-mail campaign (a started one is paused or cancelled, not edited)."""
    unknown = sorted(set(changes) - set(MAILING_FIELDS) - {"state"})
    if unknown:
        raise TypeError(f"mailing_update() cannot change {', '.join(unknown)}.")
    state = changes.pop("state", None)
    if changes:
        _draft_only(mailing)
        if site_url:
            changes["site_url"] = site_url[:200]
        record_update(membership=membership, obj=mailing, codename=MAILING_CHANGE, changes=changes)
    if state and str(state) != mailing.state:
        from opsbase.kit.services import record_move_to

        record_move_to(
            membership=membership,
            obj=mailing,
            state=str(state),
            move=lambda name: mailing_transition(
                membership=membership, mailing=mailing, transition=name
            ),
        )
    return mailing


@atomic_write
def mailing_delete(*, membership: Membership, mailing: Mailing, site_url: str = "") -> None:
    """Delete a draft or cancelled e-mail campaign (one that sent stays, with its results)."""
    if mailing.state not in (MailingState.DRAFT, MailingState.CANCELLED):
        raise ValidationError(_("An e-mail campaign that sent is kept; cancel it instead."))
    record_delete(membership=membership, obj=mailing, codename=MAILING_DELETE)


@atomic_write
def mailing_transition(
    *, membership: Membership, mailing: Mailing, transition: str, site_url: str = "", **values: Any
) -> Mailing:
    """``start`` (the audience is fixed and sending begins), ``pause``, ``resume``,
    ``cancel``."""
    if site_url and not mailing.site_url:
        Mailing.objects.for_tenant(mailing.tenant_id).filter(pk=mailing.pk).update(
            site_url=site_url[:200]
        )
        mailing.site_url = site_url[:200]
    transition_apply(membership=membership, obj=mailing, transition=transition)
    return mailing


def mailing_state_effects(mailing: Mailing, membership: Membership) -> dict[str, Any]:
    """Starting fixes the audience (consented addresses of the segment) and queues the first
    batch; resuming queues the next one."""
    if mailing.state == MailingState.SENT:
        return {"finished_at": timezone.now()}
    if mailing.state != MailingState.SENDING:
        return {}
    effects: dict[str, Any] = {}
    if mailing.started_at is None:
        recipients_snapshot(mailing)
        effects["started_at"] = timezone.now()
    pk, tenant_id = mailing.pk, mailing.tenant_id
    transaction.on_commit(lambda: _queue(pk, tenant_id))
    return effects


def _queue(mailing_id: int, tenant_id: int) -> None:
    from .tasks import mailing_send

    mailing_send.delay(mailing_id, tenant_id)


def recipients_snapshot(mailing: Mailing) -> int:
    """Fix the mailing's recipients now: the consented addresses of its segment, the
    suppressed ones left out."""
    audience = mailing_audience(mailing)
    suppressed = email_service.suppressed_among(
        [a for a, _n, _s in audience], organization_id=mailing.tenant_id
    )
    rows = [
        Recipient(
            tenant_id=mailing.tenant_id,
            mailing=mailing,
            email=address,
            name=name[:200],
            source=source,
            status=RecipientStatus.SUPPRESSED if address in suppressed else RecipientStatus.PENDING,
        )
        for address, name, source in audience
    ]
    with rls_row_scope(mailing.tenant_id):
        Recipient.objects.for_tenant(mailing.tenant_id).bulk_create(rows, batch_size=500)
    return len(rows)


def mailing_batch_send(*, mailing_id: int, tenant_id: int, size: int | None = None) -> bool:
    """Send the next batch of a sending e-mail campaign; whether more wait. A paused or
    cancelled campaign sends nothing. Each recipient is claimed before its message leaves
    (at most once, whatever two workers do); a suppressed address gets nothing."""
    size = size or int(_setting("BATCH_SIZE", 50))
    with tenant_context(tenant_id), transaction.atomic():
        mailing = (
            Mailing.objects.for_tenant(tenant_id).select_for_update().filter(pk=mailing_id).first()
        )
        if mailing is None or mailing.state != MailingState.SENDING:
            return False
        pending = Recipient.objects.for_tenant(tenant_id).filter(
            mailing_id=mailing_id, status=RecipientStatus.PENDING
        )
        batch = list(pending.order_by("pk")[:size])
        if not batch:
            sender = mailing_sender(mailing)
            if sender is not None:
                transition_apply(membership=sender, obj=mailing, transition="finish")
            return False
        now = timezone.now()
        pending.filter(pk__in=[r.pk for r in batch]).update(
            status=RecipientStatus.SENT, sent_at=now
        )
    with tenant_context(tenant_id):
        _batch_deliver(mailing, batch)
    return True


def _batch_deliver(mailing: Mailing, batch: list[Recipient]) -> None:
    tenant_id = mailing.tenant_id
    prefs = settings_of(tenant_id)
    tenant = Tenant.objects.get(pk=tenant_id)
    branding = email_service.Branding(
        name=prefs.sender_name or tenant.name, color=prefs.brand_color, footer=prefs.footer
    )
    suppressed = email_service.suppressed_among([r.email for r in batch], organization_id=tenant_id)
    connection = email_service.email_connection()
    failed, skipped = [], []
    for recipient in batch:
        if recipient.email in suppressed:
            skipped.append(recipient.pk)
            continue
        try:
            sent = email_service.email_send(
                to=recipient.email,
                organization_id=tenant_id,
                sender_name=branding.name,
                branding=branding,
                reply_to=prefs.reply_to,
                connection=connection,
                tags=["campaign"],
                metadata={"mailing": str(mailing.pk), "recipient": str(recipient.pk)},
                **recipient_message(mailing, recipient, prefs, branding),
            )
        except Exception:
            logger.exception("Campaign e-mail to recipient %s failed", recipient.pk)
            sent = False
            failed.append(recipient.pk)
            continue
        if not sent:
            skipped.append(recipient.pk)
    recipients = Recipient.objects.for_tenant(tenant_id)
    if skipped:
        recipients.filter(pk__in=skipped).update(status=RecipientStatus.SUPPRESSED, sent_at=None)
    if failed:
        recipients.filter(pk__in=failed).update(status=RecipientStatus.FAILED)


# -- the message ------------------------------------------------------------------------------
def _token(salt: str, *parts: Any) -> str:
    return signing.dumps(list(parts), salt=salt, compress=True)


def token_read(salt: str, token: str) -> list[Any] | None:
    """The ids a signed link carries, or None when it was not signed here for *salt*."""
    try:
        value = signing.loads(token, salt=salt)
    except signing.BadSignature:
        return None
    return value if isinstance(value, list) else None


_URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)]")


def recipient_message(
    mailing: Mailing, recipient: Recipient, prefs: MarketingSettings, branding: Any
) -> dict[str, Any]:
    """The subject, text, HTML and headers of *recipient*'s message: a one-click unsubscribe
    (``List-Unsubscribe`` and ``List-Unsubscribe-Post``, and a link), and, where the
    organization counts engagement, a pixel and links through the click counter."""
    site = (mailing.site_url or "http://localhost/").rstrip("/")
    unsubscribe = site + reverse(
        "marketing_unsubscribe", args=[_token(UNSUBSCRIBE_SALT, recipient.tenant_id, recipient.pk)]
    )
    track = prefs.track_engagement

    def link(match: re.Match[str]) -> str:
        url = match.group(0)
        href = url
        if track:
            token = _token(CLICK_SALT, recipient.tenant_id, recipient.pk, url)
            href = site + reverse("marketing_click", args=[token])
        return f'<a href="{escape(href)}">{escape(url)}</a>'

    paragraphs = []
    for block in re.split(r"\n\s*\n", mailing.body.strip()):
        parts, last = [], 0
        for match in _URL.finditer(block):
            parts += [str(escape(block[last : match.start()])), link(match)]
            last = match.end()
        parts.append(str(escape(block[last:])))
        paragraphs.append("".join(parts).replace("\n", "<br>"))
    pixel = ""
    if track:
        pixel = site + reverse(
            "marketing_open", args=[_token(OPEN_SALT, recipient.tenant_id, recipient.pk)]
        )
    context = {
        "brand": branding,
        "subject": mailing.subject,
        "name": recipient.name,
        "paragraphs": [mark_safe(p) for p in paragraphs],  # noqa: S308 - escaped above
        "unsubscribe_url": unsubscribe,
        "open_pixel_url": pixel,
    }
    text = render_to_string("marketing/email/mailing.txt", {**context, "body": mailing.body})
    html = render_to_string("marketing/email/mailing.html", context)
    return {
        "subject": mailing.subject,
        "text": text,
        "html": html,
        "headers": {
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    }


# -- what recipients do -----------------------------------------------------------------------
@transaction.atomic
def recipient_unsubscribe(*, recipient: Recipient) -> None:
    """The recipient's address gets no more of the organization's campaigns: its consent is
    withdrawn and it is suppressed for the organization. Twice is once."""
    now = timezone.now()
    Recipient.objects.for_tenant(recipient.tenant_id).filter(
        pk=recipient.pk, unsubscribed_at=None
    ).update(unsubscribed_at=now)
    consent, _created = Consent.objects.for_tenant(recipient.tenant_id).get_or_create(
        tenant_id=recipient.tenant_id,
        email=recipient.email,
        defaults={"status": ConsentStatus.WITHDRAWN, "source": _("Unsubscribe link")},
    )
    if consent.status != ConsentStatus.WITHDRAWN:
        consent.status = ConsentStatus.WITHDRAWN
        consent.source = _("Unsubscribe link")
        consent.save(update_fields=["status", "source", "updated_at"])
    email_service.suppression_add(
        address=recipient.email,
        reason="unsubscribe",
        organization_id=recipient.tenant_id,
        detail=f"mailing {recipient.mailing_id}",
    )


def recipient_opened(*, recipient: Recipient) -> bool:
    """Count an open (the pixel), unless the organization turned counting off."""
    if not settings_of(recipient.tenant_id).track_engagement:
        return False
    now = timezone.now()
    rows = Recipient.objects.for_tenant(recipient.tenant_id).filter(pk=recipient.pk)
    rows.update(opens=F("opens") + 1)
    rows.filter(opened_at=None).update(opened_at=now)
    return True


def recipient_clicked(*, recipient: Recipient) -> bool:
    """Count a click (an open too: images may be blocked), unless counting is off."""
    if not settings_of(recipient.tenant_id).track_engagement:
        return False
    now = timezone.now()
    rows = Recipient.objects.for_tenant(recipient.tenant_id).filter(pk=recipient.pk)
    rows.update(clicks=F("clicks") + 1)
    rows.filter(clicked_at=None).update(clicked_at=now)
    rows.filter(opened_at=None).update(opened_at=now)
    return True


# -- consent and settings ---------------------------------------------------------------------
@atomic_write
def consent_create(*, membership: Membership, email: str, **fields: Any) -> Consent:
    """Record an address's consent (or its refusal) to the organization's campaigns; a
    granted consent lifts the organization's own unsubscribe of it."""
    consent = Consent(email=(email or "").strip().lower(), **fields)
    record_create(membership=membership, obj=consent, codename=CONSENT_ADD, check=_consent_check)
    _resubscribe(consent)
    return consent


@atomic_write
def consent_update(*, membership: Membership, consent: Consent, **changes: Any) -> Consent:
    if "email" in changes:
        changes["email"] = (changes["email"] or "").strip().lower()
    record_update(
        membership=membership,
        obj=consent,
        codename=CONSENT_CHANGE,
        changes=changes,
        check=_consent_check,
    )
    _resubscribe(consent)
    return consent


def _consent_check(row: Consent, changed: frozenset[str]) -> None:
    """One consent per address: another record of it is a field error, not a 500."""
    if "email" not in changed:
        return
    others = Consent.objects.for_tenant(row.tenant_id).filter(email__iexact=row.email)
    if others.exclude(pk=row.pk).exists():
        raise ValidationError(
            extra={"fields": {"email": [_("This address has a consent record already.")]}}
        )


def _resubscribe(consent: Consent) -> None:
    if consent.status == ConsentStatus.GRANTED:
        email_service.suppression_remove(address=consent.email, organization_id=consent.tenant_id)


@atomic_write
def marketing_settings_update(*, membership: Membership, **changes: Any) -> MarketingSettings:
    """Save the organization's campaign e-mail settings."""
    current = settings_of(membership.tenant_id)
    if current.pk is None:
        for name, value in changes.items():
            setattr(current, name, value)
        return record_create(membership=membership, obj=current, codename=SETTINGS)
    return record_update(membership=membership, obj=current, codename=SETTINGS, changes=changes)
