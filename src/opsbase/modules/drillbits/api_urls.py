"""API routes of drill bits, mounted under /api/v1/."""

from rest_framework.routers import SimpleRouter

from .api import DrillBitViewSet

router = SimpleRouter()
router.register("drill-bits", DrillBitViewSet, basename="drillbit")

urlpatterns = router.urls
