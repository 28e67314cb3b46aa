"""API routes of the tenants app, mounted under /api/v1/ by opsbase.api.urls."""

from rest_framework.routers import SimpleRouter

from .api import InvitationViewSet, MembershipViewSet

router = SimpleRouter()
router.register("memberships", MembershipViewSet, basename="membership")
router.register("invitations", InvitationViewSet, basename="invitation")

urlpatterns = router.urls
