"""JSON input of the billing API: parsing and validation only (the output is the row specs,
with an invoice's lines and a payment's allocations on their detail)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from opsbase.api.serializers import TenantRelatedField
from opsbase.kit.api import RecordSerializer
from opsbase.modules.customers.models import Customer

from .constants import PaymentMethod
from .models import CreditNote, Invoice, Payment, Product
from .money import is_currency, quantize
from .selectors import CREDIT_NOTE_ROWS, INVOICE_ROWS, PAYMENT_ROWS, invoice_lines


def _money(**kwargs: Any) -> serializers.DecimalField:
    """An amount: as wide as the money fields (three minor digits, for KWD)."""
    return serializers.DecimalField(max_digits=18, decimal_places=3, **kwargs)


def _currency(value: str) -> str:
    code = (value or "").strip().upper()
    if code and not is_currency(code):
        raise serializers.ValidationError(_("%(code)s is not a currency.") % {"code": code})
    return code


@extend_schema_field(OpenApiTypes.INT)
class CustomerField(TenantRelatedField):
    model = Customer
    default_error_messages = {"does_not_exist": _("Choose a customer of this organization.")}


@extend_schema_field(OpenApiTypes.INT)
class InvoiceField(TenantRelatedField):
    model = Invoice
    default_error_messages = {"does_not_exist": _("Choose an invoice of this organization.")}


@extend_schema_field(OpenApiTypes.INT)
class ProductField(TenantRelatedField):
    model = Product
    default_error_messages = {"does_not_exist": _("Choose a product of this organization.")}


class InvoiceLineSerializer(serializers.Serializer):
    """One line of a draft invoice; its amounts are worked out by the invoice."""

    id = serializers.IntegerField(read_only=True)
    description = serializers.CharField(max_length=300)
    quantity = serializers.DecimalField(
        max_digits=12, decimal_places=3, min_value=Decimal("0.001"), default=Decimal(1)
    )
    unit_amount = _money(help_text=_("The price of one unit."))
    tax_rate = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=Decimal(100),
        default=Decimal(0),
        help_text=_("A percentage: 21 for 21 %."),
    )
    product = ProductField(required=False, allow_null=True)
    # Rounded to the currency's minor units: "42.00" in EUR, "42" in JPY.
    net_amount = serializers.CharField(read_only=True)
    tax_amount = serializers.CharField(read_only=True)


class InvoiceSerializer(RecordSerializer):
    """An invoice of the organization; its ``lines`` may be given while it is a draft."""

    customer = CustomerField()
    currency = serializers.CharField(
        max_length=3,
        required=False,
        allow_blank=True,
        help_text=_("ISO 4217 code; the customer's currency when left out."),
    )
    issue_date = serializers.DateField(
        required=False, allow_null=True, help_text=_("Given at issue (today) when left out.")
    )
    due_date = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=_("After the payment terms from the issue date when left out."),
    )
    notes = serializers.CharField(required=False, allow_blank=True)
    lines = InvoiceLineSerializer(
        many=True, required=False, help_text=_("Sent lines replace all the draft's lines.")
    )

    class Meta:
        model = Invoice
        rows = INVOICE_ROWS
        extra_fields = ("lines",)

    def validate_currency(self, value: str) -> str:
        return _currency(value)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        issued, due = attrs.get("issue_date"), attrs.get("due_date")
        if issued and due and due < issued:
            raise serializers.ValidationError(
                {"due_date": [_("The due date cannot be before the issue date.")]}
            )
        if "lines" in attrs:
            attrs["lines"] = [
                {k: v for k, v in dict(line).items() if k in InvoiceLineSerializer().fields}
                for line in attrs["lines"]
            ]
        return attrs

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["lines"] = InvoiceLineSerializer(invoice_lines(invoice=instance), many=True).data
        return data


class AllocationSerializer(serializers.Serializer):
    invoice = InvoiceField()
    amount = _money(min_value=Decimal("0.001"))


class PaymentSerializer(RecordSerializer):
    """A payment received from a customer, allocated to its open invoices."""

    customer = CustomerField()
    amount = _money(min_value=Decimal("0.001"))
    currency = serializers.CharField(max_length=3, required=False, allow_blank=True)
    received_on = serializers.DateField(required=False, help_text=_("Today when left out."))
    method = serializers.ChoiceField(choices=PaymentMethod.choices, required=False)
    reference = serializers.CharField(max_length=200, required=False, allow_blank=True)
    allocations = AllocationSerializer(
        many=True,
        required=False,
        help_text=_("Which invoices it pays, and how much of each (at most its balance)."),
    )

    class Meta:
        model = Payment
        rows = PAYMENT_ROWS
        extra_fields = ("allocations",)

    def validate_currency(self, value: str) -> str:
        return _currency(value)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs["allocations"] = [
            (item["invoice"], item["amount"]) for item in attrs.get("allocations", [])
        ]
        return attrs

    def to_representation(self, instance: Any) -> dict[str, Any]:
        from .selectors import payment_allocations

        data = super().to_representation(instance)
        data["allocations"] = [
            {
                "invoice": a.invoice_id,
                "invoice_number": a.invoice.number,
                "amount": str(quantize(a.amount, instance.currency)),
            }
            for a in payment_allocations(payment=instance)
        ]
        return data


class CreditNoteSerializer(RecordSerializer):
    """A credit note against an open invoice: at most its balance."""

    invoice = InvoiceField()
    amount = _money(min_value=Decimal("0.001"))
    reason = serializers.CharField()
    issue_date = serializers.DateField(required=False, help_text=_("Today when left out."))

    class Meta:
        model = CreditNote
        rows = CREDIT_NOTE_ROWS


class VoidSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True)


class PaySerializer(serializers.Serializer):
    amount = _money(
        min_value=Decimal("0.001"),
        required=False,
        help_text=_("The balance when left out."),
    )
    received_on = serializers.DateField(required=False, help_text=_("Today when left out."))
    method = serializers.ChoiceField(choices=PaymentMethod.choices, required=False)
    reference = serializers.CharField(max_length=200, required=False, allow_blank=True)


class SendSerializer(serializers.Serializer):
    to = serializers.EmailField(
        required=False,
        allow_blank=True,
        help_text=_("The customer's e-mail address when left out."),
    )


class SentSerializer(serializers.Serializer):
    to = serializers.EmailField(read_only=True)
