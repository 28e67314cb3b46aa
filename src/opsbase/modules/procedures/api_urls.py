"""API routes of procedures, mounted under /api/v1/ by opsbase.api.urls."""

from rest_framework.routers import SimpleRouter

from .api import ProcedureViewSet

router = SimpleRouter()
router.register("procedures", ProcedureViewSet, basename="procedure")

urlpatterns = router.urls
