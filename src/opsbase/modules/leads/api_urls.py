"""API routes of the leads app, mounted under /api/v1/ by opsbase.api.urls."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import LeadFormViewSet, LeadScoringView, LeadViewSet, PipelineViewSet

router = SimpleRouter()
router.register("leads", LeadViewSet, basename="lead")
router.register("pipelines", PipelineViewSet, basename="pipeline")
router.register("lead-forms", LeadFormViewSet, basename="leadform")

urlpatterns = [
    path("lead-scoring/", LeadScoringView.as_view(), name="lead-scoring"),
    *router.urls,
]
