"""`opsbase new --dns cloudflare|route53`: the credentials and the zone checked in preflight
(exit 2, one line, nothing made), then the record made by its own step, before the web
server and the public-URL checks. Cloudflare is its API served on loopback to the official
SDK; Route53 is moto's server on loopback."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

import boto3
import pytest
from rich.console import Console

from opsbase.provision.errors import StepFailed
from opsbase.provision.inputs import Inputs
from opsbase.provision.journal import DONE, FAILED, Journal
from opsbase.provision.runner import STEPS, Provisioner
from tests.moto import AWS_ENV, moto_endpoint
from tests.services.fake_cloudflare import FakeCloudflare

from .conftest import cli_env, opsbase


@pytest.fixture
def fake_cloudflare():
    fake = FakeCloudflare().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def moto_server():
    with moto_endpoint() as url:
        yield url


def new(workdir: Path, *args: str, env: dict[str, str], zone: str = "example.test"):
    """`opsbase new` up to preflight's end (or the plan, with --dry-run)."""
    name = f"dns_{secrets.token_hex(3)}"
    return opsbase(
        "new", "--dest", str(workdir / "project"), "--name", name,
        "--url", f"https://shop.{zone}", "--database", "sqlite", "--python", "current",
        "--no-input", "--skip-system-packages", "--no-deploy", *args,
        cwd=workdir, env=env,
    )  # fmt: skip


def without_credentials(workdir: Path, **extra: str) -> dict[str, str]:
    env = cli_env(workdir, **extra)
    for name in ("CLOUDFLARE_API_TOKEN", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                 "AWS_PROFILE", "AWS_SESSION_TOKEN"):  # fmt: skip
        env.pop(name, None)
    env.update(AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull,
               AWS_EC2_METADATA_DISABLED="true")  # fmt: skip
    env.update(extra)
    return env


def refused(result, workdir: Path) -> str:
    assert result.returncode == 2, result.stdout[-2000:] + result.stderr[-2000:]
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("opsbase: error: "), result.stderr
    assert not (workdir / "project").exists()
    return lines[0]


def test_cloudflare_without_a_token_is_refused_naming_the_variable(workdir: Path):
    result = new(workdir, "--dns", "cloudflare", "--dns-target", "203.0.113.10",
                 env=without_credentials(workdir))  # fmt: skip

    line = refused(result, workdir)
    assert "--dns cloudflare: Cloudflare needs an API token and none is set" in line
    assert "set CLOUDFLARE_API_TOKEN" in line and "--dns-token" in line


def test_route53_without_aws_credentials_is_refused_naming_them(workdir: Path):
    result = new(workdir, "--dns", "route53", "--dns-target", "203.0.113.10",
                 env=without_credentials(workdir))  # fmt: skip

    line = refused(result, workdir)
    assert "Route53 needs AWS credentials" in line and "AWS_ACCESS_KEY_ID" in line


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (
            ("--dns", "godaddy", "--dns-target", "203.0.113.10"),
            "pass --dns cloudflare or --dns route53",
        ),
        (("--dns", "cloudflare"), "pass --dns-target with this server's public IP address"),
        (
            ("--dns", "route53", "--dns-target", "300.1.2.3"),
            "neither an IP address nor a host name",
        ),
    ],
)
def test_a_dns_option_that_cannot_work_is_refused(workdir: Path, args, words):
    result = new(workdir, *args, env=without_credentials(workdir))

    assert words in refused(result, workdir)


def test_a_token_cloudflare_refuses_is_refused_before_anything_is_made(workdir, fake_cloudflare):
    fake_cloudflare.add_zone("example.test")
    env = without_credentials(workdir, CLOUDFLARE_BASE_URL=fake_cloudflare.base_url,
                              CLOUDFLARE_API_TOKEN="revoked")  # fmt: skip

    result = new(workdir, "--dns", "cloudflare", "--dns-target", "203.0.113.10", env=env)

    line = refused(result, workdir)
    assert "Cloudflare refused looking up the zone" in line and "Invalid access token" in line


def test_a_host_in_no_zone_of_the_account_is_refused(workdir, fake_cloudflare):
    env = without_credentials(workdir, CLOUDFLARE_BASE_URL=fake_cloudflare.base_url)

    result = new(workdir, "--dns", "cloudflare", "--dns-target", "203.0.113.10",
                 "--dns-token", fake_cloudflare.token, env=env)  # fmt: skip

    line = refused(result, workdir)
    assert "no zone of this account holds shop.example.test" in line


def test_dry_run_plans_the_record_and_changes_nothing(workdir, fake_cloudflare):
    fake_cloudflare.add_zone("example.test")
    env = without_credentials(workdir, CLOUDFLARE_BASE_URL=fake_cloudflare.base_url,
                              CLOUDFLARE_API_TOKEN=fake_cloudflare.token)  # fmt: skip

    result = new(workdir, "--dns", "cloudflare", "--dns-target", "203.0.113.10",
                 "--dry-run", "--json", env=env)  # fmt: skip

    assert result.returncode == 0, result.stderr
    plan = {step["step"]: step for step in json.loads(result.stdout)["plan"]}
    assert plan["dns"]["action"].startswith("point shop.example.test at 203.0.113.10 on cloudflare")
    assert plan["dns"]["outside_project"] is True
    assert not any(method != "GET" for method, _path in fake_cloudflare.requests)


# -- the step -------------------------------------------------------------------------------------


def test_the_record_is_made_before_the_web_server_and_its_url_checks():
    keys = [key for key, _title in STEPS]

    assert keys.index("dns") < keys.index("web_server") < keys.index("validation")


def runner_at_dns(tmp_path: Path, inputs: Inputs, **kwargs) -> Provisioner:
    """A provisioning whose steps are done up to the DNS record, and skipped after it."""
    journal = Journal(dest=tmp_path, inputs=inputs.to_journal())
    for key, _title in STEPS:
        if key != "dns":
            journal.mark(key, DONE, "earlier")
    return Provisioner(inputs, console=Console(quiet=True), journal=journal, **kwargs)


def test_route53_gets_the_public_urls_a_record(tmp_path, moto_server, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_ROUTE_53", moto_server)
    for name, value in AWS_ENV.items():
        monkeypatch.setenv(name, value)
    zone = f"z{secrets.token_hex(4)}.test"
    route53 = boto3.client("route53", endpoint_url=moto_server, region_name="us-east-1")
    zone_id = route53.create_hosted_zone(Name=zone, CallerReference=zone)["HostedZone"]["Id"]
    inputs = Inputs(dest=tmp_path, name="shop", url=f"https://shop.{zone}",
                    dns="route53", dns_target="203.0.113.10,2001:db8::10")  # fmt: skip
    (tmp_path / ".env.prod").write_text("DEBUG='false'\nOPSBASE_DNS_TARGET='198.51.100.1'\n")
    runner = runner_at_dns(tmp_path, inputs)

    outcome = runner.run()

    step = next(s for s in outcome.steps if s.key == "dns")
    # `manage.py dns plan` in the project checks the same record later (no secret written).
    env = (tmp_path / ".env.prod").read_text()
    assert env == (
        "DEBUG='false'\nOPSBASE_DNS_TARGET='203.0.113.10,2001:db8::10'\n"
        "OPSBASE_DNS_PROVIDER='route53'\n"
    )
    assert oct((tmp_path / ".env.prod").stat().st_mode & 0o777) == "0o600"
    assert step.status == DONE
    assert step.detail == f"shop.{zone} -> 203.0.113.10,2001:db8::10 on route53 (2 change(s))"
    sets = route53.list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"]
    made = {
        (s["Type"], s["ResourceRecords"][0]["Value"]) for s in sets if s["Name"] == f"shop.{zone}."
    }
    assert made == {("A", "203.0.113.10"), ("AAAA", "2001:db8::10")}


def test_cloudflare_moves_an_existing_record_to_this_server(tmp_path, fake_cloudflare, monkeypatch):
    monkeypatch.setenv("CLOUDFLARE_BASE_URL", fake_cloudflare.base_url)
    zone_id = fake_cloudflare.add_zone("example.test")
    fake_cloudflare.add_record(zone_id, "shop.example.test", "A", "198.51.100.7")
    inputs = Inputs(dest=tmp_path, name="shop", url="https://shop.example.test",
                    dns="cloudflare", dns_target="203.0.113.10")  # fmt: skip
    runner = runner_at_dns(tmp_path, inputs, dns_token=fake_cloudflare.token)

    runner.run()

    assert fake_cloudflare.at("shop.example.test") == {("A", "203.0.113.10", 300, False)}


def test_a_write_cloudflare_refuses_fails_the_step_with_its_reason(
    tmp_path, fake_cloudflare, monkeypatch
):
    monkeypatch.setenv("CLOUDFLARE_BASE_URL", fake_cloudflare.base_url)
    fake_cloudflare.add_zone("example.test")
    fake_cloudflare.fail_writes = (403, 10000, "Authentication error")
    inputs = Inputs(dest=tmp_path, name="shop", url="https://shop.example.test",
                    dns="cloudflare", dns_target="203.0.113.10")  # fmt: skip
    runner = runner_at_dns(tmp_path, inputs, dns_token=fake_cloudflare.token)

    with pytest.raises(StepFailed) as failed:
        runner.run()

    assert failed.value.step == "dns"
    assert "[10000] Authentication error" in failed.value.message
    assert "Zone > DNS > Edit" in failed.value.fix
    assert runner.journal.status("dns") == FAILED


def test_without_dns_the_step_is_skipped(tmp_path):
    inputs = Inputs(dest=tmp_path, name="shop", url="https://shop.example.test")
    runner = runner_at_dns(tmp_path, inputs)

    outcome = runner.run()

    assert next(s for s in outcome.steps if s.key == "dns").detail == "skipped (no --dns)"
