"""Request id: taken from a trusted ``X-Request-ID`` header or made, logged, and echoed."""

from __future__ import annotations

import re
import uuid

from .context import client_var, request_id_var

_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,128}$")


def client_ip(request) -> str | None:
    """The client's address, for the lockout, the throttles, the audit and the logs alike.

    ``REMOTE_ADDR``, unless ``OPSBASE_TRUSTED_PROXIES`` (N) proxies stand in front: then the
    address the outermost of them saw, the N-th entry of ``X-Forwarded-For`` from the right
    (each trusted proxy appends the address it was reached from; the generated nginx config
    replaces whatever the client sent). A header with fewer entries than trusted proxies did
    not come through them, so nothing in it counts. Without a trusted proxy the header is
    ignored: a client cannot choose its own address."""
    from opsbase.conf import setting

    remote = request.META.get("REMOTE_ADDR") or None
    proxies = int(setting("TRUSTED_PROXIES") or 0)
    if proxies <= 0:
        return remote
    forwarded = [
        p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()
    ]
    if len(forwarded) >= proxies:
        return forwarded[-proxies]
    return remote


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
