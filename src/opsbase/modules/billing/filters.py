"""Filters of billing lists, shared by the pages and the API (``?status=open&overdue=true``)."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from opsbase.kit.forms import SearchFilter

from .constants import InvoiceStatus, PaymentMethod
from .models import CreditNote, Invoice, Payment
from .selectors import invoice_filter_overdue


class InvoiceFilter(django_filters.FilterSet):
    q = SearchFilter(label=_("Search"))
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=InvoiceStatus.choices, empty_label=_("Any status")
    )
    customer = django_filters.NumberFilter(label=_("Customer"), field_name="customer_id")
    currency = django_filters.CharFilter(label=_("Currency"), lookup_expr="iexact")
    due_from = django_filters.DateFilter(
        label=_("Due from"),
        field_name="due_date",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    due_to = django_filters.DateFilter(
        label=_("Due until"),
        field_name="due_date",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    overdue = django_filters.ChoiceFilter(
        label=_("Overdue"),
        choices=[("true", _("Overdue only")), ("false", _("Not overdue"))],
        empty_label=_("Any"),
        method="filter_overdue",
    )

    class Meta:
        model = Invoice
        fields = ["q", "status", "customer", "currency", "due_from", "due_to", "overdue"]

    def filter_overdue(self, queryset, name, value):
        return invoice_filter_overdue(queryset, {"true": True, "false": False}.get(value))


class PaymentFilter(django_filters.FilterSet):
    q = SearchFilter(label=_("Search"))
    method = django_filters.ChoiceFilter(
        label=_("Method"), choices=PaymentMethod.choices, empty_label=_("Any method")
    )
    customer = django_filters.NumberFilter(label=_("Customer"), field_name="customer_id")

    class Meta:
        model = Payment
        fields = ["q", "method", "customer"]


class CreditNoteFilter(django_filters.FilterSet):
    q = SearchFilter(label=_("Search"))
    invoice = django_filters.NumberFilter(label=_("Invoice"), field_name="invoice_id")

    class Meta:
        model = CreditNote
        fields = ["q", "invoice"]
