"""API routes of dispatch, mounted under /api/v1/."""

from rest_framework.routers import SimpleRouter

from .api import DispatchNoteViewSet

router = SimpleRouter()
router.register("dispatches", DispatchNoteViewSet, basename="dispatchnote")

urlpatterns = router.urls
