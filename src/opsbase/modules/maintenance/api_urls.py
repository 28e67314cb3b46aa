"""API routes of maintenance, mounted under /api/v1/ by opsbase.api.urls."""

from rest_framework.routers import SimpleRouter

from .api import EquipmentViewSet, MaintenancePlanViewSet

router = SimpleRouter()
router.register("equipment", EquipmentViewSet, basename="equipment")
router.register("maintenance-plans", MaintenancePlanViewSet, basename="maintenanceplan")

urlpatterns = router.urls
