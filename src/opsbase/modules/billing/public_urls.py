"""Pages anyone with the link reaches: an invoice's customer pages at /i/<key>/."""

from django.urls import path

from .public_views import invoice_public_pay_view, invoice_public_pdf_view, invoice_public_view

urlpatterns = [
    path("i/<str:key>/", invoice_public_view, name="billing_invoice_public"),
    path("i/<str:key>/pdf/", invoice_public_pdf_view, name="billing_invoice_public_pdf"),
    path("i/<str:key>/pay/", invoice_public_pay_view, name="billing_invoice_public_pay"),
]
