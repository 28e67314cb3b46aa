"""What `opsbase new` is asked for, and the checks every answer passes before anything is done."""

from __future__ import annotations

import datetime as dt
import importlib.util
import keyword
import os
import re
import socket
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .errors import InputError

DJANGO_DEFAULT = "5.2"
# Last day of upstream support of each Django feature release OpsBase accepts.
DJANGO_SUPPORT_ENDS = {
    "4.2": dt.date(2026, 4, 30),
    "5.0": dt.date(2025, 4, 30),
    "5.1": dt.date(2025, 12, 31),
    "5.2": dt.date(2028, 4, 30),
}
DATABASES = ("postgres", "sqlite")
JOURNAL_DIR = ".opsbase"
# Packages and folders of a generated project, and what it imports: an app cannot be named so.
PROJECT_PACKAGES = frozenset(
    {"config", "apps", "main", "tests", "test", "site", "opsbase", "django", "static", "logs"}
)

_NAME_RE = re.compile(r"^[a-z_][a-z0-9_]*$")
_DJANGO_RE = re.compile(r"^(\d+)\.(\d+)(?:\.(\d+))?$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass
class Inputs:
    """Every answer `opsbase new` needs; defaults are what --no-input uses."""

    dest: Path
    name: str
    url: str
    python: str = "current"
    database: str = "sqlite"
    modules: tuple[str, ...] = ()
    superuser_email: str = "admin@example.com"
    django: str = DJANGO_DEFAULT
    db_admin_url: str | None = None
    email_url: str | None = None  # EMAIL_URL of .env.prod; None: a local MTA, else console://
    dns: str | None = None  # the DNS provider whose record of the host `new` makes (--dns)
    dns_target: str | None = None  # the host's IP addresses, or a host name (a CNAME)
    dns_zone: str | None = None  # the zone, when not found from the host
    yes: bool = False
    force: bool = False
    skip_system_packages: bool = False
    no_deploy: bool = False
    deploy: dict[str, Any] = field(default_factory=dict)  # the flags of `opsbase deploy`
    warnings: list[str] = field(default_factory=list)

    def to_journal(self) -> dict[str, Any]:
        """The inputs as journaled: no secret (the admin URL's password is left out)."""
        data = asdict(self)
        data["dest"] = str(self.dest)
        data["modules"] = list(self.modules)
        data["db_admin_url"] = _without_password(self.db_admin_url)
        data["email_url"] = _without_password(self.email_url)
        data.pop("warnings")
        return data

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""


def _without_password(url: str | None) -> str | None:
    if not url:
        return url
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


def validate_name(name: str) -> str:
    """The app name: a lower-case Python identifier that is no keyword and no importable module."""
    name = (name or "").strip()
    if not name:
        raise InputError("the app name is missing", "pass --name, e.g. --name shop")
    if not _NAME_RE.match(name):
        raise InputError(
            f"app name {name!r} is not a lower-case Python identifier",
            "use lower-case letters, digits and underscores, starting with a letter, e.g. shop",
        )
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        raise InputError(
            f"app name {name!r} is a Python keyword",
            "choose another name, e.g. " + name + "_app",
        )
    if _importable(name):
        raise InputError(
            f"app name {name!r} is the name of an importable Python module",
            "choose a name that no installed package uses, e.g. my" + name,
        )
    if name in PROJECT_PACKAGES:
        raise InputError(
            f"app name {name!r} is taken by the project's own layout",
            "choose another name; these are reserved: " + ", ".join(sorted(PROJECT_PACKAGES)),
        )
    if len(name) > 63:
        raise InputError("app name is longer than 63 characters", "choose a shorter name")
    return name


def _importable(name: str) -> bool:
    """Whether *name* would shadow a module found without the current directory on the path."""
    if name in sys.builtin_module_names or name in sys.stdlib_module_names:
        return True
    cwd = os.getcwd()
    saved = sys.path[:]
    sys.path[:] = [p for p in sys.path if p not in ("", ".", cwd)]
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False
    finally:
        sys.path[:] = saved


def validate_url(url: str) -> str:
    """The public URL: http or https with a host, no path beyond '/'."""
    url = (url or "").strip()
    if not url:
        raise InputError(
            "the public URL is missing", "pass --url, e.g. --url https://shop.example.com"
        )
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(
            f"public URL {url!r} needs an http:// or https:// scheme and a host",
            "pass e.g. --url https://shop.example.com",
        )
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise InputError(
            f"public URL {url!r} has a path; the app is served at the root of its host",
            "pass only scheme and host, e.g. --url https://shop.example.com",
        )
    return f"{parts.scheme}://{parts.netloc}"


#: Kernel file systems: nothing can be created there, whatever the permissions say.
VIRTUAL_ROOTS = (Path("/proc"), Path("/sys"), Path("/dev"))


def validate_dest(dest: Path | str) -> Path:
    """The destination: absent, or an empty directory (a journaled unfinished run is handled
    by the caller before this check)."""
    path = Path(dest).expanduser()
    path = path if path.is_absolute() else Path.cwd() / path
    resolved = path.resolve()
    for root in VIRTUAL_ROOTS:
        if resolved == root or resolved.is_relative_to(root):
            raise InputError(
                f"destination {path} is under {root}, a kernel file system",
                "choose a directory on a disk, e.g. --dest /srv/<name>",
            )
    # The first ancestor that exists must be a directory (a file cannot hold a folder).
    for ancestor in path.parents:
        if ancestor.exists() or ancestor.is_symlink():
            if not ancestor.is_dir():
                raise InputError(
                    f"cannot create {path}: {ancestor} is a file, not a directory",
                    "choose a directory path with --dest",
                )
            break
    if path.exists() and not path.is_dir():
        raise InputError(f"destination {path} is a file", "choose a directory path with --dest")
    if path.is_dir() and any(path.iterdir()):
        raise InputError(
            f"destination {path} is not empty",
            "choose a new or empty directory with --dest",
        )
    if not path.exists():
        parent = next(p for p in path.parents if p.exists())
        if not os.access(parent, os.W_OK):
            raise InputError(
                f"cannot create {path}: {parent} is not writable",
                "choose a directory you can write to",
            )
    return path


def validate_email(email: str) -> str:
    email = (email or "").strip()
    if not _EMAIL_RE.match(email):
        raise InputError(
            f"superuser e-mail {email!r} is not an e-mail address",
            "pass e.g. --superuser-email admin@example.com",
        )
    return email


EMAIL_SCHEMES = ("smtp", "smtp+tls", "smtps", "smtp+ssl", "console")


def validate_email_url(url: str) -> str:
    """The production EMAIL_URL: smtp(+tls|+ssl)://[user:password@]host[:port], or console://."""
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in EMAIL_SCHEMES:
        raise InputError(
            f"--email-url {parts.scheme or url!r}://... is not an e-mail URL",
            "pass e.g. --email-url smtp+tls://USER:PASSWORD@smtp.example.com:587 (or console://)",
        )
    try:
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        raise InputError(f"--email-url has a malformed port: {parts.netloc!r}") from None
    if parts.scheme != "console" and not parts.hostname:
        raise InputError(
            "--email-url names no mail server",
            "pass e.g. --email-url smtp+tls://USER:PASSWORD@smtp.example.com:587",
        )
    return url


def validate_dns(
    provider: str, target: str | None, zone: str | None, *, url: str
) -> tuple[str, str, str | None]:
    """--dns, --dns-target and --dns-zone: a known provider, and a target that gives the
    public URL's host A/AAAA records (IP addresses) or a CNAME (a host name)."""
    from opsbase.services.dns import PROVIDERS, DnsConfigError, wanted_records

    provider = (provider or "").strip().lower()
    if provider not in PROVIDERS:
        raise InputError(
            f"--dns {provider!r} is not a DNS provider OpsBase knows",
            "pass --dns " + " or --dns ".join(PROVIDERS),
        )
    target = (target or "").strip()
    if not target:
        raise InputError(
            "--dns needs the address the public URL's host points at",
            "pass --dns-target with this server's public IP address(es), comma-separated, or "
            "a host name (for a CNAME), e.g. --dns-target 203.0.113.10",
        )
    try:
        wanted_records(public_url=url, target=target)
    except DnsConfigError as error:
        raise InputError(f"--dns-target: {error.message}", error.fix) from None
    return provider, target, (zone or "").strip().rstrip(".") or None


def local_mail_server(host: str = "127.0.0.1", port: int = 25, timeout: float = 2.0) -> bool:
    """Whether an SMTP server (a local MTA: postfix, exim) greets on *host*:*port*."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.settimeout(timeout)
            return sock.recv(64).startswith(b"220")
    except OSError:
        return False


def validate_database(database: str) -> str:
    if database not in DATABASES:
        raise InputError(
            f"database {database!r} is not supported", "pass --database postgres or sqlite"
        )
    return database


def validate_superuser_password(password: str, *, email: str) -> str:
    """The superuser's password, passed through the validators a generated project applies
    (length, common passwords, all digits, likeness to the e-mail)."""
    from types import SimpleNamespace

    from django.conf import settings
    from django.contrib.auth import password_validation
    from django.core.exceptions import ValidationError

    from opsbase.conf.settings import password_validators

    if not settings.configured:
        # The command line runs no project: the validators only need translations off.
        settings.configure(USE_I18N=False)
    validators = password_validation.get_password_validators(password_validators())
    # The superuser-to-be, as far as UserAttributeSimilarityValidator looks at one.
    fields = SimpleNamespace(get_field=lambda name: SimpleNamespace(verbose_name=name))
    user: Any = SimpleNamespace(email=email, username=email.split("@")[0], _meta=fields)
    try:
        password_validation.validate_password(password, user, password_validators=validators)
    except ValidationError as error:
        raise InputError(
            "the superuser password is refused: " + " ".join(str(m) for m in error.messages),
            "choose a longer, less common one (OPSBASE_SUPERUSER_PASSWORD or the prompt), or "
            "leave it out and one is generated",
        ) from None
    return password


def available_modules() -> tuple[str, ...]:
    """The optional modules this OpsBase ships: each folder of ``opsbase/modules`` with an
    AppConfig (the kernel apps are always on), by name."""
    modules_dir = Path(__file__).resolve().parents[1] / "modules"
    return tuple(
        sorted(child.name for child in modules_dir.iterdir() if (child / "apps.py").is_file())
    )


def default_modules() -> tuple[str, ...]:
    return tuple(m for m in ("tasks",) if m in available_modules())


def validate_modules(modules: str | list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    if modules is None:
        return default_modules()
    items = modules.split(",") if isinstance(modules, str) else list(modules)
    chosen = tuple(dict.fromkeys(m.strip() for m in items if m.strip()))
    available = available_modules()
    for module in chosen:
        if module not in available:
            raise InputError(
                f"module {module!r} is not available",
                "choose among: " + (", ".join(available) or "none yet (pass --modules '')"),
            )
    return with_dependencies(chosen)


def with_dependencies(chosen: tuple[str, ...]) -> tuple[str, ...]:
    """*chosen* modules with the modules they build on, each after what it needs."""
    from opsbase.modules import module_dependencies

    ordered: list[str] = []

    def add(module: str, path: tuple[str, ...]) -> None:
        if module in ordered:
            return
        if module in path:
            raise InputError(
                f"the modules {' -> '.join((*path, module))} depend on each other in a circle",
                "report this: a module's dependencies must not loop",
            )
        for needed in module_dependencies(module):
            add(needed, (*path, module))
        ordered.append(module)

    for module in chosen:
        add(module, ())
    return tuple(ordered)


def validate_django(version: str) -> tuple[str, str | None]:
    """The Django version and, for a release past its support, the warning to print."""
    version = (version or DJANGO_DEFAULT).strip()
    match = _DJANGO_RE.match(version)
    if not match:
        raise InputError(f"Django version {version!r} is not a version", "pass e.g. --django 5.2")
    series = f"{match[1]}.{match[2]}"
    if series not in DJANGO_SUPPORT_ENDS:
        raise InputError(
            f"Django {version} is not supported by OpsBase",
            "choose one of " + ", ".join(sorted(DJANGO_SUPPORT_ENDS)),
        )
    ends = DJANGO_SUPPORT_ENDS[series]
    warning = None
    if ends < dt.datetime.now(tz=dt.UTC).date():
        warning = (
            f"Django {series} is past its end of support (since {ends:%B %Y}): it gets no "
            f"security fixes; prefer --django {DJANGO_DEFAULT}"
        )
    return version, warning


def postgres_answers(host: str = "127.0.0.1", port: int = 5432, timeout: float = 1.0) -> bool:
    """Whether a PostgreSQL server accepts TCP connections at *host*:*port*."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def source_checkout() -> Path | None:
    """The OpsBase source checkout this code runs from, if it runs from one."""
    root = Path(__file__).resolve().parents[3]
    pyproject = root / "pyproject.toml"
    if pyproject.exists() and 'name = "opsbase"' in pyproject.read_text(encoding="utf-8"):
        return root
    return None


def journal_path(dest: Path) -> Path:
    return dest / JOURNAL_DIR / "provision.json"
