"""Input of the billing pages: parsing and validation only; the services decide the rest."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opsbase.core.uploads import UploadValidator
from opsbase.kit.forms import RecordForm
from opsbase.modules.customers.models import Customer

from .constants import OWED_STATUSES, PaymentMethod
from .models import LOGO_MAX_BYTES, CreditNote, Invoice, Payment, validate_reminder_offsets
from .money import is_currency

_DATE = forms.DateInput(attrs={"type": "date"})


class CustomerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Customer) -> str:
        return f"{obj.name} ({obj.currency})"


class InvoiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Invoice) -> str:
        return f"{obj.number} · {obj.customer.name} · {obj.balance} {obj.currency}"


def _customers(membership: Any) -> Any:
    return Customer.objects.for_tenant(membership.tenant_id).order_by("name", "pk")


def _owed_invoices(membership: Any) -> Any:
    return (
        Invoice.objects.for_tenant(membership.tenant_id)
        .filter(status__in=OWED_STATUSES)
        .select_related("customer")
        .order_by("number")
    )


class InvoiceForm(RecordForm):
    """A draft's fields (its lines are added on its page)."""

    model = Invoice
    customer = CustomerChoiceField(label=_("Customer"), queryset=Customer.objects.none())
    currency = forms.CharField(
        label=_("Currency"),
        max_length=3,
        required=False,
        help_text=_("The customer's currency when left empty."),
    )
    issue_date = forms.DateField(
        label=_("Issue date"),
        required=False,
        widget=_DATE,
        help_text=_("The day it is issued when left empty."),
    )
    due_date = forms.DateField(label=_("Due date"), required=False, widget=_DATE)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, membership: Any, **kwargs: Any) -> None:
        super().__init__(*args, membership=membership, **kwargs)
        self.fields["customer"].queryset = _customers(membership)  # type: ignore[attr-defined]

    def clean_currency(self) -> str:
        code = (self.cleaned_data.get("currency") or "").strip().upper()
        if code and not is_currency(code):
            raise forms.ValidationError(_("%(code)s is not a currency."), params={"code": code})
        return code


class InvoiceLineForm(forms.Form):
    description = forms.CharField(label=_("Description"), max_length=300)
    quantity = forms.DecimalField(
        label=_("Quantity"), max_digits=12, decimal_places=3, min_value=Decimal("0.001"), initial=1
    )
    unit_amount = forms.DecimalField(label=_("Unit price"), max_digits=18, decimal_places=3)
    tax_rate = forms.DecimalField(
        label=_("Tax rate (%)"),
        max_digits=5,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=Decimal(100),
        initial=0,
    )


class PaymentForm(RecordForm):
    """A payment received, allocated to one owed invoice."""

    model = Payment
    invoice = InvoiceChoiceField(
        label=_("Invoice"),
        queryset=Invoice.objects.none(),
        help_text=_("The open invoice it pays; at most its balance."),
    )
    amount = forms.DecimalField(
        label=_("Amount"), max_digits=18, decimal_places=3, min_value=Decimal("0.001")
    )
    received_on = forms.DateField(label=_("Received on"), required=False, widget=_DATE)
    method = forms.ChoiceField(
        label=_("Method"), choices=PaymentMethod.choices, initial=PaymentMethod.BANK_TRANSFER
    )
    reference = forms.CharField(label=_("Reference"), max_length=200, required=False)

    def __init__(self, *args: Any, membership: Any, **kwargs: Any) -> None:
        super().__init__(*args, membership=membership, **kwargs)
        self.fields["invoice"].queryset = _owed_invoices(membership)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        invoice, amount = cleaned.pop("invoice", None), cleaned.get("amount")
        if invoice is not None and amount is not None:
            cleaned["customer"] = invoice.customer
            cleaned["currency"] = invoice.currency
            cleaned["allocations"] = [(invoice, amount)]
        return cleaned


class CreditNoteForm(RecordForm):
    """A credit note against an owed invoice."""

    model = CreditNote
    invoice = InvoiceChoiceField(label=_("Invoice"), queryset=Invoice.objects.none())
    amount = forms.DecimalField(
        label=_("Amount"),
        max_digits=18,
        decimal_places=3,
        min_value=Decimal("0.001"),
        help_text=_("At most the invoice's balance."),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    issue_date = forms.DateField(label=_("Date"), required=False, widget=_DATE)

    def __init__(self, *args: Any, membership: Any, **kwargs: Any) -> None:
        super().__init__(*args, membership=membership, **kwargs)
        self.fields["invoice"].queryset = _owed_invoices(membership)  # type: ignore[attr-defined]


class BillingProfileForm(forms.Form):
    """How the organization appears on its invoices and the e-mails that carry them."""

    legal_name = forms.CharField(
        label=_("Legal name"),
        max_length=200,
        required=False,
        help_text=_("Printed on invoices; the organization's name when left empty."),
    )
    address = forms.CharField(
        label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    tax_id = forms.CharField(label=_("Tax number"), max_length=64, required=False)
    email = forms.EmailField(
        label=_("Billing e-mail"),
        required=False,
        help_text=_("Customers' replies to invoice e-mails go here."),
    )
    sender_name = forms.CharField(
        label=_("E-mail sender name"),
        max_length=100,
        required=False,
        help_text=_("The name invoice e-mails come from, e.g. “Acme Billing”."),
    )
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        validators=[UploadValidator(allowed=("png", "jpg", "jpeg"), max_size=LOGO_MAX_BYTES)],
        help_text=_("A PNG or JPEG of at most 512 KB, printed at the top of invoices."),
    )
    clear_logo = forms.BooleanField(label=_("Remove the logo"), required=False)
    payment_terms_days = forms.IntegerField(
        label=_("Payment terms (days)"),
        min_value=0,
        max_value=365,
        required=False,
        help_text=_("Days from issue to due date when an invoice names none."),
    )
    reminder_offsets = forms.CharField(
        label=_("Reminder days"),
        max_length=100,
        required=False,
        validators=[validate_reminder_offsets],
        help_text=_(
            "Days from the due date on which unpaid invoices are e-mailed again, separated "
            "by commas: -3 is three days before, 7 a week after. Empty: -3, 1, 7."
        ),
    )
