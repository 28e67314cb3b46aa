"""Marketing's records: campaigns, where each lead came from (its attribution), e-mail
campaigns (mailings) and their recipients, marketing consent by address, and each
organization's e-mail settings (sender, branding, engagement tracking)."""

from __future__ import annotations

from typing import ClassVar

from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from opsbase.core.models import TenantOwnedModel, WorkflowManager
from opsbase.core.validation import SingleLineTextValidator
from opsbase.kernel.workflows import StateField

from .constants import (
    MAILING_WORKFLOW,
    Audience,
    Channel,
    ConsentStatus,
    LeadSegment,
    RecipientStatus,
)


class Campaign(TenantOwnedModel):
    name = models.CharField(_("name"), max_length=150, validators=[SingleLineTextValidator()])
    channel = models.CharField(
        _("channel"), max_length=16, choices=Channel.choices, default=Channel.EMAIL
    )
    utm_source = models.CharField(_("UTM source"), max_length=100, blank=True)
    utm_medium = models.CharField(_("UTM medium"), max_length=100, blank=True)
    #: The key visits and leads are matched by (``?utm_campaign=``), in any case.
    utm_campaign = models.CharField(_("UTM campaign"), max_length=100, blank=True)
    budget = models.DecimalField(
        _("budget"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    owner = models.ForeignKey(
        "tenants.Membership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["tenant", "-created_at"], name="mkt_campaign_tenant_created"),
            models.Index(fields=["tenant", "utm_campaign"], name="mkt_campaign_tenant_utm"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("marketing:campaign_detail", args=[self.pk])


class LeadAttribution(TenantOwnedModel):
    """Where a lead came from: the visit's first and last touch (UTM parameters, click ids,
    landing page, time) and the campaign they name."""

    lead = models.OneToOneField(
        "leads.Lead", on_delete=models.CASCADE, related_name="+", verbose_name=_("lead")
    )
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attributions",
        verbose_name=_("campaign"),
    )
    #: The touch's ``utm_campaign`` (the last touch's, else the first's): a campaign made
    #: later is linked to the leads that named it.
    utm_campaign = models.CharField(_("UTM campaign"), max_length=100, blank=True)
    first_touch = models.JSONField(_("first touch"), default=dict, blank=True)
    last_touch = models.JSONField(_("last touch"), default=dict, blank=True)

    class Meta:
        verbose_name = _("lead attribution")
        verbose_name_plural = _("lead attributions")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["tenant", "campaign"], name="mkt_attr_tenant_campaign"),
            models.Index(fields=["tenant", "utm_campaign"], name="mkt_attr_tenant_utm"),
        ]

    def __str__(self) -> str:
        return str(self.utm_campaign or self.lead_id)


class Mailing(TenantOwnedModel):
    """An e-mail campaign: one message sent to a segment of the leads or customers who
    consented, in throttled batches that can be paused and resumed."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="mailings", verbose_name=_("campaign")
    )
    subject = models.CharField(_("subject"), max_length=200, validators=[SingleLineTextValidator()])
    body = models.TextField(_("message"))
    audience = models.CharField(
        _("audience"), max_length=16, choices=Audience.choices, default=Audience.LEADS
    )
    segment = models.CharField(
        _("leads"), max_length=16, choices=LeadSegment.choices, default=LeadSegment.ALL
    )
    state = StateField(_("state"), workflow=MAILING_WORKFLOW)
    owner = models.ForeignKey(
        "tenants.Membership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    #: The site's address its links point to (the page it was written on), for the
    #: messages sent in the background.
    site_url = models.CharField(max_length=200, blank=True, editable=False)
    started_at = models.DateTimeField(_("started"), null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True, editable=False)

    objects: ClassVar[WorkflowManager] = WorkflowManager()

    class Meta:
        verbose_name = _("e-mail campaign")
        verbose_name_plural = _("e-mail campaigns")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["tenant", "-created_at"], name="mkt_mailing_tenant_created"),
            models.Index(fields=["tenant", "campaign"], name="mkt_mailing_tenant_campaign"),
        ]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("marketing:mailing_detail", args=[self.pk])


class Recipient(TenantOwnedModel):
    """One address of a mailing, fixed when sending starts, and what became of it."""

    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="recipients")
    email = models.CharField(_("e-mail"), max_length=254)
    name = models.CharField(_("name"), max_length=200, blank=True)
    #: The record it was taken from ("leads.lead:12", "customers.customer:3").
    source = models.CharField(max_length=100, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=RecipientStatus.choices,
        default=RecipientStatus.PENDING,
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    opened_at = models.DateTimeField(_("first opened"), null=True, blank=True)
    clicked_at = models.DateTimeField(_("first clicked"), null=True, blank=True)
    opens = models.PositiveIntegerField(_("opens"), default=0)
    clicks = models.PositiveIntegerField(_("clicks"), default=0)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["mailing", "email"], name="mkt_recipient_unique")
        ]
        indexes = [
            models.Index(fields=["tenant", "mailing", "status"], name="mkt_recipient_status"),
        ]

    def __str__(self) -> str:
        return self.email


class Consent(TenantOwnedModel):
    """Whether an address agreed to receive the organization's marketing e-mail."""

    email = models.EmailField(_("e-mail"))
    status = models.CharField(
        _("consent"),
        max_length=16,
        choices=ConsentStatus.choices,
        default=ConsentStatus.GRANTED,
    )
    #: How it was given or withdrawn: "web form", "event sign-up", "unsubscribe link".
    source = models.CharField(_("how"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("marketing consent")
        verbose_name_plural = _("marketing consents")
        ordering = ["email", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "email"], name="mkt_consent_unique")
        ]

    def __str__(self) -> str:
        return self.email

    def get_absolute_url(self) -> str:
        return reverse("marketing:consent_detail", args=[self.pk])


class MarketingSettings(TenantOwnedModel):
    """An organization's campaign e-mail: the sender's name, replies, branding, and whether
    opens and clicks are counted (a privacy choice)."""

    sender_name = models.CharField(_("sender name"), max_length=100, blank=True)
    reply_to = models.EmailField(_("replies to"), blank=True)
    brand_color = models.CharField(
        _("brand colour"),
        max_length=7,
        default="#0d6efd",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("A colour such as #0d6efd."))],
    )
    footer = models.TextField(
        _("footer"), blank=True, help_text=_("Your postal address, shown in every message.")
    )
    track_engagement = models.BooleanField(
        _("count opens and clicks"),
        default=True,
        help_text=_("Off: messages carry no tracking pixel and their links are not rewritten."),
    )

    class Meta:
        verbose_name = _("marketing settings")
        verbose_name_plural = _("marketing settings")
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="mkt_settings_one_per_tenant")
        ]

    def __str__(self) -> str:
        return str(self.sender_name or self.tenant_id)
