"""DNS: the records of the app's host (and its CDN host) made to match, behind one interface.
Route53 is moto's server on loopback (boto3 in the loop); Cloudflare is its HTTP API served on
loopback to the official SDK."""

from __future__ import annotations

import io
import secrets

import boto3
import pytest
from django.core.management import CommandError, call_command

from opsbase.services.dns import (
    DnsConfigError,
    DnsError,
    apply,
    plan,
    provider_for,
    wanted_records,
)

from .fake_cloudflare import FakeCloudflare


class Route53Zone:
    """A hosted zone of the moto server, with helpers to read and seed it."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        self.name = f"z{secrets.token_hex(4)}.test"
        self.client = boto3.client("route53", endpoint_url=endpoint, region_name="us-east-1")
        made = self.client.create_hosted_zone(Name=self.name, CallerReference=self.name)
        self.id = made["HostedZone"]["Id"].rsplit("/", 1)[-1]

    def provider(self):
        return provider_for("route53", endpoint_url=self.endpoint)

    def add(self, name: str, kind: str, *values: str, ttl: int = 300) -> None:
        self.client.change_resource_record_sets(
            HostedZoneId=self.id,
            ChangeBatch={"Changes": [{"Action": "CREATE", "ResourceRecordSet": {
                "Name": name, "Type": kind, "TTL": ttl,
                "ResourceRecords": [{"Value": v} for v in values]}}]},
        )  # fmt: skip

    def at(self, name: str) -> set[tuple[str, tuple[str, ...], int]]:
        sets = self.client.list_resource_record_sets(HostedZoneId=self.id)["ResourceRecordSets"]
        return {
            (
                s["Type"],
                tuple(sorted(r["Value"].rstrip(".") for r in s["ResourceRecords"])),
                s["TTL"],
            )
            for s in sets
            if s["Name"].rstrip(".") == name
        }


class CloudflareZone:
    def __init__(self, fake: FakeCloudflare) -> None:
        self.fake = fake
        self.name = f"z{secrets.token_hex(4)}.test"
        self.id = fake.add_zone(self.name)

    def provider(self):
        return provider_for(
            "cloudflare", cloudflare_token=self.fake.token, endpoint_url=self.fake.base_url
        )

    def add(self, name: str, kind: str, *values: str, ttl: int = 300) -> None:
        for value in values:
            self.fake.add_record(self.id, name, kind, value, ttl=ttl)

    def at(self, name: str) -> set[tuple[str, tuple[str, ...], int]]:
        grouped: dict[tuple[str, int], list[str]] = {}
        for kind, content, ttl, _proxied in self.fake.at(name):
            grouped.setdefault((kind, ttl), []).append(content)
        return {(kind, tuple(sorted(values)), ttl) for (kind, ttl), values in grouped.items()}


@pytest.fixture
def fake_cloudflare():
    fake = FakeCloudflare().start()
    yield fake
    fake.stop()


@pytest.fixture(params=["route53", "cloudflare"])
def zone(request, moto_server, fake_cloudflare):
    if request.param == "route53":
        return Route53Zone(moto_server)
    return CloudflareZone(fake_cloudflare)


def sync(zone, **wanted):
    provider = zone.provider()
    changes = plan(provider, wanted_records(**wanted))
    apply(provider, changes)
    return [change.describe() for _zone, change in changes]


def test_an_empty_zone_gets_the_apps_a_and_aaaa_records_then_nothing_more(zone):
    host = f"shop.{zone.name}"
    wanted = {"public_url": f"https://{host}", "target": "203.0.113.10, 2001:db8::10"}

    made = sync(zone, **wanted)
    again = plan(zone.provider(), wanted_records(**wanted))

    assert made == [
        f"+ create A {host} -> 203.0.113.10, ttl 300"
        + (", not proxied" if "Cloudflare" in type(zone).__name__ else ""),
        f"+ create AAAA {host} -> 2001:db8::10, ttl 300"
        + (", not proxied" if "Cloudflare" in type(zone).__name__ else ""),
    ]
    assert zone.at(host) == {("A", ("203.0.113.10",), 300), ("AAAA", ("2001:db8::10",), 300)}
    assert again == []


def test_a_moved_server_updates_the_address_and_leaves_other_records_alone(zone):
    host = f"shop.{zone.name}"
    zone.add(host, "A", "198.51.100.7", "198.51.100.8", ttl=3600)
    zone.add(host, "TXT", '"v=spf1 -all"')

    made = sync(zone, public_url=f"https://{host}", target="203.0.113.10", ttl=300)

    assert len(made) == 1 and made[0].startswith(f"~ update A {host} -> 198.51.100.7, 198.51.100.8")
    assert ("A", ("203.0.113.10",), 300) in zone.at(host)
    assert {kind for kind, _values, _ttl in zone.at(host)} == {"A", "TXT"}


def test_a_cname_gives_way_to_addresses_and_the_cdn_host_gets_its_cname(zone):
    host, cdn = f"shop.{zone.name}", f"cdn.{zone.name}"
    zone.add(host, "CNAME", "old-lb.example.net")

    made = sync(
        zone, public_url=f"https://{host}", target="203.0.113.10",
        cdn_url=f"https://{cdn}", cdn_target="shop-assets.r2.dev",
    )  # fmt: skip

    assert made[0].startswith(f"- delete CNAME {host} -> old-lb.example.net")
    assert zone.at(host) == {("A", ("203.0.113.10",), 300)}
    assert zone.at(cdn) == {("CNAME", ("shop-assets.r2.dev",), 300)}


def test_the_zone_is_the_longest_suffix_the_account_holds(zone):
    host = f"app.eu.{zone.name}"

    found = zone.provider().find_zone(host)

    assert found.name == zone.name


def test_a_host_in_no_zone_of_the_account_is_named(zone):
    with pytest.raises(DnsError) as stopped:
        zone.provider().find_zone("shop.elsewhere-unknown.test")

    assert "no zone of this account holds shop.elsewhere-unknown.test" in str(stopped.value)


@pytest.mark.parametrize(
    ("target", "words"),
    [
        ("not an address!", "neither an IP address nor a host name"),
        ("203.0.113.10,lb.example.net", "mixes a host name"),
        ("", "no target"),
    ],
)
def test_a_target_that_is_no_address_is_refused_before_any_request(target, words):
    with pytest.raises(DnsConfigError) as stopped:
        wanted_records(public_url="https://shop.example.com", target=target)

    assert words in str(stopped.value)


def test_cloudflare_refusing_a_write_says_what_and_how_to_fix(fake_cloudflare):
    zone = CloudflareZone(fake_cloudflare)
    fake_cloudflare.fail_writes = (403, 10000, "Authentication error")
    provider = zone.provider()
    changes = plan(
        provider, wanted_records(public_url=f"https://shop.{zone.name}", target="203.0.113.10")
    )

    with pytest.raises(DnsError) as stopped:
        apply(provider, changes)

    message = str(stopped.value)
    assert f"Cloudflare refused creating A shop.{zone.name} -> 203.0.113.10 (HTTP 403)" in message
    assert "[10000] Authentication error" in message
    assert "Zone > DNS > Edit" in message
    assert fake_cloudflare.at(f"shop.{zone.name}") == set()


def test_a_bad_cloudflare_token_is_named_at_the_first_request(fake_cloudflare):
    zone = CloudflareZone(fake_cloudflare)
    provider = provider_for(
        "cloudflare", cloudflare_token="wrong", endpoint_url=fake_cloudflare.base_url
    )

    with pytest.raises(DnsError) as stopped:
        provider.find_zone(f"shop.{zone.name}")

    assert "[9109] Invalid access token" in str(stopped.value)
    assert "CLOUDFLARE_API_TOKEN" in str(stopped.value)


def test_cloudflare_proxied_records_keep_the_automatic_ttl(fake_cloudflare):
    zone = CloudflareZone(fake_cloudflare)
    wanted = wanted_records(
        public_url=f"https://shop.{zone.name}", target="203.0.113.10", proxied=True
    )

    apply(zone.provider(), plan(zone.provider(), wanted))

    assert fake_cloudflare.at(f"shop.{zone.name}") == {("A", "203.0.113.10", 1, True)}
    assert plan(zone.provider(), wanted) == []


def test_cloudflare_without_a_token_says_where_to_get_one():
    with pytest.raises(DnsConfigError) as stopped:
        provider_for("cloudflare", cloudflare_token=None)

    assert "CLOUDFLARE_API_TOKEN" in str(stopped.value)


# -- manage.py dns ------------------------------------------------------------------------------


def dns(*args: str) -> str:
    out = io.StringIO()
    call_command("dns", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def route53_env(moto_server, monkeypatch, settings):
    zone = Route53Zone(moto_server)
    monkeypatch.setenv("AWS_ENDPOINT_URL_ROUTE_53", moto_server)
    monkeypatch.setenv("OPSBASE_DNS_PROVIDER", "route53")
    monkeypatch.setenv("OPSBASE_DNS_TARGET", "203.0.113.10")
    monkeypatch.setenv("OPSBASE_CDN_DNS_TARGET", "d111111abcdef8.cloudfront.net")
    settings.OPSBASE_PUBLIC_URL = f"https://shop.{zone.name}"
    settings.OPSBASE_CDN_URL = f"https://cdn.{zone.name}"
    return zone


def test_dns_plan_prints_the_changes_and_makes_none_then_apply_makes_them(route53_env):
    zone = route53_env

    planned = dns("plan")
    untouched = zone.at(f"shop.{zone.name}")
    applied = dns("apply")
    settled = dns("plan")

    assert f"+ create A shop.{zone.name} -> 203.0.113.10, ttl 300" in planned
    assert f"+ create CNAME cdn.{zone.name} -> d111111abcdef8.cloudfront.net" in planned
    assert "2 change(s) planned" in planned
    assert untouched == set()
    assert "2 change(s) made on route53" in applied
    assert zone.at(f"shop.{zone.name}") == {("A", ("203.0.113.10",), 300)}
    assert zone.at(f"cdn.{zone.name}") == {("CNAME", ("d111111abcdef8.cloudfront.net",), 300)}
    assert "already matches" in settled


def test_dns_on_cloudflare_through_the_environment(fake_cloudflare, monkeypatch, settings):
    zone = CloudflareZone(fake_cloudflare)
    monkeypatch.setenv("CLOUDFLARE_BASE_URL", fake_cloudflare.base_url)
    monkeypatch.setenv("CLOUDFLARE_API_TOKEN", fake_cloudflare.token)
    monkeypatch.setenv("OPSBASE_DNS_PROVIDER", "cloudflare")
    monkeypatch.setenv("OPSBASE_DNS_TARGET", "lb.example.net")
    settings.OPSBASE_PUBLIC_URL = f"https://shop.{zone.name}"
    settings.OPSBASE_CDN_URL = None

    applied = dns("apply")

    assert "1 change(s) made on cloudflare" in applied
    assert fake_cloudflare.at(f"shop.{zone.name}") == {("CNAME", "lb.example.net", 300, False)}


@pytest.mark.parametrize(
    ("variable", "value", "words"),
    [
        ("OPSBASE_DNS_PROVIDER", "godaddy", "'godaddy' is not supported"),
        ("OPSBASE_DNS_TARGET", "", "set OPSBASE_DNS_TARGET"),
        ("OPSBASE_DNS_TARGET", "999.1.1.1", "neither an IP address nor a host name"),
    ],
)
def test_dns_names_the_setting_that_cannot_work(route53_env, monkeypatch, variable, value, words):
    monkeypatch.setenv(variable, value)

    with pytest.raises(CommandError) as stopped:
        dns("plan")

    assert words in str(stopped.value)
    assert stopped.value.returncode == 2
