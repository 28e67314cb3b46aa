"""JSON input of the customers API (the output is the row spec)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from opsbase.kit.api import RecordSerializer

from .constants import DEFAULT_CURRENCY
from .models import Customer
from .selectors import CUSTOMER_ROWS


class CustomerSerializer(RecordSerializer):
    """A customer of the organization."""

    name = serializers.CharField(max_length=200)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    contact = serializers.CharField(max_length=200, required=False, allow_blank=True)
    address = serializers.CharField(required=False, allow_blank=True)
    tax_id = serializers.CharField(max_length=40, required=False, allow_blank=True)
    currency = serializers.CharField(
        max_length=3,
        required=False,
        default=DEFAULT_CURRENCY,
        help_text=_("ISO 4217 code of the customer's invoices (EUR, USD, JPY...)."),
    )

    class Meta:
        model = Customer
        rows = CUSTOMER_ROWS
