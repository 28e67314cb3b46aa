"""The DNS interface: records, changes, the provider contract, and plan/apply."""

from __future__ import annotations

import ipaddress
import os
import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal
from urllib.parse import urlsplit

#: The record types this manages at a host; any other type (MX, TXT...) is never touched.
MANAGED_TYPES = ("A", "AAAA", "CNAME")
DEFAULT_TTL = 300

_HOSTNAME = re.compile(r"^(?=.{1,253}$)([a-z0-9_]([a-z0-9-_]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class DnsError(Exception):
    """A DNS operation that could not be done: what went wrong and how to fix it."""

    def __init__(self, message: str, fix: str = "") -> None:
        super().__init__(f"{message}; {fix}" if fix else message)
        self.message = message
        self.fix = fix


class DnsConfigError(DnsError):
    """A setting or option that cannot work; nothing was asked of the provider."""


@dataclass(frozen=True)
class Zone:
    id: str
    name: str


@dataclass(frozen=True)
class Record:
    """The records of one type at one name: every value, one TTL."""

    name: str
    type: str
    values: tuple[str, ...]
    ttl: int = DEFAULT_TTL
    proxied: bool | None = None  # Cloudflare's proxy; None where a provider has none

    def describe(self) -> str:
        extra = f", ttl {self.ttl}"
        if self.proxied is not None:
            extra += ", proxied" if self.proxied else ", not proxied"
        return f"{self.type} {self.name} -> {', '.join(self.values)}{extra.rstrip()}"


@dataclass(frozen=True)
class Change:
    action: Literal["create", "update", "delete"]
    before: Record | None
    after: Record | None

    @property
    def record(self) -> Record:
        record = self.after or self.before
        assert record is not None  # noqa: S101 - a change has one side at least
        return record

    def describe(self) -> str:
        if self.action == "create" and self.after:
            return f"+ create {self.after.describe()}"
        if self.action == "delete" and self.before:
            return f"- delete {self.before.describe()}"
        assert self.before and self.after  # noqa: S101
        return (
            f"~ update {self.before.describe()}  =>  {', '.join(self.after.values)}"
            + (f" (ttl {self.after.ttl})" if self.after.ttl != self.before.ttl else "")
            + (
                f" ({'proxied' if self.after.proxied else 'not proxied'})"
                if self.after.proxied is not None and self.after.proxied != self.before.proxied
                else ""
            )
        )


class DnsProvider(ABC):
    """One DNS hosting service. Implementations turn every failure into a DnsError."""

    #: How the provider is named in settings and messages ("cloudflare", "route53").
    key: str = ""
    #: Whether records carry Cloudflare's proxied flag.
    proxies: bool = False

    @abstractmethod
    def zone_named(self, name: str) -> Zone | None:
        """The zone whose apex is exactly *name*, or None."""

    @abstractmethod
    def records_at(self, zone: Zone, name: str) -> list[Record]:
        """The A, AAAA and CNAME records at *name* (one Record per type)."""

    @abstractmethod
    def apply_changes(self, zone: Zone, changes: Sequence[Change]) -> None:
        """Make *changes* (deletions first, as given)."""

    def find_zone(self, host: str, *, zone: str | None = None) -> Zone:
        """The zone that holds *host*: *zone* when named, else the longest suffix of *host*
        that the account hosts."""
        host = normalize(host)
        if zone:
            found = self.zone_named(normalize(zone))
            if found is None:
                raise DnsError(
                    f"{self.key}: no zone {zone!r} in this account",
                    "check OPSBASE_DNS_ZONE (--dns-zone) and that the credentials can see it",
                )
            if host != found.name and not host.endswith("." + found.name):
                raise DnsError(
                    f"{host} is not in the zone {found.name}",
                    "name the zone that holds the host, or leave the zone out to find it",
                )
            return found
        labels = host.split(".")
        for start in range(len(labels) - 1):
            found = self.zone_named(".".join(labels[start:]))
            if found is not None:
                return found
        raise DnsError(
            f"{self.key}: no zone of this account holds {host}",
            f"add the domain to your {self.key} account, or check the credentials' access",
        )


def normalize(name: str) -> str:
    return name.strip().rstrip(".").lower()


def target_records(
    host: str, target: str | Iterable[str], *, ttl: int = DEFAULT_TTL, proxied: bool | None = None
) -> list[Record]:
    """What *host* should resolve to: A/AAAA records for IP addresses, or one CNAME for a host
    name. Raises DnsError on a target that is neither."""
    items = [t.strip() for t in (target.split(",") if isinstance(target, str) else target)]
    items = [t for t in items if t]
    if not items:
        raise DnsConfigError(f"no target for {host}", "give its IP addresses or a host name")
    v4: list[str] = []
    v6: list[str] = []
    names: list[str] = []
    for item in items:
        try:
            address = ipaddress.ip_address(item)
        except ValueError:
            if not _HOSTNAME.match(normalize(item)):
                raise DnsConfigError(
                    f"DNS target {item!r} is neither an IP address nor a host name",
                    "give e.g. 203.0.113.10, 2001:db8::10 or lb.example.net",
                ) from None
            names.append(normalize(item))
            continue
        (v4 if address.version == 4 else v6).append(str(address))
    if names and (v4 or v6 or len(names) > 1):
        raise DnsConfigError(
            f"DNS target for {host} mixes a host name with other values",
            "give either IP addresses or one host name (a CNAME)",
        )
    host = normalize(host)
    if names:
        return [Record(host, "CNAME", (names[0],), ttl, proxied)]
    records = []
    if v4:
        records.append(Record(host, "A", tuple(sorted(set(v4))), ttl, proxied))
    if v6:
        records.append(Record(host, "AAAA", tuple(sorted(set(v6))), ttl, proxied))
    return records


def host_of(url: str) -> str:
    host = urlsplit(url).hostname
    if not host:
        raise DnsConfigError(
            f"{url!r} names no host", "give a URL such as https://shop.example.com"
        )
    return normalize(host)


def wanted_records(
    *,
    public_url: str,
    target: str | Iterable[str],
    cdn_url: str | None = None,
    cdn_target: str | None = None,
    ttl: int = DEFAULT_TTL,
    proxied: bool | None = None,
) -> list[Record]:
    """The records of the app's host and, when both are given, of the CDN's host."""
    records = target_records(host_of(public_url), target, ttl=ttl, proxied=proxied)
    if cdn_url and cdn_target:
        cdn_host = host_of(cdn_url)
        if cdn_host != host_of(public_url):
            records += target_records(cdn_host, cdn_target, ttl=ttl, proxied=proxied)
    return records


def plan(
    provider: DnsProvider, wanted: Sequence[Record], *, zone: str | None = None
) -> list[tuple[Zone, Change]]:
    """The changes that make each wanted name's A/AAAA/CNAME records exactly *wanted*."""
    changes: list[tuple[Zone, Change]] = []
    by_name: dict[str, list[Record]] = {}
    for record in wanted:
        by_name.setdefault(record.name, []).append(record)
    for name, records in by_name.items():
        found = provider.find_zone(name, zone=zone)
        current = {r.type: r for r in provider.records_at(found, name)}
        want = {r.type: r for r in records}
        if not provider.proxies:
            want = {t: replace(r, proxied=None) for t, r in want.items()}
        else:
            # A proxied record's TTL is Cloudflare's "automatic" (1), whatever is asked.
            want = {
                t: replace(r, proxied=bool(r.proxied), ttl=1 if r.proxied else r.ttl)
                for t, r in want.items()
            }
        # Deletions first: a CNAME cannot stay beside an A record, nor the other way round.
        for kind, record in current.items():
            if kind not in want:
                changes.append((found, Change("delete", record, None)))
        for kind, record in want.items():
            before = current.get(kind)
            if before is None:
                changes.append((found, Change("create", None, record)))
            elif _differs(before, record):
                changes.append((found, Change("update", before, record)))
    return changes


def _differs(before: Record, after: Record) -> bool:
    # Host names are compared without regard to letter case, as DNS does.
    if {v.lower() for v in before.values} != {v.lower() for v in after.values}:
        return True
    if before.ttl != after.ttl:
        return True
    return after.proxied is not None and before.proxied != after.proxied


def apply(provider: DnsProvider, changes: Sequence[tuple[Zone, Change]]) -> None:
    """Make the planned *changes*, zone by zone."""
    zones: dict[str, tuple[Zone, list[Change]]] = {}
    for zone, change in changes:
        zones.setdefault(zone.id, (zone, []))[1].append(change)
    for zone, zone_changes in zones.values():
        provider.apply_changes(zone, zone_changes)


@dataclass
class DnsSettings:
    """What `manage.py dns` and `opsbase new --dns` need, from the environment."""

    provider: str | None = None
    target: str | None = None
    zone: str | None = None
    cdn_target: str | None = None
    ttl: int = DEFAULT_TTL
    proxied: bool = False
    cloudflare_token: str | None = field(default=None, repr=False)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> DnsSettings:
        env = os.environ if environ is None else environ

        def value(name: str) -> str | None:
            return (env.get(name) or "").strip() or None

        ttl_text = value("OPSBASE_DNS_TTL") or str(DEFAULT_TTL)
        try:
            ttl = int(ttl_text)
        except ValueError:
            raise DnsConfigError(
                f"OPSBASE_DNS_TTL is {ttl_text!r}, not a number of seconds", "e.g. 300"
            ) from None
        return cls(
            provider=(value("OPSBASE_DNS_PROVIDER") or "").lower() or None,
            target=value("OPSBASE_DNS_TARGET"),
            zone=value("OPSBASE_DNS_ZONE"),
            cdn_target=value("OPSBASE_CDN_DNS_TARGET"),
            ttl=ttl,
            proxied=(value("OPSBASE_DNS_PROXIED") or "").lower() in ("1", "true", "yes", "on"),
            cloudflare_token=value("CLOUDFLARE_API_TOKEN"),
        )
