"""The interactive API docs (Swagger UI) from local files, under a strict CSP."""

from __future__ import annotations

from drf_spectacular.views import SpectacularSwaggerSplitView


class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI with its start-up script served as a file (no inline script) and the
    sidecar's assets from our own static files (no CDN); the page's one inline style block
    is replaced by a stylesheet."""

    template_name = "api/swagger_ui.html"
