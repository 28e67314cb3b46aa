"""API routes of billing, mounted under /api/v1/."""

from rest_framework.routers import SimpleRouter

from .api import CreditNoteViewSet, InvoiceViewSet, PaymentViewSet

router = SimpleRouter()
router.register("invoices", InvoiceViewSet, basename="invoice")
router.register("payments", PaymentViewSet, basename="payment")
router.register("credit-notes", CreditNoteViewSet, basename="creditnote")

urlpatterns = router.urls
