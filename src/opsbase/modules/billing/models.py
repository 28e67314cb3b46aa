"""Billing's records: products and prices, invoices with lines, payments allocated to
invoices, credit notes (customers are the customers module's). Amounts are Decimals in the
document's currency; an invoice's totals are computed in one place (``Invoice.compute_totals``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsbase.core.models import TenantOwnedModel, WorkflowManager
from opsbase.core.uploads import UploadValidator
from opsbase.kernel.workflows import StateField
from opsbase.modules.customers.models import Customer, validate_currency

from .constants import (
    DEFAULT_CURRENCY,
    INVOICE_WORKFLOW,
    OWED_STATUSES,
    CounterKind,
    PaymentGateway,
    PaymentMethod,
)
from .money import quantize

#: Days before (negative) or after the due date on which an unpaid invoice's customer is
#: reminded, when the organization set none (``OPSBASE_BILLING_REMINDER_OFFSETS``).
REMINDER_OFFSETS = (-3, 1, 7)
LOGO_MAX_BYTES = 512 * 1024


def money_field(verbose_name: Any, *, editable: bool = True) -> models.DecimalField:
    """An amount: wide enough for three minor digits (KWD); rounded by ``money.quantize``."""
    return models.DecimalField(
        verbose_name, max_digits=18, decimal_places=3, default=Decimal(0), editable=editable
    )


def currency_field() -> models.CharField:
    return models.CharField(
        _("currency"), max_length=3, default=DEFAULT_CURRENCY, validators=[validate_currency]
    )


class Product(TenantOwnedModel):
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["tenant", "name"], name="bill_product_tenant_name")]

    def __str__(self) -> str:
        return self.name


class Price(TenantOwnedModel):
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="prices", verbose_name=_("product")
    )
    currency = currency_field()
    unit_amount = money_field(_("unit price"))
    tax_rate = models.DecimalField(
        _("tax rate (%)"), max_digits=5, decimal_places=2, default=Decimal(0)
    )

    class Meta:
        verbose_name = _("price")
        verbose_name_plural = _("prices")
        ordering = ["product", "currency"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "product", "currency"], name="bill_price_one_per_currency"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} {self.unit_amount} {self.currency}"


class Invoice(TenantOwnedModel):
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("customer")
    )
    #: Given at issue, gapless per tenant; none on a draft (NULL, not "": a plain unique
    #: constraint then holds on every engine, MariaDB included, which has no partial ones).
    number = models.CharField(  # noqa: DJ001
        _("number"), max_length=40, null=True, blank=True, editable=False
    )
    status = StateField(_("status"), workflow=INVOICE_WORKFLOW)
    currency = currency_field()
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    subtotal = money_field(_("subtotal"), editable=False)
    tax_total = money_field(_("tax"), editable=False)
    total = money_field(_("total"), editable=False)
    amount_paid = money_field(_("paid"), editable=False)
    amount_credited = money_field(_("credited"), editable=False)
    #: The customer's link (``/i/<key>/``): random, given at issue, renewed on demand, taken
    #: away when the invoice is voided. The key is the credential.
    link_token = models.CharField(  # noqa: DJ001
        _("customer link key"), max_length=64, null=True, blank=True, editable=False
    )
    #: The day the overdue job first found it past due (it tells the billing team once).
    overdue_since = models.DateField(_("overdue since"), null=True, blank=True, editable=False)

    objects: ClassVar[WorkflowManager] = WorkflowManager()

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["tenant", "status", "due_date"], name="bill_invoice_tenant_status"
            ),
            models.Index(fields=["tenant", "customer"], name="bill_invoice_tenant_customer"),
            models.Index(fields=["tenant", "-created_at"], name="bill_invoice_tenant_created"),
            models.Index(fields=["link_token"], name="bill_invoice_link_token"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="bill_invoice_number_unique"),
            # Per organization, as Django validates it (a key of 256 random bits never meets
            # another's anyway); looked up alone through its own index.
            models.UniqueConstraint(
                fields=["tenant", "link_token"], name="bill_invoice_link_token_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.number or str(_("Draft invoice"))

    def get_absolute_url(self) -> str:
        return reverse("billing:invoice_detail", args=[self.pk])

    @property
    def is_overdue(self) -> bool:
        return bool(
            self.status in OWED_STATUSES
            and self.due_date is not None
            and self.due_date < timezone.localdate()
        )

    @property
    def balance(self) -> Decimal:
        return quantize(self.total - self.amount_paid - self.amount_credited, self.currency)

    def compute_totals(self, lines: list[InvoiceLine] | None = None) -> None:
        """The one place an invoice's totals are computed: each line rounded to the currency's
        minor units, then summed."""
        if lines is None:
            lines = list(InvoiceLine.objects.for_tenant(self.tenant_id).filter(invoice_id=self.pk))
        for line in lines:
            line.invoice = self  # each line's rounding reads the invoice's currency
        subtotal = sum((line.net_amount for line in lines), Decimal(0))
        tax = sum((line.tax_amount for line in lines), Decimal(0))
        self.subtotal = quantize(subtotal, self.currency)
        self.tax_total = quantize(tax, self.currency)
        self.total = self.subtotal + self.tax_total


class InvoiceLine(TenantOwnedModel):
    invoice = models.ForeignKey(
        Invoice, on_delete=models.CASCADE, related_name="lines", verbose_name=_("invoice")
    )
    product = models.ForeignKey(
        Product,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("product"),
    )
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3, default=1)
    unit_amount = money_field(_("unit price"))
    tax_rate = models.DecimalField(
        _("tax rate (%)"), max_digits=5, decimal_places=2, default=Decimal(0)
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["invoice", "position", "pk"]

    def __str__(self) -> str:
        return self.description

    @property
    def net_amount(self) -> Decimal:
        return quantize(self.quantity * self.unit_amount, self.invoice.currency)

    @property
    def tax_amount(self) -> Decimal:
        return quantize(self.net_amount * self.tax_rate / 100, self.invoice.currency)


class Payment(TenantOwnedModel):
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="payments", verbose_name=_("customer")
    )
    currency = currency_field()
    amount = money_field(_("amount"))
    method = models.CharField(
        _("method"),
        max_length=16,
        choices=PaymentMethod.choices,
        default=PaymentMethod.BANK_TRANSFER,
    )
    received_on = models.DateField(_("received on"))
    reference = models.CharField(_("reference"), max_length=200, blank=True)
    #: Who took the money: recorded by hand, or a payment gateway with its own id for it
    #: (a Stripe PaymentIntent), unique per organization so a replayed event records nothing.
    #: NULL when none: a plain unique constraint holds on every engine (MariaDB has no
    #: partial ones) and leaves any number of manual payments free.
    gateway = models.CharField(
        _("gateway"), max_length=16, choices=PaymentGateway.choices, default=PaymentGateway.MANUAL
    )
    gateway_id = models.CharField(  # noqa: DJ001
        _("gateway reference"), max_length=255, null=True, blank=True
    )

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-received_on", "-pk"]
        indexes = [
            models.Index(fields=["tenant", "-received_on"], name="bill_payment_tenant_received"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "gateway", "gateway_id"], name="bill_payment_gateway_id_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{quantize(self.amount, self.currency)} {self.currency}"


class PaymentAllocation(TenantOwnedModel):
    payment = models.ForeignKey(
        Payment, on_delete=models.CASCADE, related_name="allocations", verbose_name=_("payment")
    )
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("invoice")
    )
    amount = money_field(_("amount"))

    class Meta:
        verbose_name = _("payment allocation")
        verbose_name_plural = _("payment allocations")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{quantize(self.amount, self.invoice.currency)} → {self.invoice}"


class CreditNote(TenantOwnedModel):
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="credit_notes", verbose_name=_("invoice")
    )
    number = models.CharField(_("number"), max_length=40, editable=False)
    amount = money_field(_("amount"))
    reason = models.TextField(_("reason"))
    issue_date = models.DateField(_("issue date"))

    class Meta:
        verbose_name = _("credit note")
        verbose_name_plural = _("credit notes")
        ordering = ["-issue_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "number"], name="bill_credit_note_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.number or str(_("Credit note"))


class DocumentCounter(TenantOwnedModel):
    """The last number given to a kind of document of an organization in a period (the year,
    when the pattern has one): locked while a number is taken, so numbers are gapless."""

    kind = models.CharField(_("kind"), max_length=16, choices=CounterKind.choices)
    period = models.CharField(_("period"), max_length=8, blank=True)
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("document counter")
        verbose_name_plural = _("document counters")
        ordering = ["kind", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "kind", "period"], name="bill_counter_one_per_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.period} {self.last}"


class StripeEventResult(models.TextChoices):
    PENDING = "pending", _("Not applied yet")
    APPLIED = "applied", _("Applied")
    IGNORED = "ignored", _("Nothing to do")
    SKIPPED = "skipped", _("Older than one applied")
    FAILED = "failed", _("Could not be applied")


class StripeEvent(models.Model):
    """A Stripe webhook event as Stripe signed it, kept for good (never edited but for its
    result): one row per event id, however many times Stripe delivers it. Not an
    organization's row: the organization is known only once the event's metadata is read."""

    event_id = models.CharField(_("event id"), max_length=255, unique=True)
    type = models.CharField(_("type"), max_length=100)
    #: Stripe's own time of the event (the order in which events of one object are applied).
    created = models.DateTimeField(_("created at Stripe"))
    #: The id of the object the event is about (a PaymentIntent's ``pi_…``).
    object_id = models.CharField(_("object"), max_length=255, blank=True)
    livemode = models.BooleanField(_("live"), default=False)
    payload = models.JSONField(_("payload"))
    received_at = models.DateTimeField(_("received"), default=timezone.now, editable=False)
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)
    result = models.CharField(
        _("result"),
        max_length=16,
        choices=StripeEventResult.choices,
        default=StripeEventResult.PENDING,
    )
    detail = models.TextField(_("detail"), blank=True)
    #: The organization the event turned out to be for: an id, not a foreign key, since the
    #: table is the whole site's (a foreign key to the organization makes a row tenant-owned).
    organization_id = models.PositiveBigIntegerField(
        _("organization"), null=True, blank=True, db_index=True
    )
    payment = models.ForeignKey(
        Payment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("payment"),
    )

    class Meta:
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe events")
        ordering = ["created", "pk"]
        indexes = [
            models.Index(fields=["object_id", "created"], name="bill_stripe_event_object"),
            models.Index(fields=["created"], name="bill_stripe_event_created"),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


def reminder_offsets_parse(value: str) -> tuple[int, ...]:
    """``"-3, 1, 7"`` as ``(-3, 1, 7)``: sorted, each once; ``ValueError`` naming a bad one."""
    offsets: set[int] = set()
    for part in (value or "").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            number = int(part)
        except ValueError:
            raise ValueError(part) from None
        if not -60 <= number <= 120:
            raise ValueError(part)
        offsets.add(number)
    return tuple(sorted(offsets))


def validate_reminder_offsets(value: str) -> None:
    from django.core.exceptions import ValidationError

    try:
        reminder_offsets_parse(value)
    except ValueError as exc:
        raise ValidationError(
            _("“%(value)s” is not a number of days between -60 and 120."),
            code="invalid",
            params={"value": str(exc)},
        ) from None


def _logo_path(profile: BillingProfile, filename: str) -> str:
    from pathlib import PurePath
    from uuid import uuid4

    suffix = PurePath(filename).suffix.lower()
    return f"billing/logos/{profile.tenant_id}/{uuid4().hex}{suffix}"


class BillingProfile(TenantOwnedModel):
    """How the organization appears on its invoices and e-mails: legal name, address, tax
    number, logo, the sender's name, and its own payment terms and reminder days. One per
    organization, billing's own (the kernel's organization holds none of this)."""

    legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    address = models.TextField(_("address"), blank=True)
    tax_id = models.CharField(_("tax number"), max_length=64, blank=True)
    email = models.EmailField(_("billing e-mail"), blank=True)
    sender_name = models.CharField(_("e-mail sender name"), max_length=100, blank=True)
    logo = models.FileField(
        _("logo"),
        upload_to=_logo_path,
        blank=True,
        max_length=200,
        validators=[UploadValidator(allowed=("png", "jpg", "jpeg"), max_size=LOGO_MAX_BYTES)],
    )
    payment_terms_days = models.PositiveSmallIntegerField(
        _("payment terms (days)"), null=True, blank=True
    )
    reminder_offsets = models.CharField(
        _("reminder days"),
        max_length=100,
        blank=True,
        validators=[validate_reminder_offsets],
    )

    class Meta:
        verbose_name = _("billing profile")
        verbose_name_plural = _("billing profiles")
        ordering = ["tenant"]
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="bill_profile_one_per_tenant"),
        ]

    def __str__(self) -> str:
        return self.legal_name or str(_("Billing profile"))


class InvoiceReminder(TenantOwnedModel):
    """A payment reminder sent about an invoice, *offset_days* from its due date: one row per
    invoice and offset, so a job run twice reminds once."""

    invoice = models.ForeignKey(
        Invoice, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("invoice")
    )
    offset_days = models.SmallIntegerField(_("days from the due date"))
    sent_on = models.DateField(_("sent on"))
    to = models.CharField(_("sent to"), max_length=254, blank=True)

    class Meta:
        verbose_name = _("invoice reminder")
        verbose_name_plural = _("invoice reminders")
        ordering = ["invoice", "offset_days"]
        constraints = [
            models.UniqueConstraint(
                fields=["invoice", "offset_days"], name="bill_reminder_once_per_offset"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invoice} {self.offset_days:+d}"
