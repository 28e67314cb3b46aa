"""`python -m opsbase.serve.monitor` (scripts/monitor_services.sh) against a real site: nginx
with a self-signed certificate in front of gunicorn, as `opsbase deploy` records it."""

import json
import subprocess
import sys

import pytest

from opsbase.serve import self_signed_certificate
from opsbase.serve.monitor import monitor

from .conftest import nginx_site
from .harness import PUBLIC_HOST


@pytest.fixture
def deployed(tmp_path, start_gunicorn, start_nginx):
    """A project folder whose deploy record names the site, its ports and its certificate."""
    config, gunicorn = start_gunicorn("web")
    site = nginx_site(config, tls="self-signed")
    certificate = self_signed_certificate(site)
    start_nginx(site)
    project = tmp_path / "project"
    (project / ".opsbase").mkdir(parents=True)
    (project / "deploy/ssl").mkdir(parents=True)
    (project / "deploy/ssl/selfsigned.crt").write_bytes(certificate.read_bytes())
    manifest = {
        "public_url": f"https://{PUBLIC_HOST}:{site.https_port}",
        "tls": "self-signed",
        "http_port": site.http_port,
        "https_port": site.https_port,
        "listen_address": "127.0.0.1",
        "gunicorn": {"mode": "daemon", "pid_file": str(project / "gunicorn.pid")},
    }
    (project / ".opsbase/deploy.json").write_text(json.dumps(manifest))
    (project / "gunicorn.pid").write_text(str(gunicorn.popen.pid))
    return project, site, gunicorn


def test_a_healthy_site_passes_through_https(deployed):
    project, site, _ = deployed

    results = monitor(project)

    assert [r.ok for r in results] == [True, True, True], [r.line for r in results]
    assert results[0].name.startswith(f"https://{PUBLIC_HOST}:{site.https_port}/health/live")
    assert results[1].name.startswith(f"https://{PUBLIC_HOST}:{site.https_port}/health/ready")


def test_the_plain_http_url_is_followed_to_https(deployed):
    project, site, _ = deployed

    results = monitor(project, f"http://{PUBLIC_HOST}:{site.http_port}")

    health = [r for r in results if "/health/" in r.name]
    assert [r.ok for r in health] == [True, True], [r.line for r in results]
    assert "after 1 redirect" in health[0].name
    assert health[0].detail == "200 OK"


def test_a_stopped_application_fails_the_monitor_although_nginx_answers(deployed):
    project, site, gunicorn = deployed
    gunicorn.stop()

    result = subprocess.run(
        [sys.executable, "-m", "opsbase.serve.monitor", "--project", str(project),
         f"http://{PUBLIC_HOST}:{site.http_port}"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip

    assert result.returncode == 1
    assert "502" in result.stdout and "gunicorn" in result.stdout
    assert "[PROBLEM] gunicorn running" in result.stdout
