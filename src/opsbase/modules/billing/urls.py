from django.urls import include, path

from .views import (
    CreditNotePages,
    InvoicePages,
    PaymentPages,
    billing_profile_view,
    invoice_line_add_view,
    invoice_line_remove_view,
    invoice_link_rotate_view,
    invoice_pdf_view,
    invoice_send_view,
)
from .webhook_views import stripe_webhook

app_name = "billing"
urlpatterns = [
    path("invoices/<int:pk>/lines/", invoice_line_add_view, name="invoice_line_add"),
    path("invoices/<int:pk>/pdf/", invoice_pdf_view, name="invoice_pdf"),
    path("invoices/<int:pk>/send/", invoice_send_view, name="invoice_send"),
    path("invoices/<int:pk>/link/", invoice_link_rotate_view, name="invoice_link_rotate"),
    path("settings/", billing_profile_view, name="profile"),
    path(
        "invoices/<int:pk>/lines/<int:line>/remove/",
        invoice_line_remove_view,
        name="invoice_line_remove",
    ),
    path("invoices/", include(InvoicePages.urls())),
    path("payments/", include(PaymentPages.urls())),
    path("credit-notes/", include(CreditNotePages.urls())),
    path("webhooks/stripe/", stripe_webhook, name="stripe_webhook"),
]
