"""A customer: the one record of a company the organization sells to or works for, shared by
every module that needs one (billing's invoices, operations' rigs and wells, leads' won
deals), never copied into each."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from opsbase.core.models import TenantOwnedModel
from opsbase.core.validation import SingleLineTextValidator

from .constants import DEFAULT_CURRENCY


def is_currency(code: str) -> bool:
    """Whether *code* is an ISO 4217 currency CLDR knows (Babel's data, no table of ours)."""
    from babel.numbers import list_currencies

    return code in list_currencies()


def validate_currency(value: str) -> None:
    if not is_currency(value):
        raise ValidationError(_("%(code)s is not a currency."), params={"code": value})


class Customer(TenantOwnedModel):
    name = models.CharField(_("name"), max_length=200, validators=[SingleLineTextValidator()])
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    contact = models.CharField(_("contact person"), max_length=200, blank=True)
    address = models.TextField(_("address"), blank=True)
    tax_id = models.CharField(_("tax number"), max_length=40, blank=True)
    currency = models.CharField(
        _("currency"), max_length=3, default=DEFAULT_CURRENCY, validators=[validate_currency]
    )
    #: Where the customer came from in another module ("leads.lead:12"), when installed.
    source = models.CharField(_("source"), max_length=100, blank=True, db_index=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["tenant", "name"], name="customers_tenant_name")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("customers:customer_detail", args=[self.pk])
