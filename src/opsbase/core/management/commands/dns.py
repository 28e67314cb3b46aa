from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from opsbase.services.dns import (
    DnsConfigError,
    DnsError,
    DnsSettings,
    apply,
    plan,
    provider_for,
    wanted_records,
)


class Command(BaseCommand):
    help = (
        "Make the DNS records (A/AAAA/CNAME) of the app's public URL and of its CDN host match "
        "OPSBASE_DNS_TARGET and OPSBASE_CDN_DNS_TARGET, on Cloudflare or Route53 "
        "(OPSBASE_DNS_PROVIDER). `plan` prints the changes; `apply` makes them."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("action", choices=("plan", "apply"))
        parser.add_argument("--zone", help="The zone (default: OPSBASE_DNS_ZONE, else found).")
        parser.add_argument(
            "--target",
            help="IP addresses (comma-separated) or a host name for the app's host "
            "(default: OPSBASE_DNS_TARGET).",
        )

    def handle(self, *args, action="plan", zone=None, target=None, **options):
        try:
            config = DnsSettings.from_env()
            target = target or config.target
            public_url = getattr(settings, "OPSBASE_PUBLIC_URL", "")
            if not public_url:
                raise DnsConfigError(
                    "the app's public URL is not known",
                    "set OPSBASE_PUBLIC_URL (or CSRF_TRUSTED_ORIGINS), e.g. "
                    "https://shop.example.com",
                )
            if not target:
                raise DnsConfigError(
                    "no DNS target for the app's host",
                    "set OPSBASE_DNS_TARGET to this server's public IP addresses "
                    "(comma-separated) or to a host name, or pass --target",
                )
            cdn_url = getattr(settings, "OPSBASE_CDN_URL", None)
            wanted = wanted_records(
                public_url=public_url,
                target=target,
                cdn_url=cdn_url,
                cdn_target=config.cdn_target,
                ttl=config.ttl,
                proxied=config.proxied,
            )
            provider = provider_for(config.provider, cloudflare_token=config.cloudflare_token)
            changes = plan(provider, wanted, zone=zone or config.zone)
            if cdn_url and not config.cdn_target:
                self.stdout.write(
                    "note: OPSBASE_CDN_URL is set but OPSBASE_CDN_DNS_TARGET is not: the CDN "
                    "host's record is left as it is"
                )
            if not changes:
                self.stdout.write(
                    f"dns: {provider.key} already matches: "
                    + "; ".join(record.describe() for record in wanted)
                )
                return
            for _zone, change in changes:
                self.stdout.write(change.describe())
            if action == "plan":
                self.stdout.write(
                    f"dns: {len(changes)} change(s) planned; `manage.py dns apply` makes them"
                )
                return
            apply(provider, changes)
            self.stdout.write(f"dns: {len(changes)} change(s) made on {provider.key}")
        except DnsError as error:
            code = 2 if isinstance(error, DnsConfigError) else 1
            raise CommandError(str(error), returncode=code) from None
