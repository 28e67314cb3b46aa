"""Map errors raised in views to their themed answers: 400, 403, 404 and 409 for OpsBase's
(and input nested too deeply), and 503 with ``Retry-After`` for a busy SQLite database (pages
and the API alike)."""

from __future__ import annotations

import logging

from opsbase.core.exceptions import Conflict, NotFound, PermissionDenied
from opsbase.core.writes import is_database_busy

from .views import bad_request, conflict, database_busy, page_not_found, permission_denied

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
        if isinstance(exception, Conflict):
            return conflict(request, exception)
        if is_database_busy(exception):
            return database_busy(request, exception)
        if isinstance(exception, RecursionError) and request.method in ("POST", "PUT", "PATCH"):
            # Input nested past Python's stack (a JSON form field of 50,000 "["): the standard
            # library's parsers recurse. The sender's error, not the server's; logged all
            # the same, in case it was not the input.
            logger.warning("input nested too deeply: %s %s", request.method, request.path)
            return bad_request(request, exception)
        return None
