"""The DNS providers by name, and how each is made from settings or options."""

from __future__ import annotations

from .base import DnsConfigError, DnsProvider

PROVIDERS = ("cloudflare", "route53")


def provider_for(
    name: str | None,
    *,
    cloudflare_token: str | None = None,
    endpoint_url: str | None = None,
) -> DnsProvider:
    """The provider *name*, or a DnsError naming what is missing."""
    if name == "cloudflare":
        from .cloudflare import CloudflareDns

        if not cloudflare_token:
            raise DnsConfigError(
                "Cloudflare needs an API token and none is set",
                "create one with the Zone > DNS > Edit permission (dash.cloudflare.com > My "
                "Profile > API Tokens) and set CLOUDFLARE_API_TOKEN",
            )
        return CloudflareDns(cloudflare_token, base_url=endpoint_url)
    if name == "route53":
        from .route53 import Route53Dns

        return Route53Dns(endpoint_url=endpoint_url)
    raise DnsConfigError(
        f"DNS provider {name!r} is not supported" if name else "no DNS provider is chosen",
        "set OPSBASE_DNS_PROVIDER to one of " + ", ".join(PROVIDERS),
    )
