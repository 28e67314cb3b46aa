"""``/api/``: the versioned API (``v1/``), its schema and docs, and the API tokens pages."""

from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from opsbase.kernel.modules import module_api_urls

from . import views
from .api import ApiTokenViewSet, AuthTokenView, MeView
from .docs import ApiDocsView

app_name = "api"

router = SimpleRouter()
router.register("tokens", ApiTokenViewSet, basename="token")

v1: list[URLPattern | URLResolver] = [
    path("auth/token/", AuthTokenView.as_view(), name="auth_token"),
    path("me/", MeView.as_view(), name="me"),
    path("", include(router.urls)),
    path("", include("opsbase.kernel.tenants.api_urls")),
    path("", include("opsbase.kernel.roles.api_urls")),
    path("", include("opsbase.kernel.audit.api_urls")),
    # Each installed module's routes (ModuleConfig).
    *module_api_urls(),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", ApiDocsView.as_view(url_name="api:schema"), name="docs"),
    path("tokens/", views.token_list, name="token_list"),
    path("tokens/new/", views.token_create, name="token_create"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
