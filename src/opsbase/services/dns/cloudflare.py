"""Cloudflare DNS through the official SDK (``cloudflare``), with an API token."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from .base import MANAGED_TYPES, Change, DnsError, DnsProvider, Record, Zone

_FIXES = {
    401: "the token is not valid: create a new one and set CLOUDFLARE_API_TOKEN",
    403: "give the token the Zone > DNS > Edit permission on this zone (API Tokens in the "
    "Cloudflare dashboard), or set CLOUDFLARE_API_TOKEN to one that has it",
    429: "Cloudflare limits the rate of requests: wait a minute and run again",
}


class CloudflareDns(DnsProvider):
    key = "cloudflare"
    proxies = True

    def __init__(self, token: str, *, base_url: str | None = None) -> None:
        from cloudflare import Cloudflare

        # CLOUDFLARE_BASE_URL is read by the SDK itself when no base_url is given.
        self.client = Cloudflare(api_token=token, base_url=base_url, max_retries=1, timeout=30)
        # The id of each record listed, by zone, name, type and value: updates address them.
        self._ids: dict[tuple[str, str, str], dict[str, str]] = {}

    def zone_named(self, name: str) -> Zone | None:
        # A name matches one zone at most: the first page is the answer.
        zones = self._call(
            f"looking up the zone {name}", lambda: self.client.zones.list(name=name).result
        )
        for zone in zones:
            if zone.name.lower() == name:
                return Zone(id=zone.id, name=zone.name.lower())
        return None

    def records_at(self, zone: Zone, name: str) -> list[Record]:
        found = self._call(
            f"listing the records of {name}",
            lambda: list(
                self.client.dns.records.list(zone_id=zone.id, name={"exact": name}, per_page=100)
            ),
        )
        grouped: dict[str, list[Any]] = {}
        for item in found:
            if item.type in MANAGED_TYPES and item.name.lower() == name:
                grouped.setdefault(item.type, []).append(item)
        records = []
        for kind, items in grouped.items():
            self._ids[(zone.id, name, kind)] = {item.content.lower(): item.id for item in items}
            records.append(
                Record(
                    name=name,
                    type=kind,
                    values=tuple(sorted(item.content.lower() for item in items)),
                    ttl=int(items[0].ttl),
                    proxied=bool(items[0].proxied),
                )
            )
        return records

    def apply_changes(self, zone: Zone, changes: Sequence[Change]) -> None:
        for change in changes:
            record = change.record
            ids = self._ids.get((zone.id, record.name, record.type), {})
            old = set(change.before.values) if change.before else set()
            new = set(change.after.values) if change.after else set()
            removed, added = sorted(old - new), sorted(new - old)
            # A value replaced by another keeps its record (and id): updated in place.
            for value, replacement in zip(removed, added, strict=False):
                self._write(zone, change, replacement, record_id=ids[value])
            for value in removed[len(added) :]:
                self._call(
                    f"deleting {record.type} {record.name} -> {value}",
                    partial(self.client.dns.records.delete, ids[value], zone_id=zone.id),
                )
            for value in added[len(removed) :]:
                self._write(zone, change, value)
            if change.before and change.after:
                for value in sorted(old & new):
                    if (change.before.ttl, change.before.proxied) != (
                        change.after.ttl,
                        change.after.proxied,
                    ):
                        self._write(zone, change, value, record_id=ids[value])

    def _write(
        self, zone: Zone, change: Change, value: str, *, record_id: str | None = None
    ) -> None:
        after = change.after
        assert after is not None  # noqa: S101 - only creations and updates write
        fields: dict[str, Any] = {
            "zone_id": zone.id,
            "name": after.name,
            "type": after.type,
            "content": value,
            "ttl": after.ttl,
            "proxied": bool(after.proxied),
            "comment": "managed by OpsBase (manage.py dns)",
        }
        what = f"{'updating' if record_id else 'creating'} {after.type} {after.name} -> {value}"
        if record_id:
            self._call(what, lambda: self.client.dns.records.update(record_id, **fields))
        else:
            self._call(what, lambda: self.client.dns.records.create(**fields))

    def _call(self, what: str, function: Callable[[], Any]) -> Any:
        import cloudflare

        try:
            return function()
        except cloudflare.APIStatusError as error:
            reasons = _reasons(error.body) or error.message
            raise DnsError(
                f"Cloudflare refused {what} (HTTP {error.status_code}): {reasons}",
                _FIXES.get(error.status_code, "see the message above and docs/cdn_config.md"),
            ) from None
        except cloudflare.APIConnectionError as error:
            raise DnsError(
                f"Cloudflare did not answer while {what}: {error}",
                "check the network (api.cloudflare.com, HTTPS) and run again",
            ) from None


def _reasons(body: object) -> str:
    """Cloudflare's own error lines: ``[code] message`` each."""
    if not isinstance(body, dict):
        return ""
    errors = body.get("errors") or []
    return "; ".join(
        f"[{item.get('code')}] {item.get('message')}" for item in errors if isinstance(item, dict)
    )
