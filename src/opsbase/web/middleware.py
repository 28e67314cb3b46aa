"""Map OpsBase errors raised in HTML views to the themed 403 and 404 pages."""

from __future__ import annotations

from opsbase.core.exceptions import NotFound, PermissionDenied

from .views import page_not_found, permission_denied


class OpsBaseErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied):
            return permission_denied(request, exception)
        if isinstance(exception, NotFound):
            return page_not_found(request, exception)
        return None
