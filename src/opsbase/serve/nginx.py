"""nginx in front of gunicorn: the site configuration, certificates, ``nginx -t``, install.

The site file lives in the project (``deploy/nginx/<name>.conf``) and is linked into the
system's nginx folder, so the project's copy is the one that is served and versioned.
"""

from __future__ import annotations

import os
import re
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path

from opsbase.conf import defaults
from opsbase.core.security import permissions_policy_header

from . import process
from .config import ServeConfig
from .rendering import render_template, write_file
from .systemd import InstallReport, systemd_running

TLS_MODES = ("none", "self-signed", "letsencrypt", "paths")
#: HSTS starts low so a mistake costs minutes, not months; raise it once HTTPS works.
HSTS_START_SECONDS = 300
HSTS_LONG_SECONDS = 63072000  # two years, what hstspreload.org asks for
LETSENCRYPT_LIVE = Path("/etc/letsencrypt/live")
SYSTEM_NGINX_DIR = Path("/etc/nginx")


@dataclass
class NginxSite:
    """One public site: host name, where gunicorn listens, TLS, and the files nginx serves."""

    config: ServeConfig
    upstreams: list[str] = field(default_factory=list)
    listen_address: str = ""
    http_port: int = 80
    https_port: int = 443
    ipv6: bool = True
    tls: str = "none"
    certificate: Path | None = None
    certificate_key: Path | None = None
    hsts_seconds: int = HSTS_START_SECONDS
    hsts_include_subdomains: bool = False
    client_max_body_size: str = "20m"
    proxy_read_timeout: int = 60
    static_url: str = "/static/"
    media_url: str = "/media/"
    acme_webroot: Path | None = None

    def __post_init__(self) -> None:
        if self.tls not in TLS_MODES:
            raise ValueError(f"tls {self.tls!r} is not one of {', '.join(TLS_MODES)}")
        if not self.upstreams:
            self.upstreams = [self.config.upstream]
        for url in (self.static_url, self.media_url):
            if not (url.startswith("/") and url.endswith("/")):
                raise ValueError(f"{url!r}: static and media URLs start and end with '/'")
        if not re.fullmatch(r"\d+[kKmMgG]?", self.client_max_body_size):
            raise ValueError(f"client_max_body_size {self.client_max_body_size!r}: use e.g. 20m")
        if self.hsts_seconds < 0:
            raise ValueError("hsts_seconds cannot be negative")
        deploy = self.config.deploy_dir
        if self.acme_webroot is None:
            self.acme_webroot = deploy / "acme"
        if self.tls == "self-signed":
            self.certificate = self.certificate or deploy / "ssl" / "selfsigned.crt"
            self.certificate_key = self.certificate_key or deploy / "ssl" / "selfsigned.key"
        elif self.tls == "letsencrypt":
            live = LETSENCRYPT_LIVE / self.primary_host
            self.certificate = self.certificate or live / "fullchain.pem"
            self.certificate_key = self.certificate_key or live / "privkey.pem"
        elif self.tls == "paths" and not (self.certificate and self.certificate_key):
            raise ValueError("tls 'paths' needs both certificate and certificate_key")

    @property
    def https(self) -> bool:
        return self.tls != "none"

    @property
    def primary_host(self) -> str:
        return self.config.server_name.split()[0]

    @property
    def nginx_dir(self) -> Path:
        return self.config.deploy_dir / "nginx"

    @property
    def conf_path(self) -> Path:
        return self.nginx_dir / f"{self.config.name}.conf"

    @property
    def maintenance_flag(self) -> Path:
        return self.nginx_dir / "maintenance.on"

    def _listen(self, port: int) -> str:
        return f"{self.listen_address}:{port}" if self.listen_address else str(port)


def _security_headers(site: NginxSite, indent: str) -> str:
    headers = [
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "same-origin"),
        ("Permissions-Policy", permissions_policy_header(defaults.OPSBASE_PERMISSIONS_POLICY)),
    ]
    if site.https:
        value = f"max-age={site.hsts_seconds}"
        if site.hsts_include_subdomains:
            value += "; includeSubDomains"
        headers.append(("Strict-Transport-Security", value))
    return "".join(f'{indent}add_header {name} "{value}" always;\n' for name, value in headers)


def render_nginx_site(site: NginxSite) -> str:
    """The text of the site's nginx configuration (one upstream, one or two servers)."""
    config = site.config
    suffix = "" if site.https_port == 443 else f":{site.https_port}"
    return render_template(
        "nginx/site.conf",
        {
            "name": config.name,
            "upstream_name": config.name.replace("-", "_") + "_app",
            "upstreams": site.upstreams,
            "server_name": config.server_name,
            "https": site.https,
            "ipv6": site.ipv6,
            "http_port": site.http_port,
            "https_port": site.https_port,
            "http_listen": site._listen(site.http_port),
            "https_listen": site._listen(site.https_port),
            # URLs are built here so the template files hold no address.
            "https_redirect": f"https://$host{suffix}$request_uri",
            "proxy_target": "http://" + config.name.replace("-", "_") + "_app",
            "ssl_certificate": site.certificate,
            "ssl_certificate_key": site.certificate_key,
            "client_max_body_size": site.client_max_body_size,
            "security_headers": _security_headers(site, "    "),
            "security_headers_nested": _security_headers(site, "        "),
            "maintenance_flag": site.maintenance_flag,
            "maintenance_dir": site.nginx_dir,
            "acme_webroot": site.acme_webroot,
            "static_url": site.static_url,
            "static_root": str(config.static_root).rstrip("/"),
            "media_url": site.media_url,
            "media_root": str(config.media_root).rstrip("/"),
            "proxy_read_timeout": site.proxy_read_timeout,
        },
    )


def write_nginx_site(site: NginxSite, *, title: str | None = None) -> Path:
    """Write the site's config and its maintenance page into ``deploy/nginx``; returns the conf."""
    write_file(
        site.nginx_dir / "maintenance.html",
        render_template("nginx/maintenance.html", {"title": title or site.config.name}),
    )
    site.acme_webroot.mkdir(parents=True, exist_ok=True)  # type: ignore[union-attr]
    return write_file(site.conf_path, render_nginx_site(site))


def render_nginx_standalone(
    sites: list[Path | str],
    prefix: Path,
    *,
    user: str | None = None,
    foreground: bool = True,
    worker_processes: int = 1,
) -> str:
    """A whole ``nginx.conf`` including *sites*, with pid, logs and temp files under *prefix*."""
    mime = next(
        (
            p
            for p in (SYSTEM_NGINX_DIR / "mime.types", Path("/usr/local/nginx/conf/mime.types"))
            if p.is_file()
        ),
        None,
    )
    return render_template(
        "nginx/standalone.conf",
        {
            "prefix": str(Path(prefix).resolve()),
            "user": user,
            "foreground": foreground,
            "worker_processes": worker_processes,
            "mime_types": mime,
            "sites": [str(s) for s in sites],
        },
    )


def write_nginx_standalone(sites: list[Path | str], prefix: Path, **options) -> Path:
    """Write the standalone ``nginx.conf`` into *prefix* (with its temp folders)."""
    prefix = Path(prefix).resolve()
    (prefix / "tmp").mkdir(parents=True, exist_ok=True)
    return write_file(prefix / "nginx.conf", render_nginx_standalone(sites, prefix, **options))


def nginx_binary() -> str | None:
    return process.find_program("nginx")


def nginx_test(conf: Path | None = None, *, prefix: Path | None = None) -> process.CommandResult:
    """``nginx -t`` on *conf* (the system's configuration when None)."""
    binary = nginx_binary()
    if binary is None:
        return process.CommandResult(
            ["nginx", "-t"], 127, stderr="nginx is not installed: apt-get install -y nginx"
        )
    # Not -q: it hides the warnings, and "conflicting server name ... ignored" is one.
    args = [binary, "-t"]
    if prefix is not None:
        args += [
            "-p",
            f"{Path(prefix).resolve()}/",
            "-e",
            str(Path(prefix).resolve() / "error.log"),
        ]
    if conf is not None:
        args += ["-c", str(Path(conf).resolve())]
    return process.run(args, timeout=60)


_CONFLICT = re.compile(r'conflicting server name "([^"]*)" on (\S+), ignored')


def conflicting_names(result: process.CommandResult) -> set[tuple[str, str]]:
    """``(name, address)`` of each "conflicting server name ... ignored" warning of an
    ``nginx -t``: two sites claim one name on one port, and nginx serves only the first."""
    return set(_CONFLICT.findall(result.stderr + "\n" + result.stdout))


def nginx_error_log(nginx_conf: Path | None = None, prefix: Path | None = None) -> Path:
    """Where that nginx writes its errors: ``<prefix>/error.log`` (``-e``), the conf's first
    ``error_log``, else Debian's ``/var/log/nginx/error.log``."""
    if prefix is not None:
        return Path(prefix).resolve() / "error.log"
    conf = Path(nginx_conf) if nginx_conf is not None else SYSTEM_NGINX_DIR / "nginx.conf"
    if conf.is_file():
        match = re.search(r"^\s*error_log\s+([^;\s]+)", conf.read_text(), re.MULTILINE)
        if match and match.group(1) not in ("stderr", "off") and "syslog:" not in match.group(1):
            path = Path(match.group(1))
            return path if path.is_absolute() else conf.parent / path
    return Path("/var/log/nginx/error.log")


def _log_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _errors_since(path: Path, offset: int) -> list[str]:
    """The [emerg]/[alert]/[crit] lines nginx wrote to *path* after *offset* bytes."""
    try:
        with path.open("rb") as handle:
            handle.seek(offset)
            text = handle.read(200_000).decode("utf-8", "replace")
    except OSError:
        return []
    found = []
    for line in text.splitlines():
        match = re.search(r"\[(emerg|alert|crit)\] \d+#\d+: (.*)$", line)
        if match:
            found.append(match.group(2).strip())
    return list(dict.fromkeys(found))


def self_signed_certificate(site: NginxSite, *, days: int = 365, force: bool = False) -> Path:
    """Make a self-signed certificate (for staging) at the site's paths with ``openssl``."""
    cert, key = Path(site.certificate), Path(site.certificate_key)  # type: ignore[arg-type]
    if cert.exists() and key.exists() and not force:
        return cert
    cert.parent.mkdir(parents=True, exist_ok=True)
    names = ",".join(f"DNS:{host}" for host in site.config.server_name.split())
    openssl = process.find_program("openssl") or "openssl"
    result = process.run(
        [
            openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256",
            "-days", str(days), "-subj", f"/CN={site.primary_host}",
            "-addext", f"subjectAltName={names}",
            "-keyout", str(key), "-out", str(cert),
        ],
        timeout=60,
    )  # fmt: skip
    if not result.ok:
        raise RuntimeError(f"could not make the self-signed certificate: {result.explain()}")
    key.chmod(0o600)
    return cert


def certbot_command(
    site: NginxSite, *, email: str | None = None, staging: bool = False
) -> list[str]:
    """The certbot command that obtains the site's certificate through the webroot.

    Run it once the plain-HTTP site answers at the public host name (port 80 reachable from
    the internet); certbot's own timer renews it and the deploy hook reloads nginx.
    """
    args = ["certbot", "certonly", "--webroot", "-w", str(site.acme_webroot)]
    for host in site.config.server_name.split():
        args += ["-d", host]
    args += ["--non-interactive", "--agree-tos", "--keep-until-expiring"]
    args += ["--email", email] if email else ["--register-unsafely-without-email"]
    if staging:
        args.append("--staging")
    args += ["--deploy-hook", "nginx -t && nginx -s reload"]
    return args


# --- ports -------------------------------------------------------------------------------


def port_owner(port: int, host: str = "127.0.0.1") -> str | None:
    """None when nothing listens on *port*; else who does (program and pid when known)."""
    try:
        with socket.create_connection((host, port), timeout=1):
            pass
    except OSError:
        return None
    ss = process.find_program("ss")
    if ss:
        result = process.run([ss, "-Hltnp", f"sport = :{port}"], timeout=10)
        match = re.search(r'users:\(\("([^"]+)",pid=(\d+)', result.stdout)
        if match:
            return f"{match.group(1)} (pid {match.group(2)})"
    return "another program"


# --- installing into the system's nginx --------------------------------------------------


def detect_layout(nginx_dir: Path) -> str:
    """``sites`` (Debian's sites-available/enabled) or ``conf.d`` (the rest)."""
    if (nginx_dir / "sites-available").is_dir() and (nginx_dir / "sites-enabled").is_dir():
        return "sites"
    return "conf.d"


def _relink(link: Path, target: Path):
    """Point *link* at *target*; returns the function that restores what *link* was."""
    previous = link.readlink() if link.is_symlink() else None
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(target)

    def restore() -> None:
        link.unlink(missing_ok=True)
        if previous is not None:
            link.symlink_to(previous)

    return restore


def install_nginx_site(
    site_conf: Path,
    *,
    name: str,
    nginx_dir: Path | None = None,
    nginx_conf: Path | None = None,
    ports: tuple[int, ...] = (80,),
    disable_default: bool = True,
    reload: bool = True,
    prefix: Path | None = None,
    previous_text: str | None = None,
) -> InstallReport:
    """Link *site_conf* into nginx, disable the default site, ``nginx -t``, then reload.

    What nginx served before is put back (the links, and *previous_text* into *site_conf*)
    when ``nginx -t`` rejects the configuration or warns that the site's name conflicts with
    another site's, and when the reload fails or does not take (a port another program
    holds): the running nginx keeps a valid config and the report names the cause. The
    report's ``rollback`` does the same later (a site that does not answer). *nginx_dir*
    overrides ``/etc/nginx``; *nginx_conf* (and *prefix*) the main configuration.
    """
    report = InstallReport()
    site_conf = Path(site_conf).resolve()
    root = Path(nginx_dir) if nginx_dir else SYSTEM_NGINX_DIR
    if nginx_binary() is None:
        report.fail(
            "nginx is not installed: install it (apt-get install -y nginx), then deploy again"
        )
        return report
    if not root.is_dir():
        report.fail(f"{root} does not exist: pass the nginx configuration folder (--nginx-dir)")
        return report

    # Warnings that were there before this site are someone else's to fix.
    known_conflicts = conflicting_names(nginx_test(nginx_conf, prefix=prefix))
    undo: list = []  # callables that put back what was there, most recent last
    if detect_layout(root) == "sites":
        available = root / "sites-available" / f"{name}.conf"
        enabled = root / "sites-enabled" / f"{name}.conf"
        undo.append(_relink(available, site_conf))
        undo.append(_relink(enabled, available))
        report.say(f"linked {enabled} -> {available} -> {site_conf}")
        default = root / "sites-enabled" / "default"
        if disable_default and default.is_symlink():
            target = default.readlink()
            default.unlink()
            undo.append(lambda: default.symlink_to(target))
            report.say(f"disabled the default site (removed the link {default})")
    else:
        conf_d = root / "conf.d"
        conf_d.mkdir(exist_ok=True)
        link = conf_d / f"{name}.conf"
        undo.append(_relink(link, site_conf))
        report.say(f"linked {link} -> {site_conf}")
        default = conf_d / "default.conf"
        if disable_default and default.is_file():
            disabled = default.with_suffix(".conf.disabled")
            default.rename(disabled)
            undo.append(lambda: disabled.rename(default))
            report.say(f"disabled the default site (renamed it to {disabled.name})")

    def restore_files() -> None:
        for step in reversed(undo):
            step()
        undo.clear()
        if previous_text is not None:
            site_conf.write_text(previous_text)

    check = nginx_test(nginx_conf, prefix=prefix)
    if not check.ok:
        restore_files()
        report.fail(f"nginx -t rejected the configuration, nothing was changed:\n{check.tail()}")
        return report
    conflicts = conflicting_names(check) - known_conflicts
    if conflicts:
        restore_files()
        named = ", ".join(f"{host} on {address}" for host, address in sorted(conflicts))
        report.fail(
            f"another nginx site already serves {named} (nginx -t: conflicting server name, "
            "ignored); the previous configuration was restored"
        )
        return report
    report.say("nginx -t: the configuration is valid")
    report.installed = True

    def rollback() -> InstallReport:
        back = InstallReport()
        restore_files()
        back.say(f"restored nginx's previous configuration ({name}'s links and site file)")
        if reload and nginx_running(nginx_conf, prefix):
            _reload(back, (), nginx_conf=nginx_conf, prefix=prefix, verify=False)
        return back

    report.rollback = rollback
    if reload:
        _reload(report, ports, nginx_conf=nginx_conf, prefix=prefix)
        if not report.ok:
            report.actions += rollback().actions
            report.problems[-1] += "; nginx's previous configuration was restored"
            report.installed = False
            report.rollback = None
    return report


def nginx_pid_file(nginx_conf: Path | None = None, prefix: Path | None = None) -> Path:
    """Where the nginx reading *nginx_conf* keeps its pid: the conf's ``pid`` directive, else
    ``<prefix>/nginx.pid``, else Debian's ``/run/nginx.pid``."""
    if nginx_conf is not None and Path(nginx_conf).is_file():
        match = re.search(r"^\s*pid\s+([^;\s]+)\s*;", Path(nginx_conf).read_text(), re.MULTILINE)
        if match:
            path = Path(match.group(1))
            if not path.is_absolute():
                path = (Path(prefix) if prefix else Path(nginx_conf).parent) / path
            return path
    return (Path(prefix) / "nginx.pid") if prefix else Path("/run/nginx.pid")


def nginx_running(nginx_conf: Path | None = None, prefix: Path | None = None) -> bool:
    """Whether the nginx of that configuration runs (its pid file names a live process)."""
    try:
        pid = int(nginx_pid_file(nginx_conf, prefix).read_text().strip())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return False
    return True


def _reload(
    report: InstallReport,
    ports: tuple[int, ...],
    *,
    nginx_conf: Path | None,
    prefix: Path | None,
    verify: bool = True,
    timeout: float = 10.0,
) -> None:
    """Reload a running nginx (or start it), then make sure it took the new configuration:
    ``nginx -s reload`` exits 0 even when the master then fails to bind a port and keeps
    the old one, so new workers must appear, else the error log's reason is reported."""
    from .sites import process_family

    running = nginx_running(nginx_conf, prefix)
    if not running:
        for port in ports:
            owner = port_owner(port)
            if owner is not None:
                report.fail(
                    f"port {port} is already in use by {owner}: stop it or choose other ports, "
                    "then deploy again"
                )
                return
    binary = nginx_binary() or "nginx"
    extra = []
    if prefix is not None:
        extra += [
            "-p",
            f"{Path(prefix).resolve()}/",
            "-e",
            str(Path(prefix).resolve() / "error.log"),
        ]
    if nginx_conf is not None:
        extra += ["-c", str(Path(nginx_conf).resolve())]
    if systemd_running() and nginx_conf is None:
        args = ["systemctl", "reload" if running else "start", "nginx"]
    elif running:
        args = [binary, *extra, "-s", "reload"]
    else:
        args = [binary, *extra]
    error_log = nginx_error_log(nginx_conf, prefix)
    offset = _log_size(error_log)
    master = _master_pid(nginx_conf, prefix) if running else None
    workers_before = process_family(master) - {master} if master else set()
    result = process.run(args, timeout=60)
    if not result.ok:
        report.fail(result.explain())
        return
    if verify and master is not None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process_family(master) - {master} - workers_before:
                break
            time.sleep(0.1)
        else:
            reasons = _errors_since(error_log, offset)
            report.fail(
                "nginx did not take the new configuration (it keeps serving the old one)"
                + (": " + "; ".join(reasons) if reasons else f"; see {error_log}")
            )
            return
    report.say(f"{'reloaded' if running else 'started'} nginx (`{result.command}`)")


def _master_pid(nginx_conf: Path | None, prefix: Path | None) -> int | None:
    try:
        return int(nginx_pid_file(nginx_conf, prefix).read_text().strip())
    except (OSError, ValueError):
        return None


def site_links(name: str, nginx_dir: Path | None = None) -> list[Path]:
    """The paths :func:`install_nginx_site` links *name*'s site at, in that nginx folder."""
    root = Path(nginx_dir) if nginx_dir else SYSTEM_NGINX_DIR
    if detect_layout(root) == "sites":
        return [root / "sites-enabled" / f"{name}.conf", root / "sites-available" / f"{name}.conf"]
    return [root / "conf.d" / f"{name}.conf"]


def default_site_enabled(nginx_dir: Path | None = None) -> bool:
    """Whether the distribution's default site is on (the one the installer disables)."""
    root = Path(nginx_dir) if nginx_dir else SYSTEM_NGINX_DIR
    if detect_layout(root) == "sites":
        return (root / "sites-enabled" / "default").is_symlink()
    return (root / "conf.d" / "default.conf").is_file()


def uninstall_nginx_site(
    name: str,
    *,
    project_dir: Path,
    nginx_dir: Path | None = None,
    nginx_conf: Path | None = None,
    restore_default: bool = False,
    prefix: Path | None = None,
) -> InstallReport:
    """Remove *name*'s links (only those pointing into *project_dir*), optionally turn the
    default site back on, then ``nginx -t`` and reload a running nginx."""
    report = InstallReport()
    root = Path(nginx_dir) if nginx_dir else SYSTEM_NGINX_DIR
    project_dir = Path(project_dir).resolve()
    for link in site_links(name, root):
        if not link.is_symlink():
            continue
        target = link.resolve()
        if not target.is_relative_to(project_dir) and target.exists():
            report.say(f"left {link}: it points to {target}, outside the project")
            continue
        link.unlink()
        report.say(f"removed {link}")
    if restore_default:
        if detect_layout(root) == "sites":
            default = root / "sites-enabled" / "default"
            available = root / "sites-available" / "default"
            if available.exists() and not default.is_symlink():
                default.symlink_to(available)
                report.say(f"turned the default site back on ({default})")
        else:
            disabled = root / "conf.d" / "default.conf.disabled"
            if disabled.exists():
                disabled.rename(root / "conf.d" / "default.conf")
                report.say("turned the default site back on (conf.d/default.conf)")
    if nginx_binary() is None or not nginx_running(nginx_conf, prefix):
        report.say("nginx is not running: nothing to reload")
        return report
    check = nginx_test(nginx_conf, prefix=prefix)
    if not check.ok:
        report.fail(f"nginx -t rejects the remaining configuration:\n{check.tail()}")
        return report
    args = [nginx_binary() or "nginx"]
    if nginx_conf is not None:
        args += ["-c", str(Path(nginx_conf).resolve())]
    if systemd_running() and nginx_conf is None:
        args = ["systemctl", "reload", "nginx"]
    else:
        args.append("-s")
        args.append("reload")
    result = process.run(args, timeout=60)
    if result.ok:
        report.say("reloaded nginx")
    else:
        report.fail(result.explain())
    return report
