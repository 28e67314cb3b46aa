"""API routes of the roles app, mounted under /api/v1/ by opsbase.api.urls."""

from rest_framework.routers import SimpleRouter

from .api import RoleViewSet

router = SimpleRouter()
router.register("roles", RoleViewSet, basename="role")

urlpatterns = router.urls
