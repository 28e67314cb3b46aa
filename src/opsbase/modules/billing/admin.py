from django.contrib import admin

from opsbase.kernel.admin import TenantReadOnlyAdmin

from .models import CreditNote, Invoice, Payment


@admin.register(Invoice)
class InvoiceAdmin(TenantReadOnlyAdmin):
    """Every organization's invoices, read-only: changes go through the services."""

    list_display = ["number", "tenant", "customer", "status", "total", "due_date"]
    list_filter = ["status", "tenant"]
    list_select_related = ["tenant", "customer"]
    search_fields = ["number", "customer__name", "tenant__name"]


@admin.register(Payment)
class PaymentAdmin(TenantReadOnlyAdmin):
    list_display = ["received_on", "tenant", "customer", "amount", "currency", "method"]
    list_filter = ["method", "gateway", "tenant"]
    list_select_related = ["tenant", "customer"]


@admin.register(CreditNote)
class CreditNoteAdmin(TenantReadOnlyAdmin):
    list_display = ["number", "tenant", "invoice", "amount", "issue_date"]
    list_filter = ["tenant"]
    list_select_related = ["tenant", "invoice"]
