"""Is a deployed project up? Its health endpoints through this machine's nginx, redirects
followed (plain HTTP to HTTPS), each required to answer 200, and the processes deploy started.

``python -m opsbase.serve.monitor [URL] [--project DIR] [--public]`` prints one line per check
and exits 1 when any fails (``scripts/monitor_services.sh`` runs it). Without a URL it reads
what ``opsbase deploy`` recorded in ``.opsbase/deploy.json``: the public URL, the ports and
address nginx listens on, the self-signed certificate to trust, the pid files of the daemons.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from .urlcheck import UrlCheck, check_url

#: Where `opsbase deploy` records what it set up (relative to the project).
MANIFEST = Path(".opsbase") / "deploy.json"
HEALTH_PATHS = ("/health/live", "/health/ready")
MAX_REDIRECTS = 5


@dataclass
class Result:
    """One check: what was checked, whether it passed, and what was found."""

    ok: bool
    name: str
    detail: str

    @property
    def line(self) -> str:
        return f"[{'ok' if self.ok else 'PROBLEM'}] {self.name}: {self.detail}"


@dataclass
class Target:
    """Where this machine's nginx answers for the URL's host."""

    address: str
    http_port: int | None = None
    https_port: int | None = None
    ca_file: Path | None = None

    def port(self, url: str) -> int:
        parts = urlsplit(url)
        https = parts.scheme == "https"
        chosen = self.https_port if https else self.http_port
        return chosen or parts.port or (443 if https else 80)


def read_manifest(project: Path) -> dict:
    path = project / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def target_of(project: Path, manifest: dict, url: str) -> Target:
    """The local address and ports of *url*: the recorded ones when it is the deployed URL."""
    if not manifest or urlsplit(url).hostname != urlsplit(manifest.get("public_url", "")).hostname:
        return Target("127.0.0.1")
    listen = manifest.get("listen_address") or ""
    address = "127.0.0.1" if listen in ("", "0.0.0.0", "*") else listen  # noqa: S104
    ca = project / "deploy/ssl/selfsigned.crt" if manifest.get("tls") == "self-signed" else None
    return Target(address, manifest.get("http_port"), manifest.get("https_port"), ca)


def follow(url: str, target: Target | None, *, timeout: float = 5.0) -> tuple[UrlCheck, list[str]]:
    """GET *url*, following redirects on the same host (through *target* when given, else as
    the world reaches it); the last answer and the URLs that redirected."""
    hops: list[str] = []
    host = urlsplit(url).hostname
    while True:
        connect = (target.address, target.port(url)) if target else None
        check = check_url(
            url, connect_to=connect, timeout=timeout, ca_file=target.ca_file if target else None
        )
        if check.outcome != "redirect" or not check.location or len(hops) >= MAX_REDIRECTS:
            return check, hops
        following = urljoin(url, check.location)
        if urlsplit(following).hostname != host:
            return check, hops
        hops.append(url)
        url = following


def check_health(url: str, target: Target | None, *, timeout: float = 5.0) -> list[Result]:
    """Each health endpoint of the site at *url* must end, after redirects, in 200."""
    base = url.rstrip("/")
    results = []
    for path in HEALTH_PATHS:
        check, hops = follow(base + path, target, timeout=timeout)
        ok = check.status == 200 and check.outcome == "ok"
        message = check.message
        if check.outcome == "redirect":
            message += " (a redirect to another host or too many: not followed)"
        elif check.status is not None and check.status != 200 and check.outcome == "ok":
            message += " (not 200)"
        via = f" after {len(hops)} redirect{'s' if len(hops) > 1 else ''}" if hops else ""
        results.append(Result(ok, f"{check.url} ({check.via}{via})", message))
    return results


def _alive(pid_file: Path) -> tuple[bool, str]:
    try:
        pid = int(pid_file.read_text().strip())
    except (OSError, ValueError):
        return False, f"no pid in {pid_file}"
    try:
        os.kill(pid, 0)
    except PermissionError:
        return True, f"pid {pid}"  # alive, owned by another user
    except OSError:
        return False, f"pid {pid} from {pid_file} is not running"
    return True, f"pid {pid}"


def check_daemons(manifest: dict) -> list[Result]:
    """The processes deploy started without a supervisor (no systemd): each must be running."""
    results = []
    daemons = []
    gunicorn = manifest.get("gunicorn") or {}
    if gunicorn.get("mode") == "daemon":
        daemons.append(("gunicorn", Path(gunicorn["pid_file"])))
    celery = manifest.get("celery") or {}
    if celery.get("mode") == "daemon":
        daemons += [
            (f"Celery {name}", Path(path)) for name, path in sorted(celery["pid_files"].items())
        ]
    for name, pid_file in daemons:
        ok, detail = _alive(pid_file)
        results.append(Result(ok, f"{name} running", detail))
    return results


def monitor(
    project: Path, url: str | None = None, *, public: bool = False, timeout: float = 5.0
) -> list[Result]:
    """Every check of *project* (served at *url*, else at its recorded public URL)."""
    manifest = read_manifest(project)
    url = url or manifest.get("public_url")
    if not url:
        return [
            Result(
                False,
                str(project),
                f"not deployed on this machine (no {MANIFEST}): pass the URL to check",
            )
        ]
    results = check_health(url, target_of(project, manifest, url), timeout=timeout)
    if public:
        results += check_health(url, None, timeout=timeout)
    if manifest and urlsplit(url).hostname == urlsplit(manifest.get("public_url", "")).hostname:
        results += check_daemons(manifest)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m opsbase.serve.monitor", description=__doc__)
    parser.add_argument("url", nargs="?", help="the site's URL (default: the deployed one)")
    parser.add_argument("--project", default=".", help="the project folder (default: here)")
    parser.add_argument(
        "--public", action="store_true", help="also check as the world reaches the URL (DNS)"
    )
    parser.add_argument("--timeout", type=float, default=5.0)
    args = parser.parse_args(argv)
    project = Path(args.project).resolve()
    results = monitor(project, args.url, public=args.public, timeout=args.timeout)
    for result in results:
        print(result.line)  # noqa: T201 - a command-line report
    return 0 if all(result.ok for result in results) else 1


if __name__ == "__main__":
    sys.exit(main())
