"""`opsbase deploy` and `opsbase destroy`: serve a provisioned project the way production does.

`deploy` (step 9 of `opsbase new`, and again after changes) writes the project's serving files
(``gunicorn.conf.py``, ``deploy/nginx``, ``deploy/systemd``, the certificate when self-signed),
runs gunicorn as an unprivileged user (under systemd where it runs, else as a daemon it says
it started), links the nginx site into the system's nginx, and proves that the app answers at
its public URL through nginx. What it created outside the project is recorded in
``.opsbase/deploy.json`` so that `destroy` removes exactly that, after a database backup.

The building blocks (renderers, installers, the URL check) live in :mod:`opsbase.serve`; this
module only decides and reports.
"""

from __future__ import annotations

import datetime as dt
import getpass
import http.client
import json
import os
import pwd
import re
import signal
import socket
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from dotenv import dotenv_values

from opsbase import serve
from opsbase.serve import process as serve_process
from opsbase.serve.sites import Listen, enabled_server_blocks, listeners, process_family
from opsbase.serve.urlcheck import UrlCheck

from . import database, registry
from .commands import CommandLog, run
from .errors import InputError, StepFailed
from .inputs import JOURNAL_DIR
from .project import manage
from .scaffold import set_environment

SSL_MODES = ("auto", "none", "self-signed", "letsencrypt", "paths")
MANIFEST = "deploy.json"
NGINX_USER_DEFAULT = "www-data"
#: The logs opsbase itself writes as root: they stay root's.
OPSBASE_LOGS = ("provision.log", "deploy.log")
#: The logs gunicorn and Celery open when they start. Made beforehand, 0640 and the user's:
#: `gunicorn --daemon` resets its umask to 0o022 and Celery's --detach keeps the caller's, so
#: a file they made themselves would be readable by everyone.
DAEMON_LOGS = (
    "gunicorn-access.log",
    "gunicorn-error.log",
    "celery-worker.log",
    "celery-beat.log",
)

Say = Callable[[str], None]


@dataclass
class DeployOptions:
    """The flags of `opsbase deploy` (also accepted by `opsbase new`)."""

    ssl: str = "auto"
    ssl_cert: str | None = None
    ssl_key: str | None = None
    letsencrypt_email: str | None = None
    hsts_seconds: int = serve.HSTS_START_SECONDS
    http_port: int | None = None
    https_port: int | None = None
    listen_address: str = ""
    nginx_dir: str | None = None
    user: str | None = None
    workers: int | None = None
    environment: str = "prod"
    start: bool = True
    public_check: bool = True

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> DeployOptions:
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in (data or {}).items() if k in known})


@dataclass
class Project:
    """A provisioned project as deploy sees it: from ``.copier-answers.yml`` and the env files."""

    dest: Path
    name: str
    public_url: str
    database: str

    @classmethod
    def read(cls, dest: Path) -> Project:
        import yaml

        dest = Path(dest).resolve()
        answers_file = dest / ".copier-answers.yml"
        if not (dest / "manage.py").is_file() or not answers_file.is_file():
            raise InputError(
                f"{dest} is not a project made by `opsbase new` (no manage.py or "
                ".copier-answers.yml)",
                "run this inside the project, or pass --dest PROJECT_DIR",
            )
        answers = yaml.safe_load(answers_file.read_text(encoding="utf-8")) or {}
        for key in ("name", "public_url"):
            if not answers.get(key):
                raise InputError(
                    f"{answers_file} has no {key}",
                    "restore .copier-answers.yml from the project's git history",
                )
        if not (dest / ".env.prod").is_file():
            raise InputError(
                f"{dest} has no .env.prod",
                f"finish provisioning first: opsbase new --dest {dest}",
            )
        return cls(
            dest,
            str(answers["name"]),
            str(answers["public_url"]).rstrip("/"),
            str(answers.get("database") or "sqlite"),
        )

    @property
    def https(self) -> bool:
        return urlsplit(self.public_url).scheme == "https"

    @property
    def host(self) -> str:
        return urlsplit(self.public_url).hostname or "localhost"

    @property
    def url_port(self) -> int | None:
        return urlsplit(self.public_url).port

    def env_values(self, environment: str = "prod") -> dict[str, str]:
        values = dotenv_values(self.dest / f".env.{environment}", interpolate=False)
        return {key: value or "" for key, value in values.items()}


@dataclass
class Plan:
    """Every decision of one deploy, made before anything changes."""

    project: Project
    options: DeployOptions
    tls: str
    user: str
    create_user: bool
    http_port: int
    https_port: int
    nginx_dir: Path
    nginx_conf: Path | None
    socket_path: Path
    systemd: bool
    warnings: list[str] = field(default_factory=list)

    @property
    def config(self) -> serve.ServeConfig:
        p, o = self.project, self.options
        return serve.ServeConfig(
            project_dir=p.dest,
            name=p.name,
            server_name=p.host,
            settings_module=f"config.settings.{o.environment}",
            user=self.user,
            socket_path=self.socket_path,
            socket_group=nginx_group(self.nginx_conf),
            workers=o.workers,
            env_file=p.dest / f".env.{o.environment}",
        )

    def site(self, tls: str | None = None) -> serve.NginxSite:
        o = self.options
        mode = self.tls if tls is None else tls
        return serve.NginxSite(
            self.config,
            listen_address=o.listen_address,
            ipv6=not o.listen_address,
            http_port=self.http_port,
            https_port=self.https_port,
            tls=mode,
            certificate=Path(o.ssl_cert) if (mode == "paths" and o.ssl_cert) else None,
            certificate_key=Path(o.ssl_key) if (mode == "paths" and o.ssl_key) else None,
            hsts_seconds=o.hsts_seconds,
        )

    @property
    def local_address(self) -> str:
        address = self.options.listen_address
        return "127.0.0.1" if address in ("", "0.0.0.0", "*") else address  # noqa: S104

    @property
    def pid_file(self) -> Path:
        return self.socket_path.parent / "gunicorn.pid"

    @property
    def celery_pids(self) -> dict[str, Path]:
        """Pid files of the Celery daemons, in a folder of the service user's own."""
        folder = self.socket_path.parent / "celery"
        return {"worker": folder / "worker.pid", "beat": folder / "beat.pid"}


@dataclass
class DeployResult:
    """What a deploy did, line by line, and how the URL checks came out."""

    lines: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    checks: list[UrlCheck] = field(default_factory=list)
    manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def summary(self) -> str:
        local = [c for c in self.checks if c.via != "public"]
        answers = "; ".join(f"{c.url} {c.message}" for c in local)
        return f"served through nginx: {answers}" if answers else "configured"


# -- planning --------------------------------------------------------------------------------


def describe(options: dict[str, Any], *, name: str, url: str) -> str:
    """One sentence of what deploy will do, for `opsbase new --dry-run` (no project yet)."""
    o = DeployOptions.from_dict(options)
    https = urlsplit(url).scheme == "https"
    tls = o.ssl if o.ssl != "auto" else ("paths" if o.ssl_cert else "certbot or self-signed")
    where = o.nginx_dir or str(serve.nginx.SYSTEM_NGINX_DIR)
    runner = "systemd units" if serve.systemd_running() else "a gunicorn daemon (no systemd)"
    user = o.user or (name if os.geteuid() == 0 else getpass.getuser())
    text = f"gunicorn as {user!r} under {runner}; nginx site linked into {where}"
    if https:
        text += f", TLS ({tls}), HSTS {o.hsts_seconds} s"
    return text + "; then GET the public URL through nginx"


@dataclass
class Machine:
    """The machine's side of a deploy, decided from the name, the URL and the options alone
    (so that `opsbase new` checks it before the project exists)."""

    tls: str
    user: str
    create_user: bool
    http_port: int
    https_port: int
    nginx_dir: Path
    nginx_conf: Path | None
    warnings: list[str] = field(default_factory=list)


def make_plan(dest: Path, options: DeployOptions) -> Plan:
    """Check every option against the project and the machine; InputError changes nothing."""
    project = Project.read(dest)
    machine = check_machine(
        dest=project.dest, name=project.name, public_url=project.public_url, options=options
    )
    if options.environment == "staging" and not (project.dest / ".env.staging").is_file():
        raise InputError(
            f"{project.dest} has no .env.staging", "copy .env.prod to .env.staging and edit it"
        )
    root = os.geteuid() == 0
    socket_path = (
        Path(f"/run/{project.name}/gunicorn.sock") if root else project.dest / "run/gunicorn.sock"
    )
    if not (project.dest / ".venv" / "bin" / "gunicorn").exists():
        raise InputError(
            f"{project.dest / '.venv/bin/gunicorn'} is missing",
            f"finish provisioning (opsbase new --dest {project.dest}) or run `poetry install`",
        )
    return Plan(
        project,
        options,
        machine.tls,
        machine.user,
        machine.create_user,
        machine.http_port,
        machine.https_port,
        machine.nginx_dir,
        machine.nginx_conf,
        socket_path,
        serve.systemd_running(),
        machine.warnings,
    )


def check_machine(
    *,
    dest: Path,
    name: str,
    public_url: str,
    options: DeployOptions,
    nginx_required: bool = True,
) -> Machine:
    """Every check of a deploy that needs no project files: the options, the service user
    and its group, the registry of OpsBase projects, the enabled nginx sites and the ports.
    InputError (exit 2) changes nothing; *nginx_required* False (`opsbase new`, which may
    install nginx first) skips what needs nginx installed."""
    o = options
    if o.ssl not in SSL_MODES:
        raise InputError(f"--ssl {o.ssl!r} is not a mode", "use one of " + ", ".join(SSL_MODES))
    if o.environment not in ("prod", "staging"):
        raise InputError(
            f"--env {o.environment!r} cannot be deployed", "deploy prod (default) or staging"
        )
    if o.hsts_seconds < 0:
        raise InputError("--hsts-seconds cannot be negative", "pass 0 to send no HSTS")
    parts = urlsplit(public_url)
    https = parts.scheme == "https"
    warnings: list[str] = []
    tls = _tls_mode(public_url, o, warnings)

    default_http = parts.port if (not https and parts.port) else 80
    default_https = parts.port if (https and parts.port) else 443
    http_port = o.http_port or default_http
    https_port = o.https_port or default_https
    if tls != "none" and http_port == https_port:
        raise InputError(
            f"HTTP and HTTPS cannot share port {http_port}", "pass --http-port and --https-port"
        )

    nginx_dir = Path(o.nginx_dir).resolve() if o.nginx_dir else serve.nginx.SYSTEM_NGINX_DIR
    installed = serve.nginx.nginx_binary() is not None
    if (installed or nginx_required or o.nginx_dir) and not nginx_dir.is_dir():
        raise InputError(
            f"the nginx folder {nginx_dir} does not exist",
            "install nginx (apt-get install -y nginx) or pass --nginx-dir",
        )
    if nginx_required and not installed:
        raise InputError(
            "nginx is not installed", "install it (apt-get install -y nginx), then deploy again"
        )
    nginx_conf = nginx_dir / "nginx.conf" if o.nginx_dir else None
    if nginx_conf is not None and not nginx_conf.is_file():
        raise InputError(f"{nginx_conf} does not exist", "pass the folder that holds nginx.conf")

    check_registry(dest, name, public_url)
    user, create = _service_user(dest, name, o)
    ports = (http_port, https_port) if tls != "none" else (http_port,)
    check_sites(
        dest,
        name,
        host=parts.hostname or "",
        url_port=parts.port or (443 if https else 80),
        listens=_our_listens(o.listen_address, http_port, https_port, tls),
        nginx_dirs=[nginx_dir],
    )
    check_ports(ports, o.listen_address, nginx_conf=nginx_conf)
    return Machine(tls, user, create, http_port, https_port, nginx_dir, nginx_conf, warnings)


def _tls_mode(public_url: str, o: DeployOptions, warnings: list[str]) -> str:
    if (o.ssl_cert is None) != (o.ssl_key is None):
        raise InputError("--ssl-cert and --ssl-key go together", "pass both paths, or neither")
    if urlsplit(public_url).scheme != "https":
        if o.ssl not in ("auto", "none") or o.ssl_cert:
            raise InputError(
                f"the public URL {public_url} is plain http, so there is no certificate to set up",
                "make the URL https:// (edit public_url in .copier-answers.yml and "
                "CSRF_TRUSTED_ORIGINS in .env.prod), or leave out --ssl",
            )
        return "none"
    mode = o.ssl
    if mode == "auto":
        if o.ssl_cert:
            mode = "paths"
        elif serve_process.find_program("certbot"):
            mode = "letsencrypt"
        else:
            mode = "self-signed"
            warnings.append(
                "certbot is not installed, so the site uses a self-signed certificate (fine "
                "for staging; browsers warn): install certbot and run `opsbase deploy --ssl "
                "letsencrypt` once the name points here, or pass --ssl-cert/--ssl-key"
            )
    if mode == "none":
        raise InputError(
            f"the public URL {public_url} is https, which needs a certificate",
            "choose --ssl letsencrypt, self-signed, or pass --ssl-cert and --ssl-key",
        )
    if mode == "paths":
        if not (o.ssl_cert and o.ssl_key):
            raise InputError("--ssl paths needs --ssl-cert and --ssl-key", "pass both files")
        for flag, value in (("--ssl-cert", o.ssl_cert), ("--ssl-key", o.ssl_key)):
            if not Path(value).is_file():
                raise InputError(f"{flag} {value}: no such file", "pass the path of the PEM file")
    if mode == "letsencrypt" and not serve_process.find_program("certbot"):
        raise InputError(
            "--ssl letsencrypt needs certbot, which is not installed",
            "apt-get install -y certbot; or use --ssl self-signed (staging), or pass "
            "--ssl-cert and --ssl-key",
        )
    return mode


def created_here(dest: Path, name: str) -> dict[str, str]:
    """What OpsBase created for this project: its registry entry, and what an earlier
    deploy recorded in ``.opsbase/deploy.json``."""
    created = registry.created_for(dest, name)
    previous = read_manifest(dest)
    if previous.get("created_user") and previous.get("user"):
        created.setdefault("system_user", str(previous["user"]))
        created.setdefault("system_group", str(previous["user"]))
    return created


def _regular_uids() -> range:
    """``UID_MIN``..``UID_MAX`` of /etc/login.defs: people's accounts. Outside are the
    system's own (daemon, backup, nobody at 65534...)."""
    try:
        text = Path("/etc/login.defs").read_text(encoding="utf-8")
    except OSError:
        text = ""
    low = re.search(r"^\s*UID_MIN\s+(\d+)", text, re.MULTILINE)
    high = re.search(r"^\s*UID_MAX\s+(\d+)", text, re.MULTILINE)
    return range(int(low.group(1)) if low else 1000, (int(high.group(1)) if high else 60000) + 1)


def _service_user(dest: Path, name: str, o: DeployOptions) -> tuple[str, bool]:
    import grp

    root = os.geteuid() == 0
    user = o.user or (name[:32] if root else getpass.getuser())
    if user == "root":
        raise InputError(
            "gunicorn must not run as root",
            "pass --user NAME (a system user of that name is created when missing)",
        )
    try:
        account: pwd.struct_passwd | None = pwd.getpwnam(user)
    except KeyError:
        account = None
    if account is None and not root:
        raise InputError(
            f"the user {user!r} does not exist, and only root can create it",
            "run opsbase deploy as root, or pass --user with an existing user",
        )
    if not root:
        if user != getpass.getuser():
            raise InputError(
                f"only root can run the app as another user ({user!r})",
                "run opsbase deploy as root, or leave out --user",
            )
        return user, False
    created = created_here(dest, name)
    ours = created.get("system_user") == user
    if account is not None and not ours:
        if o.user is None:
            raise InputError(
                f"the system user {user!r} already exists and was not created by OpsBase for "
                "this project: the app runs as a user of its own, and that account belongs to "
                "something else; it was left untouched",
                "choose another --name",
            )
        if account.pw_uid not in _regular_uids():
            raise InputError(
                f"--user {user}: {user!r} is one of the system's own accounts (uid "
                f"{account.pw_uid}), which OpsBase did not create; it was left untouched",
                "pass --user with an account made for this app, or leave out --user",
            )
    if account is None:
        try:
            grp.getgrnam(user)
            group_exists = True
        except KeyError:
            group_exists = False
        if group_exists and created.get("system_group") != user:
            raise InputError(
                f"the group {user!r} already exists and was not created by OpsBase for this "
                "project: the app's user gets a group of its own; it was left untouched",
                "choose another --name" if o.user is None else "choose another --user",
            )
    return user, account is None


def check_registry(dest: Path, name: str, public_url: str) -> None:
    """Refuse a name or a public URL that another registered OpsBase project holds."""
    mine = Path(dest).expanduser().resolve()
    origin = _origin(public_url)
    for entry in registry.read_all():
        if entry.belongs_to(mine):
            continue
        where = f"the OpsBase project at {entry.project} ({entry.path})"
        gone = "" if entry.project_exists else ", whose folder no longer exists"
        if entry.name == name:
            raise InputError(
                f"the name {name!r} is taken by {where}{gone}",
                "choose another --name"
                + (
                    ""
                    if entry.project_exists
                    else f"; or remove what that project left (see {entry.path}), then its entry"
                ),
            )
        if entry.public_url and _origin(entry.public_url) == origin:
            links = ", ".join(entry.site.get("links") or []) or "no nginx site yet"
            raise InputError(
                f"{public_url} is already the URL of {where}{gone}; nginx serves it through "
                f"{links}",
                "choose another --url, or run `opsbase destroy` in that project first",
            )


def _origin(url: str) -> tuple[str, str, int]:
    parts = urlsplit(url)
    scheme = parts.scheme or "http"
    return scheme, (parts.hostname or "").lower(), parts.port or (443 if scheme == "https" else 80)


def _our_listens(address: str, http_port: int, https_port: int, tls: str) -> list[Listen]:
    addresses = [address] if address else ["*", "[::]"]
    listens = [Listen(a, http_port, False) for a in addresses]
    if tls != "none":
        listens += [Listen(a, https_port, True) for a in addresses]
    return listens


def check_sites(
    dest: Path,
    name: str,
    *,
    host: str,
    url_port: int,
    listens: list[Listen],
    nginx_dirs: list[Path],
) -> None:
    """Refuse a host name another enabled nginx site already serves on one of the ports
    (ours, or the URL's), or a port another site serves with the other protocol; the
    message names the file (every folder: /etc/nginx, --nginx-dir, the registry's)."""
    mine = Path(dest).expanduser().resolve()
    folders = [serve.nginx.SYSTEM_NGINX_DIR, *nginx_dirs]
    folders += [Path(e.site["nginx_dir"]) for e in registry.read_all() if e.site.get("nginx_dir")]
    url_listens = [Listen("*", url_port), Listen("[::]", url_port)]
    for block in enabled_server_blocks(folders):
        if block.file.resolve().is_relative_to(mine):
            continue  # this project's own site (a deploy again)
        taken = [
            theirs
            for theirs in block.listens
            if any(theirs.overlaps(ours) for ours in [*listens, *url_listens])
        ]
        if taken and block.serves(host):
            raise InputError(
                f"{host} is already served on port {taken[0].port} by {block.where} "
                f"(server_name {' '.join(block.names)})",
                "choose another --url, or remove that site from nginx first",
            )
        for theirs in block.listens:
            clash = next(
                (ours for ours in listens if theirs.overlaps(ours) and theirs.ssl != ours.ssl),
                None,
            )
            if clash is not None:
                protocol = "HTTPS" if theirs.ssl else "plain HTTP"
                raise InputError(
                    f"port {clash.port} is served as {protocol} by {block.where}, so this site "
                    f"cannot use it for {'HTTPS' if clash.ssl else 'plain HTTP'}",
                    "pass other --http-port/--https-port",
                )


def check_ports(ports: tuple[int, ...], address: str, *, nginx_conf: Path | None) -> None:
    """Refuse a port held by any program but the nginx this deploy reloads."""
    ours: set[int] = set()
    if serve.nginx.nginx_running(nginx_conf):
        try:
            master = int(serve.nginx_pid_file(nginx_conf).read_text().strip())
        except (OSError, ValueError):
            master = 0
        ours = process_family(master) if master else set()
    anywhere = {"*", "0.0.0.0", "[::]", "::"}  # noqa: S104 - addresses ss reports
    for port in ports:
        found = listeners(port)
        if found is None:
            owner = serve.port_owner(port, address or "127.0.0.1")
            busy = [] if owner is None or ours else [owner]
        else:
            busy = [
                str(listener)
                for listener in found
                if listener.pid not in ours
                and (
                    not address
                    or listener.address in anywhere
                    or listener.address in (address, f"[::ffff:{address}]")
                )
            ]
        if busy:
            raise InputError(
                f"port {port} is already in use by {busy[0]}",
                "stop that program, or pass other --http-port/--https-port",
            )


# -- the deploy ------------------------------------------------------------------------------


def deploy(plan: Plan, *, log: CommandLog, say: Say) -> DeployResult:
    """Carry out *plan*; StepFailed names what failed and the fix (running it again is safe)."""
    result = DeployResult(warnings=list(plan.warnings))
    p, o = plan.project, plan.options

    def note(line: str) -> None:
        result.lines.append(line)
        log.write(line)
        say(line)

    previous = read_manifest(p.dest)
    manifest: dict[str, Any] = {
        "version": 1,
        "name": p.name,
        "public_url": p.public_url,
        "environment": o.environment,
        "user": plan.user,
        "created_user": bool(previous.get("created_user")) or plan.create_user,
        "tls": plan.tls,
        "http_port": plan.http_port,
        "https_port": plan.https_port,
        "listen_address": o.listen_address,
        "nginx_dir": str(plan.nginx_dir),
        "nginx_conf": str(plan.nginx_conf) if plan.nginx_conf else None,
        "default_site_disabled": bool(previous.get("default_site_disabled")),
        "options": o.to_dict(),
    }

    # Recorded as it goes: a deploy that fails half-way is still undone by `destroy`; what
    # the site is (URL, ports, TLS) changes only once the new one answers. The registry
    # claims the name and the URL before anything outside the project is made.
    site_fields = ("public_url", "tls", "http_port", "https_port", "listen_address")
    early = {k: v for k, v in manifest.items() if not (previous and k in site_fields)}
    write_manifest(p.dest, {**previous, **early})
    registry.update(
        p.dest, p.name, public_url=p.public_url, site={"nginx_dir": str(plan.nginx_dir)}
    )
    if plan.create_user:
        _create_user(plan.user, p.dest, log=log)
        registry.update(
            p.dest, p.name, created={"system_user": plan.user, "system_group": plan.user}
        )
        note(f"created the system user {plan.user!r} (no login shell) to run the app")
    set_environment(p.dest, o.environment)
    note(f".env: DJANGO_ENV={o.environment}, so manage.py and scripts use those settings")
    env = {"DJANGO_ENV": o.environment}
    python = p.dest / ".venv" / "bin" / "python"
    manage(p.dest, python, "migrate", "--noinput", log=log, env=env)
    manage(p.dest, python, "collectstatic", "--noinput", log=log, env=env)
    note("migrated the database and collected the static files")
    # After the commands above, so the log files they created are the user's too.
    owned = _own_writable_paths(plan, note, log=log)
    manifest["owned_paths"] = sorted({*previous.get("owned_paths", []), *map(str, owned)})

    site = plan.site()
    if plan.tls == "self-signed":
        serve.self_signed_certificate(site)
        note(f"self-signed certificate for {p.host}: {site.certificate}")
    if plan.tls == "letsencrypt" and not Path(str(site.certificate)).exists():
        _letsencrypt(plan, o, log=log, note=note)

    manifest["gunicorn"] = _gunicorn_record(plan)
    manifest["celery"] = _celery_record(plan)
    manifest["socket"] = str(plan.socket_path)
    write_manifest(p.dest, {**previous, **early, **manifest, **_kept(previous, site_fields)})
    _start_gunicorn(plan, log=log, note=note)

    default_was_on = serve.default_site_enabled(plan.nginx_dir)
    served_before = site.conf_path.read_text() if site.conf_path.is_file() else None
    conf = serve.write_nginx_site(site, title=p.name)
    note(f"nginx site: {conf}")
    report = serve.install_nginx_site(
        conf,
        name=p.name,
        nginx_dir=plan.nginx_dir,
        nginx_conf=plan.nginx_conf,
        ports=(plan.http_port, plan.https_port) if plan.tls != "none" else (plan.http_port,),
        previous_text=served_before,
    )
    for line in report.actions:
        note(line)
    if not report.ok:
        raise StepFailed(
            "nginx: " + "; ".join(report.problems),
            "fix what is named above, then run `opsbase deploy` again",
            step=log.step,
        )

    result.checks = check_deployed(p.dest, plan=plan, public=o.public_check)
    local = [c for c in result.checks if c.via != "public"]
    for check in result.checks:
        note(str(check))
    failed = [c for c in local if not _as_expected(c, plan)]
    if failed:
        message, fix = _explain_failure(plan, failed)
        if report.rollback is not None:
            # The site that does not answer is taken out again: nginx serves what it did before.
            for line in report.rollback().actions:
                note(line)
        raise StepFailed(message, fix, step=log.step)

    if default_was_on and not serve.default_site_enabled(plan.nginx_dir):
        manifest["default_site_disabled"] = True
    manifest["nginx_links"] = [str(path) for path in serve.site_links(p.name, plan.nginx_dir)]
    registry.update(p.dest, p.name, site={**_site_record(plan), "links": manifest["nginx_links"]})
    manifest["deployed_at"] = dt.datetime.now(tz=dt.UTC).isoformat(timespec="seconds")
    write_manifest(p.dest, manifest)
    result.manifest = manifest
    for check in result.checks:
        if check.via == "public" and not check.ok:
            result.warnings.append(
                f"the public URL does not answer yet: {check.message}. The app works through "
                "this machine's nginx; once DNS and the firewall let the world in, check it "
                "with `opsbase doctor`"
            )
    return result


def _kept(previous: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {key: previous[key] for key in keys if key in previous}


def _site_record(plan: Plan) -> dict[str, Any]:
    """What the registry keeps of the site: enough for another project's preflight."""
    return {
        "nginx_dir": str(plan.nginx_dir),
        "server_names": [plan.project.host],
        "http_port": plan.http_port,
        "https_port": plan.https_port if plan.tls != "none" else None,
        "listen_address": plan.options.listen_address,
        "tls": plan.tls,
    }


def _explain_failure(plan: Plan, failed: list[UrlCheck]) -> tuple[str, str]:
    """The real cause of a site that does not answer through nginx, and its fix."""
    p = plan.project
    for check in failed:
        port = plan.https_port if check.url.startswith("https") else plan.http_port
        found = listeners(port) or []
        master = _nginx_master(plan)
        family = process_family(master) if master else set()
        others = [str(x) for x in found if x.pid is not None and x.pid not in family]
        if others:
            return (
                f"port {port} is held by {others[0]}, not by nginx: the site cannot answer "
                "there; nginx's previous configuration was restored",
                "stop that program or pass other --http-port/--https-port, then run "
                "`opsbase deploy` again",
            )
        if check.outcome == "refused":
            return (
                f"nothing answers on {plan.local_address}:{port}: nginx does not listen there; "
                "its previous configuration was restored",
                f"read nginx's error log ({serve.nginx.nginx_error_log(plan.nginx_conf)}), fix, "
                "then run `opsbase deploy` again",
            )
    statuses = {c.status for c in failed}
    if statuses & {502, 503, 504}:
        return (
            "the app does not answer through nginx: "
            + "; ".join(c.message for c in failed)
            + " (gunicorn)",
            f"read {p.dest / 'logs/gunicorn-error.log'}, fix, then run `opsbase deploy` again",
        )
    if any(c.outcome == "tls" for c in failed):
        return (
            "nginx answers with another certificate than this site's: "
            + "; ".join(c.message for c in failed),
            "check that no other site serves this name and port (nginx -T), then run "
            "`opsbase deploy` again",
        )
    return (
        "the app does not answer through nginx: " + "; ".join(c.message for c in failed),
        f"read {p.dest / 'logs/gunicorn-error.log'} and nginx's error log, fix, then run "
        "`opsbase deploy` again",
    )


def _nginx_master(plan: Plan) -> int | None:
    try:
        return int(serve.nginx_pid_file(plan.nginx_conf).read_text().strip())
    except (OSError, ValueError):
        return None


def _as_expected(check: UrlCheck, plan: Plan) -> bool:
    if urlsplit(check.url).scheme == "http" and plan.tls != "none":
        return check.status == 301 and (check.location or "").startswith("https://")
    return check.status == 200


def check_deployed(
    dest: Path, *, plan: Plan | None = None, public: bool = True, timeout: float = 5.0
) -> list[UrlCheck]:
    """The URL checks of a deployed project: locally through nginx with the public Host (the
    page, and for https the redirect of plain http), then as the world reaches it."""
    manifest = read_manifest(dest)
    if plan is not None:
        url, tls = plan.project.public_url, plan.tls
        http_port, https_port, address = plan.http_port, plan.https_port, plan.local_address
        ca = plan.site().certificate if tls == "self-signed" else None
    else:
        url, tls = manifest["public_url"], manifest["tls"]
        http_port, https_port = manifest["http_port"], manifest["https_port"]
        listen = manifest.get("listen_address") or ""
        address = "127.0.0.1" if listen in ("", "0.0.0.0", "*") else listen  # noqa: S104
        ca = Path(dest) / "deploy/ssl/selfsigned.crt" if tls == "self-signed" else None
    url = url.rstrip("/") + "/"
    host = urlsplit(url).hostname or "localhost"
    checks: list[UrlCheck] = []
    if tls == "none":
        checks.append(serve.check_url(url, connect_to=(address, http_port), timeout=timeout))
    else:
        checks.append(
            serve.check_url(url, connect_to=(address, https_port), timeout=timeout, ca_file=ca)
        )
        http_url = f"http://{host}" + ("" if http_port == 80 else f":{http_port}") + "/"
        checks.append(serve.check_url(http_url, connect_to=(address, http_port), timeout=timeout))
    if public:
        checks.append(serve.check_url(url, timeout=timeout))
    return checks


def _create_user(user: str, home: Path, *, log: CommandLog) -> None:
    useradd = serve_process.find_program("useradd")
    if useradd is None:
        raise StepFailed(
            f"cannot create the user {user!r}: useradd is not installed",
            "create the user yourself, then pass --user NAME",
            step=log.step,
        )
    nologin = serve_process.find_program("nologin") or "/usr/sbin/nologin"
    run(
        [
            useradd,
            "--system",
            "--user-group",
            "--no-create-home",
            "--home-dir",
            str(home),
            "--shell",
            nologin,
            user,
        ],
        log=log,
        timeout=60,
        fix="create the user yourself, then pass --user NAME",
    )


def _own_writable_paths(plan: Plan, note: Say, *, log: CommandLog) -> list[Path]:
    """Least privilege on every file the app touches, then the app loaded as its user.

    The service user owns what it writes: ``logs/`` (0750, files 0640), ``media/`` and a
    SQLite database (``var/`` 0700, the file 0600). Uploads are 0640 in nginx's group (the
    folder is setgid to it), so nginx serves them and joins no group of the app's. The env
    files stay root's: ``.env`` and ``.env.<environment>`` readable by the app's group
    (0640), the others by root alone, so the app cannot rewrite its own configuration. The
    code stays root's. What the user cannot read is named before gunicorn fails on it."""
    p = plan.project
    if os.geteuid() != 0:
        return []
    account = pwd.getpwnam(plan.user)
    uid, gid = account.pw_uid, account.pw_gid
    group = nginx_group(plan.nginx_conf)
    web_gid = _gid(group) if group else None
    owned: list[Path] = []
    logs = p.dest / "logs"
    logs.mkdir(exist_ok=True)
    for name in DAEMON_LOGS:
        (logs / name).touch(exist_ok=True)
    _set_tree(logs, uid, gid, folder_mode=0o750, file_mode=0o640)
    owned.append(logs)
    media = p.dest / "media"
    media.mkdir(exist_ok=True)
    if web_gid is not None:
        _set_tree(media, uid, web_gid, folder_mode=0o2750, file_mode=0o640)
    else:
        _set_tree(media, uid, gid, folder_mode=0o750, file_mode=0o640)
    owned.append(media)
    # backups/: scripts/backup_db.sh runs as this user (from cron) and writes there; every row
    # of every tenant, so the user's alone.
    backups = p.dest / "backups"
    backups.mkdir(exist_ok=True)
    _set_tree(backups, uid, gid, folder_mode=0o700, file_mode=0o600)
    owned.append(backups)
    readable = {".env", f".env.{plan.options.environment}"}
    for path in sorted(p.dest.glob(".env*")):
        if not path.is_file() or path.is_symlink():
            continue
        os.chown(path, 0, gid if path.name in readable else 0)
        path.chmod(0o640 if path.name in readable else 0o600)
        owned.append(path)
    if p.database == "sqlite":
        url = p.env_values(plan.options.environment).get("DATABASE_URL", "")
        db_file = Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:") else None
        if db_file is not None and db_file.exists():
            # SQLite writes a journal beside the file, so the folder is the user's too.
            if db_file.parent == p.dest:
                raise StepFailed(
                    f"the SQLite database {db_file} sits in the project folder itself, which "
                    "the app's user would then own",
                    f"move it into {p.dest / 'var'}/ and point DATABASE_URL in .env.* at it",
                )
            _set_tree(db_file.parent, uid, gid, folder_mode=0o700, file_mode=0o600)
            owned += [db_file, db_file.parent]
    note(
        f"{plan.user} owns logs/ (0750), media/ (uploads 0640, nginx's group)"
        + (", var/ (the database, 0600)" if p.database == "sqlite" else "")
        + f"; the env files are root's, .env and .env.{plan.options.environment} readable by "
        f"the group {grp_name(gid)} (0640)"
    )
    _leave_the_apps_group(plan, gid, log=log, note=note)
    _probe_as_user(plan, log=log)
    return owned


def give_logs_back(dest: Path) -> None:
    """Log files root's commands created (the validation step) go to the deployed app's user,
    who must append to them: one it cannot open would stop its workers."""
    user = read_manifest(dest).get("user")
    if os.geteuid() != 0 or not user:
        return
    try:
        account = pwd.getpwnam(str(user))
    except KeyError:
        return
    for item in (Path(dest) / "logs").glob("*"):
        if item.is_file() and item.stat().st_uid == 0 and item.name not in OPSBASE_LOGS:
            os.chown(item, account.pw_uid, account.pw_gid)
            item.chmod(0o640)


def _set_tree(folder: Path, uid: int, gid: int, *, folder_mode: int, file_mode: int) -> None:
    for item in (folder, *folder.rglob("*")):
        if item.is_symlink():
            continue
        os.chown(item, uid, gid)
        item.chmod(folder_mode if item.is_dir() else file_mode)


def _gid(group: str) -> int | None:
    import grp

    try:
        return grp.getgrnam(group).gr_gid
    except KeyError:
        return None


def grp_name(gid: int) -> str:
    import grp

    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def nginx_user(nginx_conf: Path | None) -> str | None:
    """The user nginx's workers run as: the conf's ``user`` directive, else www-data."""
    conf = nginx_conf or serve.nginx.SYSTEM_NGINX_DIR / "nginx.conf"
    if conf.is_file():
        match = re.search(r"^\s*user\s+([^;\s]+)", conf.read_text(), re.MULTILINE)
        if match:
            return match.group(1)
    return NGINX_USER_DEFAULT


def nginx_group(nginx_conf: Path | None) -> str | None:
    """The group of nginx's workers (the gunicorn socket and the uploads are shared with it)."""
    try:
        return grp_name(pwd.getpwnam(nginx_user(nginx_conf) or "").pw_gid)
    except KeyError:
        return None


def _leave_the_apps_group(plan: Plan, gid: int, *, log: CommandLog, note: Say) -> None:
    """Earlier deploys put nginx's user into the app's group (for uploads): in it, nginx
    would read the env files. It leaves the group when OpsBase made that group."""
    import grp

    group = grp.getgrgid(gid)
    user = nginx_user(plan.nginx_conf)
    created = created_here(plan.project.dest, plan.project.name)
    if user not in group.gr_mem or created.get("system_group") != group.gr_name:
        return
    gpasswd = serve_process.find_program("gpasswd") or "gpasswd"
    run([gpasswd, "--delete", str(user), group.gr_name], log=log, timeout=60, check=False)
    note(f"nginx's user {user} left the group {group.gr_name}: it reads no file of the app's")


def _probe_as_user(plan: Plan, *, log: CommandLog) -> None:
    """Load the app as the service user before gunicorn does, so that a folder it cannot
    read (a Python under /root, a private parent folder) is named instead of a dead worker."""
    runuser = serve_process.find_program("runuser")
    if runuser is None:
        return
    p = plan.project
    python = p.dest / ".venv" / "bin" / "python"
    settings = f"config.settings.{plan.options.environment}"
    result = serve_process.run(
        [runuser, "-u", plan.user, "--", str(python), "-c", "import config.wsgi"],
        cwd=p.dest,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DJANGO_SETTINGS_MODULE": settings},
        timeout=120,
    )
    log.write(f"$ {result.command}\n{result.tail(30)}\n-> exit {result.returncode}")
    if result.ok:
        return
    base = _venv_home(python)
    hint = (
        f"the project's Python lives in {base}, which {plan.user!r} cannot read: create the "
        "project with a system Python (opsbase new --python /usr/bin/python3) or open that folder"
        if base and base.is_relative_to("/root")
        else f"give {plan.user!r} read access to the project and its Python (or move the "
        "project under /srv), then deploy again"
    )
    raise StepFailed(
        f"the app does not load as the user {plan.user!r}",
        hint,
        step=log.step,
        command=result.command,
        output_tail=result.tail(12),
    )


def closed_to_service_user(python: Path) -> Path | None:
    """As root, the first folder on the way to *python*'s installation that other users
    cannot enter (the app runs as its own user), or None; None when not root."""
    if os.geteuid() != 0:
        return None
    result = serve_process.run(
        [str(python), "-c", "import sys; print(sys.base_prefix)"], timeout=30
    )
    if not result.ok or not result.stdout.strip():
        return None
    prefix = Path(result.stdout.strip())
    for folder in reversed([prefix, *prefix.parents]):
        if folder.exists() and not folder.stat().st_mode & 0o001:
            return folder
    return None


def _venv_home(python: Path) -> Path | None:
    cfg = python.parent.parent / "pyvenv.cfg"
    if not cfg.is_file():
        return None
    for line in cfg.read_text().splitlines():
        key, _, value = line.partition("=")
        if key.strip() == "home":
            return Path(value.strip())
    return None


def _letsencrypt(plan: Plan, o: DeployOptions, *, log: CommandLog, note: Say) -> None:
    """First the plain-HTTP site that answers certbot's challenge, then the certificate."""
    plain = plan.site(tls="none")
    conf = serve.write_nginx_site(plain, title=plan.project.name)
    report = serve.install_nginx_site(
        conf,
        name=plan.project.name,
        nginx_dir=plan.nginx_dir,
        nginx_conf=plan.nginx_conf,
        ports=(plan.http_port,),
    )
    if not report.ok:
        raise StepFailed("nginx: " + "; ".join(report.problems), "fix it, then deploy again")
    command = serve.certbot_command(plan.site(), email=o.letsencrypt_email)
    run(
        command,
        log=log,
        timeout=600,
        fix=f"point {plan.project.host}'s DNS at this server and open port 80, then deploy "
        "again; or use --ssl self-signed (staging) or --ssl-cert/--ssl-key",
    )
    note(f"certificate from Let's Encrypt for {plan.project.host}; certbot renews it")


# -- gunicorn ------------------------------------------------------------------------------


def _gunicorn_record(plan: Plan) -> dict[str, Any]:
    if plan.systemd:
        return {"mode": "systemd", "units": sorted(serve.render_systemd_units(plan.config))}
    if not plan.options.start:
        return {"mode": "none"}
    return {"mode": "daemon", "pid_file": str(plan.pid_file)}


def _celery_record(plan: Plan) -> dict[str, Any]:
    if plan.systemd or not plan.options.start:
        return {"mode": "none"}  # systemd: the units are in the gunicorn record
    return {"mode": "daemon", "pid_files": {k: str(v) for k, v in plan.celery_pids.items()}}


def _gunicorn_env(plan: Plan) -> dict[str, str]:
    """What the project's gunicorn.conf.py (from the template) is told by this deploy."""
    env = {"VIRTUAL_ENV": "", "DJANGO_ENV": plan.options.environment}
    env["GUNICORN_BIND"] = plan.config.gunicorn_bind
    if os.geteuid() == 0:
        env["GUNICORN_USER"] = plan.user
        if plan.config.socket_group:
            env["GUNICORN_SOCKET_GROUP"] = plan.config.socket_group
    if plan.options.workers:
        env["GUNICORN_WORKERS"] = str(plan.options.workers)
    return env


def _start_gunicorn(plan: Plan, *, log: CommandLog, note: Say) -> None:
    config = plan.config
    p = plan.project
    if plan.systemd:
        units = serve.render_systemd_units(config)
        report = serve.install_systemd_units(config, units)
        for line in report.actions:
            note(line)
        if not report.ok:
            raise StepFailed("systemd: " + "; ".join(report.problems), "fix it, deploy again")
        return
    serve.write_systemd_units(serve.render_systemd_units(config), config.deploy_dir / "systemd")
    note(
        "systemd is not running here (a container or CI?): the units are in deploy/systemd for "
        "a machine that has it; nothing was installed"
    )
    if not plan.options.start:
        note(f"not started (--no-start): run {config.bin_dir}/gunicorn --config gunicorn.conf.py")
        for name, argv in _celery_commands(plan).items():
            note(f"not started (--no-start): the Celery {name}: {' '.join(argv)}")
        return
    pid = _running_pid(plan.pid_file)
    if pid is not None:
        os.kill(pid, signal.SIGHUP)
        note(f"gunicorn (pid {pid}) reloaded gracefully: new workers, running requests finish")
    else:
        argv = [
            str(config.bin_dir / "gunicorn"),
            "--config",
            str(p.dest / "gunicorn.conf.py"),
            "--daemon",
            "--pid",
            str(plan.pid_file),
        ]
        run(argv, log=log, cwd=p.dest, env=_gunicorn_env(plan), timeout=60)
    if not _wait_for_socket(plan.socket_path, plan.pid_file):
        errors = p.dest / "logs" / "gunicorn-error.log"
        tail = errors.read_text(errors="replace")[-2000:] if errors.exists() else ""
        raise StepFailed(
            f"gunicorn did not answer on {plan.socket_path}",
            f"read {errors}, fix, then run `opsbase deploy` again",
            step=log.step,
            output_tail=tail,
        )
    pid = _running_pid(plan.pid_file)
    note(
        f"gunicorn runs as {plan.user} (pid {pid}) on {plan.socket_path}, started without a "
        "supervisor: it does not survive a reboot; run it under your container's supervisor"
    )
    _start_celery(plan, log=log, note=note)


def _celery_commands(plan: Plan) -> dict[str, list[str]]:
    """The Celery worker and beat as daemons of the service user (where systemd does not run
    them), each with its pid file and log; beat's schedule beside the pid files."""
    config, p = plan.config, plan.project
    run_dir = plan.celery_pids["worker"].parent
    common = ["--loglevel=INFO", "--detach"]
    celery = [str(config.bin_dir / "celery"), "--app", config.celery_app, f"--workdir={p.dest}"]
    runuser = serve_process.find_program("runuser")
    if os.geteuid() == 0 and runuser:
        # Celery's own --uid drops privileges, then tries again in the detached process and
        # fails there (initgroups as the user): become the user before Celery starts.
        celery = [runuser, "-u", plan.user, "--", *celery]
    elif os.geteuid() == 0:
        common += [f"--uid={plan.user}", f"--gid={plan.user}"]
    return {
        "worker": [
            *celery, "worker", *common, "--concurrency=2", f"--hostname={p.name}@%h",
            f"--pidfile={plan.celery_pids['worker']}",
            f"--logfile={p.dest / 'logs' / 'celery-worker.log'}",
        ],
        "beat": [
            *celery, "beat", *common, f"--schedule={run_dir / 'celerybeat-schedule'}",
            f"--pidfile={plan.celery_pids['beat']}",
            f"--logfile={p.dest / 'logs' / 'celery-beat.log'}",
        ],
    }  # fmt: skip


def _start_celery(plan: Plan, *, log: CommandLog, note: Say) -> None:
    """(Re)start the Celery worker and beat: a worker keeps the code it started with, so a
    deploy stops it (warm: running tasks finish) and starts it again."""
    run_dir = plan.celery_pids["worker"].parent
    run_dir.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        account = pwd.getpwnam(plan.user)
        # The daemons drop to the user before writing their pid files and schedule.
        os.chown(run_dir, account.pw_uid, account.pw_gid)
        run_dir.chmod(0o750)
    env = {
        "VIRTUAL_ENV": "",
        "DJANGO_ENV": plan.options.environment,
        "DJANGO_SETTINGS_MODULE": plan.config.settings_module,
    }
    for name, argv in _celery_commands(plan).items():
        pid_file = plan.celery_pids[name]
        previous = _running_pid(pid_file)
        if previous is not None:
            # Warm: running tasks finish (they are acknowledged late, so a killed one reruns).
            _stop(pid_file, lambda line: None, what=f"the Celery {name}", timeout=120)
        run(argv, log=log, cwd=plan.project.dest, env=env, timeout=120)
        pid = _wait_for_pid(pid_file)
        if pid is None:
            logfile = plan.project.dest / "logs" / f"celery-{name}.log"
            tail = logfile.read_text(errors="replace")[-2000:] if logfile.exists() else ""
            raise StepFailed(
                f"the Celery {name} did not start",
                f"read {logfile}, fix, then run `opsbase deploy` again",
                step=log.step,
                command=" ".join(argv),
                output_tail=tail,
            )
        verb = "restarted" if previous else "started"
        note(f"Celery {name} {verb} as {plan.user} (pid {pid}), without a supervisor")


def _wait_for_pid(pid_file: Path, timeout: float = 30) -> int | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pid = _running_pid(pid_file)
        if pid is not None:
            return pid
        time.sleep(0.2)
    return None


def _running_pid(pid_file: Path) -> int | None:
    try:
        pid = int(pid_file.read_text().strip())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None
    return pid


def socket_answers(path: Path, timeout: float = 5.0) -> bool:
    """Whether an HTTP server answers GET /health/live on the unix socket *path*."""
    try:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        sock.connect(str(path))
    except OSError:
        return False
    connection = http.client.HTTPConnection("localhost", timeout=timeout)
    connection.sock = sock
    try:
        connection.request("GET", "/health/live", headers={"Host": "localhost"})
        return connection.getresponse().status < 500
    except OSError:
        return False
    finally:
        connection.close()


def _wait_for_socket(path: Path, pid_file: Path, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    time.sleep(0.5)
    while time.monotonic() < deadline:
        if socket_answers(path):
            return True
        if pid_file.exists() and _running_pid(pid_file) is None:
            return False  # the master exited
        time.sleep(0.3)
    return False


# -- the record of what deploy made ---------------------------------------------------------


def manifest_path(dest: Path) -> Path:
    return Path(dest) / JOURNAL_DIR / MANIFEST


def read_manifest(dest: Path) -> dict[str, Any]:
    path = manifest_path(dest)
    if not path.is_file():
        return {}
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def write_manifest(dest: Path, data: dict[str, Any]) -> None:
    path = manifest_path(dest)
    path.parent.mkdir(exist_ok=True)
    ignore = path.parent / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# provisioning state of this machine, not source\n*\n")
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)


# -- destroy ---------------------------------------------------------------------------------


@dataclass
class DestroyPlan:
    project: Project
    manifest: dict[str, Any]
    nginx_dir: Path
    nginx_conf: Path | None
    db: dict[str, Any] | None  # PostgreSQL: {"name", "role"} OpsBase made; None: drop nothing
    admin: database.Admin | None
    actions: list[str] = field(default_factory=list)
    created: dict[str, str] = field(default_factory=dict)  # the registry's record


def plan_destroy(
    dest: Path,
    *,
    nginx_dir: str | None = None,
    db_admin_url: str | None = None,
    keep_database: bool = False,
) -> DestroyPlan:
    """What `destroy` would remove, in sentences; InputError when it cannot tell."""
    project = Project.read(dest)
    manifest = read_manifest(project.dest)
    root = Path(nginx_dir or manifest.get("nginx_dir") or serve.nginx.SYSTEM_NGINX_DIR)
    conf_text = manifest.get("nginx_conf")
    nginx_conf = Path(conf_text) if conf_text else (root / "nginx.conf" if nginx_dir else None)
    actions: list[str] = []
    gunicorn = manifest.get("gunicorn", {})
    if gunicorn.get("mode") == "systemd":
        actions.append(f"stop, disable and delete the systemd units {', '.join(gunicorn['units'])}")
    elif gunicorn.get("mode") == "daemon":
        actions.append(f"stop gunicorn (pid file {gunicorn['pid_file']})")
    celery = manifest.get("celery", {})
    if celery.get("mode") == "daemon":
        actions.append("stop the Celery " + " and ".join(sorted(celery["pid_files"])))
    links = [link for link in serve.site_links(project.name, root) if link.is_symlink()]
    if links:
        actions.append("remove the nginx site " + ", ".join(str(x) for x in links))
    if manifest.get("default_site_disabled"):
        actions.append("turn nginx's default site back on")
    db: dict[str, Any] | None = None
    admin = None
    created = created_here(project.dest, project.name)
    if project.database == "postgres" and not keep_database:
        url = project.env_values().get("DATABASE_URL", "")
        parts = database.parse_app_url(url)
        ours = {
            "name": parts["dbname"] if created.get("pg_database") == parts["dbname"] else None,
            "role": parts["user"] if created.get("pg_role") == parts["user"] else None,
        }
        if ours["name"] or ours["role"]:
            db = ours
            admin = database.admin_from(db_admin_url)
            what = " and ".join(
                f"{kind} {value!r}"
                for kind, value in (("database", ours["name"]), ("role", ours["role"]))
                if value
            )
            tests = (
                f" and its tests' database {database.test_name(ours['name'])!r}"
                if ours["name"]
                else ""
            )
            actions.append(
                f"back up the database into {project.dest / 'backups'}, then drop the "
                f"PostgreSQL {what}{tests}"
            )
        else:
            actions.append(
                f"leave the PostgreSQL database {parts['dbname']!r} and role {parts['user']!r}: "
                "OpsBase did not create them for this project"
            )
    user = created.get("system_user")
    if user:
        actions.append(f"delete the system user {user!r}")
    entry = registry.read(project.name)
    if entry is not None and entry.belongs_to(project.dest):
        actions.append(f"remove the project's entry from the registry ({entry.path})")
    plan = DestroyPlan(project, manifest, root, nginx_conf, db, admin, actions)
    plan.created = created
    return plan


def destroy(plan: DestroyPlan, *, log: CommandLog, say: Say) -> list[str]:
    """Remove what `new` and `deploy` made outside the project; the project stays."""
    done: list[str] = []

    def note(line: str) -> None:
        done.append(line)
        log.write(line)
        say(line)

    p, manifest = plan.project, plan.manifest
    if plan.db is not None:
        # The backup comes first: nothing is dropped unless it was written.
        output = manage(
            p.dest,
            p.dest / ".venv/bin/python",
            "opsbase_backup",
            log=log,
            env={"DJANGO_ENV": "prod"},
            fix="the database was NOT dropped; fix the backup, then run destroy "
            "again (or pass --keep-database)",
        )
        note(output.strip().splitlines()[-1] if output.strip() else "backed up the database")
    gunicorn = manifest.get("gunicorn", {})
    if gunicorn.get("mode") == "systemd":
        report = serve.uninstall_systemd_units(list(gunicorn["units"]))
        for line in report.actions:
            note(line)
        if not report.ok:
            raise StepFailed("systemd: " + "; ".join(report.problems), "fix it, then run again")
    elif gunicorn.get("mode") == "daemon":
        _stop(Path(gunicorn["pid_file"]), note)
    celery = manifest.get("celery", {})
    if celery.get("mode") == "daemon":
        for name, pid_file in sorted(celery["pid_files"].items()):
            _stop(Path(pid_file), note, what=f"the Celery {name}", timeout=120)
    report = serve.uninstall_nginx_site(
        p.name,
        project_dir=p.dest,
        nginx_dir=plan.nginx_dir,
        nginx_conf=plan.nginx_conf,
        restore_default=bool(manifest.get("default_site_disabled")),
    )
    for line in report.actions:
        note(line)
    if not report.ok:
        raise StepFailed("nginx: " + "; ".join(report.problems), "fix it, then run again")
    if plan.db is not None and plan.admin is not None:
        database.drop(plan.admin, plan.db["name"], role=plan.db["role"], log=log)
        registry.forget_created(p.dest, p.name, "pg_database", "pg_role")
        dropped = [
            f"{kind} {value!r}"
            for kind, value in (("database", plan.db["name"]), ("role", plan.db["role"]))
            if value
        ]
        if plan.db["name"]:
            dropped.append(f"the tests' database {database.test_name(plan.db['name'])!r}")
        note("dropped the PostgreSQL " + " and ".join(dropped))
    user = plan.created.get("system_user")
    if user:
        # Files of a deleted user would belong to a bare number: give them back first.
        owner = (p.dest / "manage.py").stat()
        for path in map(Path, manifest.get("owned_paths", [])):
            for item in (path, *(path.rglob("*") if path.is_dir() and path != p.dest else [])):
                if item.exists():
                    os.chown(item, owner.st_uid, owner.st_gid)
        userdel = serve_process.find_program("userdel") or "userdel"
        result = serve_process.run([userdel, user], timeout=60)
        if result.ok:
            note(f"deleted the system user {user!r}")
        else:
            note(f"could not delete the user {user!r}: {result.tail(3)}")
        # userdel keeps a group that still has members.
        group = plan.created.get("system_group")
        groupdel = serve_process.find_program("groupdel") or "groupdel"
        if group and serve_process.run(["getent", "group", group], timeout=30).ok:
            gone = serve_process.run([groupdel, group], timeout=60)
            note(
                f"deleted the group {group!r}"
                if gone.ok
                else f"could not delete the group {group!r}: {gone.tail(3)}"
            )
    manifest_path(p.dest).unlink(missing_ok=True)
    if registry.remove(p.dest, p.name):
        note("removed the project's entry from the registry of OpsBase projects")
    return done


def _stop(pid_file: Path, note: Say, *, what: str = "gunicorn", timeout: float = 40) -> None:
    """TERM (a graceful stop for gunicorn and Celery alike), then KILL after *timeout*; waits
    for the process itself (Celery removes its pid file as soon as it starts stopping)."""
    pid = _running_pid(pid_file)
    if pid is None:
        note(f"{what} was not running")
        return
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and _process_alive(pid):
        time.sleep(0.2)
    if _process_alive(pid):
        os.kill(pid, signal.SIGKILL)
        while _process_alive(pid) and time.monotonic() < deadline + 10:
            time.sleep(0.2)
    note(f"stopped {what} (pid {pid})")


def _process_alive(pid: int) -> bool:
    """Whether *pid* runs (a zombie, which only waits for its parent to read it, does not)."""
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"
