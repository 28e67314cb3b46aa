"""Cloudflare's API as its HTTP boundary behaves, served on loopback for the official SDK:
zones, DNS records (list with name.exact and paging, create, update, delete), the bearer
token checked, and Cloudflare's error envelope. Tests point the SDK at it (base_url, or
CLOUDFLARE_BASE_URL for a subprocess)."""

from __future__ import annotations

import json
import secrets
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

PREFIX = "/client/v4"


@dataclass
class FakeCloudflare:
    token: str = "cf-test-token"
    zones: dict[str, str] = field(default_factory=dict)  # id -> name
    records: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> record
    requests: list[tuple[str, str]] = field(default_factory=list)
    #: The next write answers this (status, code, message) instead.
    fail_writes: tuple[int, int, str] | None = None
    server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}{PREFIX}"

    def add_zone(self, name: str) -> str:
        zone_id = secrets.token_hex(16)
        self.zones[zone_id] = name
        return zone_id

    def add_record(self, zone_id: str, name: str, kind: str, content: str, **extra: Any) -> str:
        record_id = secrets.token_hex(16)
        self.records[record_id] = {
            "id": record_id,
            "zone_id": zone_id,
            "name": name,
            "type": kind,
            "content": content,
            "ttl": extra.get("ttl", 300),
            "proxied": extra.get("proxied", False),
        }
        return record_id

    def at(self, name: str) -> set[tuple[str, str, int, bool]]:
        """The (type, content, ttl, proxied) of every record named *name*."""
        return {
            (r["type"], r["content"], r["ttl"], r["proxied"])
            for r in self.records.values()
            if r["name"] == name
        }

    def start(self) -> FakeCloudflare:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                fake.handle(self, "GET")

            def do_POST(self) -> None:
                fake.handle(self, "POST")

            def do_PUT(self) -> None:
                fake.handle(self, "PUT")

            def do_DELETE(self) -> None:
                fake.handle(self, "DELETE")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    # -- the API ------------------------------------------------------------------------------

    def handle(self, request: BaseHTTPRequestHandler, method: str) -> None:
        url = urlsplit(request.path)
        query = {key: values[0] for key, values in parse_qs(url.query).items()}
        length = int(request.headers.get("Content-Length") or 0)
        body = json.loads(request.rfile.read(length) or b"{}") if length else {}
        self.requests.append((method, url.path))
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return self._error(request, 403, 9109, "Invalid access token")
        parts = url.path.removeprefix(PREFIX).strip("/").split("/")
        if parts == ["zones"] and method == "GET":
            found = [
                {"id": zid, "name": name, "status": "active"}
                for zid, name in self.zones.items()
                if query.get("name") in (None, name)
            ]
            return self._page(request, found, query)
        if len(parts) >= 3 and parts[0] == "zones" and parts[2] == "dns_records":
            zone_id = parts[1]
            if zone_id not in self.zones:
                return self._error(
                    request,
                    404,
                    7003,
                    "Could not route to /zones/..., perhaps your object identifier is invalid?",
                )
            if method != "GET" and self.fail_writes:
                status, code, message = self.fail_writes
                self.fail_writes = None
                return self._error(request, status, code, message)
            if len(parts) == 3 and method == "GET":
                wanted = query.get("name.exact") or query.get("name")
                found = [
                    r
                    for r in self.records.values()
                    if r["zone_id"] == zone_id and wanted in (None, r["name"])
                ]
                return self._page(request, found, query)
            if len(parts) == 3 and method == "POST":
                record_id = self.add_record(
                    zone_id, body["name"], body["type"], body["content"],
                    ttl=body.get("ttl", 1), proxied=body.get("proxied", False),
                )  # fmt: skip
                return self._ok(request, self.records[record_id])
            record_id = parts[3] if len(parts) == 4 else ""
            if record_id not in self.records:
                return self._error(request, 404, 81044, "Record does not exist.")
            if method == "PUT":
                self.records[record_id].update(
                    {k: body[k] for k in ("name", "type", "content", "ttl", "proxied") if k in body}
                )
                return self._ok(request, self.records[record_id])
            if method == "DELETE":
                del self.records[record_id]
                return self._ok(request, {"id": record_id})
        return self._error(request, 404, 7000, "No route for that URI")

    def _page(self, request: BaseHTTPRequestHandler, items: list, query: dict) -> None:
        page, per_page = int(float(query.get("page", 1))), int(float(query.get("per_page", 20)))
        chunk = items[(page - 1) * per_page : page * per_page]
        info = {"page": page, "per_page": per_page, "count": len(chunk), "total_count": len(items)}
        self._send(request, 200, {"success": True, "errors": [], "messages": [],
                                  "result": chunk, "result_info": info})  # fmt: skip

    def _ok(self, request: BaseHTTPRequestHandler, result: Any) -> None:
        self._send(request, 200, {"success": True, "errors": [], "messages": [], "result": result})

    def _error(self, request: BaseHTTPRequestHandler, status: int, code: int, message: str) -> None:
        errors = [{"code": code, "message": message}]
        self._send(
            request, status, {"success": False, "errors": errors, "messages": [], "result": None}
        )

    @staticmethod
    def _send(request: BaseHTTPRequestHandler, status: int, payload: dict) -> None:
        data = json.dumps(payload).encode()
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)
