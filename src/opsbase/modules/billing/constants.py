"""Billing's permission codenames and the choices of its documents."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from opsbase.modules.customers.constants import DEFAULT_CURRENCY as DEFAULT_CURRENCY

VIEW = "billing.view"
MANAGE = "billing.manage"
ISSUE = "billing.issue"
RECORD_PAYMENT = "billing.record_payment"
VOID = "billing.void"
ALL_CODENAMES = (VIEW, MANAGE, ISSUE, RECORD_PAYMENT, VOID)


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    PAID = "paid", _("Paid")
    VOID = "void", _("Void")


class PaymentMethod(models.TextChoices):
    MANUAL = "manual", _("Manual")
    STRIPE = "stripe", _("Card (Stripe)")
