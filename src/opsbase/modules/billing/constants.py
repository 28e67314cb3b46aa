"""Billing's permission codenames, the choices of its documents and the invoice workflow."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from opsbase.kernel.workflows import Transition, Workflow
from opsbase.modules.customers.constants import DEFAULT_CURRENCY as DEFAULT_CURRENCY

VIEW = "billing.view"
MANAGE = "billing.manage"
ISSUE = "billing.issue"
RECORD_PAYMENT = "billing.record_payment"
VOID = "billing.void"
ALL_CODENAMES = (VIEW, MANAGE, ISSUE, RECORD_PAYMENT, VOID)

#: The default pattern of invoice and credit note numbers (``OPSBASE_BILLING_INVOICE_NUMBER``,
#: ``OPSBASE_BILLING_CREDIT_NOTE_NUMBER``): ``{year}`` and ``{seq}`` (with a format, ``{seq:04}``).
#: A pattern with ``{year}`` starts again at 1 each year.
INVOICE_NUMBER_PATTERN = "INV-{year}-{seq:04}"
CREDIT_NOTE_NUMBER_PATTERN = "CN-{year}-{seq:04}"
#: Days between issue and due date when a draft names no due date
#: (``OPSBASE_BILLING_PAYMENT_TERMS_DAYS``).
PAYMENT_TERMS_DAYS = 30


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    PAID = "paid", _("Paid")
    VOID = "void", _("Void")
    UNCOLLECTIBLE = "uncollectible", _("Uncollectible")


#: States in which an invoice is owed: payments and credit notes apply to these.
OWED_STATUSES = (InvoiceStatus.OPEN, InvoiceStatus.UNCOLLECTIBLE)

STATUS_BADGES = {
    InvoiceStatus.DRAFT: "text-bg-secondary",
    InvoiceStatus.OPEN: "text-bg-primary",
    InvoiceStatus.PAID: "text-bg-success",
    InvoiceStatus.VOID: "text-bg-dark",
    InvoiceStatus.UNCOLLECTIBLE: "text-bg-warning",
}


class PaymentMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    CASH = "cash", _("Cash")
    CARD = "card", _("Card")
    OTHER = "other", _("Other")


class PaymentGateway(models.TextChoices):
    MANUAL = "manual", _("Recorded by hand")
    STRIPE = "stripe", _("Stripe")


class CounterKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")


_SERVICES = "opsbase.modules.billing.services"

INVOICE_WORKFLOW = Workflow(
    states=InvoiceStatus,
    initial=InvoiceStatus.DRAFT,
    transitions=[
        Transition(
            "issue",
            source=InvoiceStatus.DRAFT,
            target=InvoiceStatus.OPEN,
            codename=ISSUE,
            label=_("Issue"),
            guard=f"{_SERVICES}.invoice_issue_blocked",
            # The number, the issue and due dates: given under the invoice's lock.
            effects=f"{_SERVICES}.invoice_issue_effects",
        ),
        Transition(
            "settle",
            source=OWED_STATUSES,
            target=InvoiceStatus.PAID,
            codename=RECORD_PAYMENT,
            label=_("Mark paid"),
            guard=f"{_SERVICES}.invoice_settle_blocked",
        ),
        Transition(
            "void",
            source=OWED_STATUSES,
            target=InvoiceStatus.VOID,
            codename=VOID,
            label=_("Void"),
            guard=f"{_SERVICES}.invoice_void_blocked",
            effects=f"{_SERVICES}.invoice_void_effects",
            optional_fields=("reason",),
        ),
        Transition(
            "mark_uncollectible",
            source=InvoiceStatus.OPEN,
            target=InvoiceStatus.UNCOLLECTIBLE,
            codename=VOID,
            label=_("Mark uncollectible"),
            optional_fields=("reason",),
        ),
    ],
)
