"""API routes of marketing, mounted under /api/v1/."""

from rest_framework.routers import SimpleRouter

from .api import CampaignViewSet

router = SimpleRouter()
router.register("campaigns", CampaignViewSet, basename="campaign")

urlpatterns = router.urls
