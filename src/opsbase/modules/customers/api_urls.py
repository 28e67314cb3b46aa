"""API routes of customers, mounted under /api/v1/."""

from rest_framework.routers import SimpleRouter

from .api import CustomerViewSet

router = SimpleRouter()
router.register("customers", CustomerViewSet, basename="customer")

urlpatterns = router.urls
