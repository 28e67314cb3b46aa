"""API routes of NCRs, mounted under /api/v1/ by opsbase.api.urls."""

from rest_framework.routers import SimpleRouter

from .api import InspectionViewSet, NcrViewSet

router = SimpleRouter()
router.register("ncrs", NcrViewSet, basename="ncr")
router.register("inspections", InspectionViewSet, basename="inspection")

urlpatterns = router.urls
