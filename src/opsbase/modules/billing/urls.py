from django.urls import include, path

from .views import (
    CreditNotePages,
    InvoicePages,
    PaymentPages,
    invoice_line_add_view,
    invoice_line_remove_view,
)

app_name = "billing"
urlpatterns = [
    path("invoices/<int:pk>/lines/", invoice_line_add_view, name="invoice_line_add"),
    path(
        "invoices/<int:pk>/lines/<int:line>/remove/",
        invoice_line_remove_view,
        name="invoice_line_remove",
    ),
    path("invoices/", include(InvoicePages.urls())),
    path("payments/", include(PaymentPages.urls())),
    path("credit-notes/", include(CreditNotePages.urls())),
]
