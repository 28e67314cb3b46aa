"""API routes of sites, mounted under /api/v1/."""

from rest_framework.routers import SimpleRouter

from .api import RigViewSet, WellViewSet

router = SimpleRouter()
router.register("rigs", RigViewSet, basename="rig")
router.register("wells", WellViewSet, basename="well")

urlpatterns = router.urls
