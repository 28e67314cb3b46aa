"""DNS: the A/AAAA/CNAME records of the app's host (and its CDN host) made to match what they
should be, on Cloudflare or Route53, behind one interface.

``plan`` compares the wanted records with the zone's and lists the changes; ``apply`` makes
them. Nothing here needs Django: ``opsbase new --dns`` uses it before a project exists, and
``manage.py dns plan|apply`` with a project's settings (docs/cdn_config.md).
"""

from .base import (
    MANAGED_TYPES,
    Change,
    DnsConfigError,
    DnsError,
    DnsProvider,
    DnsSettings,
    Record,
    Zone,
    apply,
    plan,
    wanted_records,
)
from .providers import PROVIDERS, provider_for

__all__ = [
    "MANAGED_TYPES",
    "PROVIDERS",
    "Change",
    "DnsConfigError",
    "DnsError",
    "DnsProvider",
    "DnsSettings",
    "Record",
    "Zone",
    "apply",
    "plan",
    "provider_for",
    "wanted_records",
]
