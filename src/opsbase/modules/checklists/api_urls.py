"""API routes of the forms engine, mounted under /api/v1/ by opsbase.api.urls."""

from rest_framework.routers import SimpleRouter

from .api import FormTemplateViewSet

router = SimpleRouter()
router.register("form-templates", FormTemplateViewSet, basename="formtemplate")

urlpatterns = router.urls
