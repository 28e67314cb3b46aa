"""Map OpsBase errors raised in HTML views to the themed 400, 403 and 404 pages."""

from __future__ import annotations

import logging

from opsbase.core.exceptions import NotFound, PermissionDenied

from .views import bad_request, page_not_found, permission_denied

logger = logging.getLogger(__name__)


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
        if isinstance(exception, RecursionError) and request.method in ("POST", "PUT", "PATCH"):
            # Input nested past Python's stack (a JSON form field of 50,000 "["): the standard
            # library's parsers recurse. The sender's error, not the server's; logged all
            # the same, in case it was not the input.
            logger.warning("input nested too deeply: %s %s", request.method, request.path)
            return bad_request(request, exception)
        return None
