"""API routes of the leads app, mounted under /api/v1/ by opsbase.api.urls."""

from rest_framework.routers import SimpleRouter

from .api import LeadFormViewSet, LeadViewSet, PipelineViewSet

router = SimpleRouter()
router.register("leads", LeadViewSet, basename="lead")
router.register("pipelines", PipelineViewSet, basename="pipeline")
router.register("lead-forms", LeadFormViewSet, basename="leadform")

urlpatterns = router.urls
