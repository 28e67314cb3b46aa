"""Request id: taken from a trusted ``X-Request-ID`` header or made, logged, and echoed."""

from __future__ import annotations

import re
import uuid

from .context import client_var, request_id_var

_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,128}$")


def client_ip(request) -> str | None:
    """The client's address: ``REMOTE_ADDR``, or behind N trusted proxies (``OPSBASE_PROXY_COUNT``)
    the address the outermost of them saw, counted from the right of ``X-Forwarded-For``."""
    from opsbase.conf import setting

    proxies = setting("PROXY_COUNT")
    forwarded = [
        p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()
    ]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


class RequestIdMiddleware:
    header = "HTTP_X_REQUEST_ID"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get(self.header, "")
        request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        client = {
            "ip": client_ip(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:500],
        }
        id_token = request_id_var.set(request_id)
        client_token = client_var.set(client)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(id_token)
            client_var.reset(client_token)
        response["X-Request-ID"] = request_id
        return response
