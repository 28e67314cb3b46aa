"""Scaffold: render the project template, write its environment files, upgrade it later.

The template (``opsbase/project_template``, a copier template) ships inside the package. So
that ``copier update`` can three-way merge a newer template into a project, every version of
the template a machine has rendered is kept in a small git repository, the *template store*
(``$OPSBASE_TEMPLATE_STORE``, else ``$XDG_DATA_HOME/opsbase/project-template``, else
``~/.local/share/opsbase/project-template``). Each distinct content is one commit tagged
``<opsbase release>.post<n>`` (``0.1.0.post1``, ``0.1.0.post2``, ...); a project's
``.copier-answers.yml`` names the store and the tag it was rendered from.

Secrets never pass through copier: ``write_env_files`` writes them straight to mode-0600 files.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from packaging.version import InvalidVersion, Version

import opsbase
from opsbase.provision import inputs

TEMPLATE_DIR = Path(opsbase.__file__).resolve().parent / "project_template"
STORE_VARIABLE = "OPSBASE_TEMPLATE_STORE"
ANSWERS_FILE = ".copier-answers.yml"
ENVIRONMENTS = ("dev", "test", "prod")
DATABASES = ("sqlite", "postgres")

# Names a project cannot take: they would shadow the packages the project imports.
_RESERVED_NAMES = {"config", "apps", "tests", "opsbase", "django", "main", "test", "site"}
_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_DJANGO_RE = re.compile(r"^\d+\.\d+(\.\d+)?$")
_PYTHON_RE = re.compile(r"^3\.\d+$")
_STORE_IDENTITY = ("-c", "user.name=OpsBase", "-c", "user.email=opsbase@localhost")


class ScaffoldError(Exception):
    """What was wrong and how to fix it, in one message (``message``, ``fix``)."""

    def __init__(self, message: str, fix: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix

    def __str__(self) -> str:
        return f"{self.message} ({self.fix})" if self.fix else self.message


@dataclass(frozen=True)
class ProjectSpec:
    dest: Path  # project directory (absent or empty)
    name: str  # app name: lower-case Python identifier, e.g. "shop"
    public_url: str  # e.g. "https://shop.example.com"
    django_version: str = "5.2"  # "5.2" (the LTS series) or an exact pin like "4.2.11"
    database: str = "sqlite"  # "sqlite" or "postgres"
    modules: tuple[str, ...] = ("tasks",)  # opsbase modules to enable (apps under opsbase.modules)
    superuser_email: str = "admin@example.com"
    python_version: str = "3.11"  # for pyproject's python constraint
    opsbase_source: Path | None = None  # path dependency from a source checkout, else a pin


# -- rendering -------------------------------------------------------------------------------


def render_project(spec: ProjectSpec, *, template: Path | None = None) -> Path:
    """Render the project template into ``spec.dest`` (absent or empty); return it.

    *template* replaces the packaged template directory (tests, template development).
    """
    validate_spec(spec)
    dest = Path(spec.dest).resolve()
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise ScaffoldError(
            f"{dest} already exists and is not an empty directory",
            "choose a new project directory, or empty this one",
        )
    store = template_store()
    tag = _store_sync(store, template or TEMPLATE_DIR)
    copier = _copier()
    try:
        copier.run_copy(
            str(store),
            dest,
            data=_answers(spec),
            vcs_ref=tag,
            defaults=True,
            unsafe=False,
            quiet=True,
            overwrite=False,
        )
    except (copier.errors.CopierError, ValueError) as exc:
        raise ScaffoldError(
            f"the project template could not be rendered into {dest}: {exc}",
            "check the project inputs; if the template store is damaged, delete "
            f"{store} and run again",
        ) from exc
    return dest


def validate_spec(spec: ProjectSpec) -> None:
    """Raise ``ScaffoldError`` naming the first input of *spec* that cannot be used."""
    if not _NAME_RE.match(spec.name) or spec.name in _RESERVED_NAMES:
        raise ScaffoldError(
            f"the app name {spec.name!r} cannot be used",
            "use lower-case letters, digits and underscores, starting with a letter, and "
            f"none of {', '.join(sorted(_RESERVED_NAMES))}",
        )
    _public_origin(spec.public_url)
    if not _DJANGO_RE.match(spec.django_version) or not (
        Version("4.2") <= Version(spec.django_version) < Version("6.0")
    ):
        raise ScaffoldError(
            f"Django {spec.django_version!r} is not supported",
            "use 5.2 (the LTS series) or an exact 4.2/5.x release such as 4.2.11",
        )
    if spec.database not in DATABASES:
        raise ScaffoldError(
            f"the database {spec.database!r} is not supported", "use sqlite or postgres"
        )
    available = inputs.available_modules()
    unknown = [m for m in spec.modules if m not in available]
    if unknown:
        raise ScaffoldError(
            f"opsbase has no module {', '.join(map(repr, unknown))}",
            f"choose among: {', '.join(sorted(available)) or '(none installed)'}",
        )
    if not _PYTHON_RE.match(spec.python_version) or Version(spec.python_version) < Version("3.11"):
        raise ScaffoldError(
            f"Python {spec.python_version!r} cannot be used", "OpsBase needs Python 3.11 or newer"
        )
    if "@" not in spec.superuser_email or any(c.isspace() for c in spec.superuser_email):
        raise ScaffoldError(
            f"{spec.superuser_email!r} is not an e-mail address", "e.g. admin@example.com"
        )
    if (
        spec.opsbase_source is not None
        and not (Path(spec.opsbase_source) / "pyproject.toml").is_file()
    ):
        raise ScaffoldError(
            f"{spec.opsbase_source} is not an OpsBase source checkout (no pyproject.toml)",
            "pass the checkout's root directory, or none to depend on the released package",
        )


def _answers(spec: ProjectSpec) -> dict[str, Any]:
    return {
        "name": spec.name,
        "public_url": spec.public_url.rstrip("/"),
        "django_version": spec.django_version,
        "database": spec.database,
        "modules": list(dict.fromkeys(spec.modules)),
        "superuser_email": spec.superuser_email,
        "python_version": spec.python_version,
        "opsbase_version": opsbase.__version__,
        "opsbase_source": str(Path(spec.opsbase_source).resolve()) if spec.opsbase_source else "",
        # A path nobody guesses; obscurity on top of the admin's own login, not instead of it.
        "admin_url": f"admin-{secrets.token_hex(6)}/",
    }


def _public_origin(public_url: str) -> tuple[str, str]:
    """``(origin, host)`` of *public_url*, e.g. ``("https://a.example.com", "a.example.com")``."""
    parts = urlsplit(public_url.strip())
    try:
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        host = None
    if parts.scheme not in ("http", "https") or not host or parts.path not in ("", "/"):
        raise ScaffoldError(
            f"the public URL {public_url!r} cannot be used",
            "use http(s)://host[:port] without a path, e.g. https://shop.example.com",
        )
    if parts.query or parts.fragment or parts.username:
        raise ScaffoldError(
            f"the public URL {public_url!r} cannot be used",
            "leave out credentials, query and fragment: http(s)://host[:port]",
        )
    return f"{parts.scheme}://{parts.netloc.lower()}", f"[{host}]" if ":" in host else host


# -- environment files -----------------------------------------------------------------------


@dataclass(frozen=True)
class ProdServices:
    """What production uses besides its database, written into ``.env.prod``."""

    redis_url: str | None = None  # a Redis server, e.g. redis://127.0.0.1:6379 (no db number)
    email_url: str = "console://"  # EMAIL_URL: smtp+tls://user:pw@host:587, console://


def write_env_files(
    dest: Path,
    spec: ProjectSpec,
    *,
    database_urls: dict[str, str],
    environment: str = "dev",
    services: ProdServices | None = None,
) -> list[Path]:
    """Write ``.env`` (``DJANGO_ENV``), ``.env.dev``, ``.env.test``, ``.env.prod``; mode 0600.

    Each environment file gets its own random ``SECRET_KEY`` (an existing file's key is kept,
    so a re-run does not sign everyone out) and ``OPSBASE_AUDIT_KEY`` (kept too), ``DEBUG``,
    ``ALLOWED_HOSTS`` and ``CSRF_TRUSTED_ORIGINS`` from the public URL and ``DATABASE_URL``
    from *database_urls* (keys ``dev``, ``test``, ``prod``). ``.env.prod`` also gets
    *services*: with Redis, the cache and Celery's broker on it under the app's own key
    prefixes; ``EMAIL_URL``; and the Docker stack's ``POSTGRES_PASSWORD`` (kept when the file
    exists).
    """
    services = services or ProdServices()
    missing = [env for env in ENVIRONMENTS if not database_urls.get(env)]
    if missing:
        raise ScaffoldError(
            f"no database URL for {', '.join(missing)}",
            "pass database_urls with the keys dev, test and prod",
        )
    if environment not in ("dev", "test", "staging", "prod"):
        raise ScaffoldError(
            f"DJANGO_ENV {environment!r} is not an environment", "use dev, test, staging or prod"
        )
    origin, host = _public_origin(spec.public_url)
    dest = Path(dest)
    local = ["localhost", "127.0.0.1", "[::1]"]
    hosts = {
        "dev": [*local, host],
        # The test client's requests come from "testserver".
        "test": ["testserver", *local, host],
        # Local addresses stay allowed so the server can probe itself (health checks).
        "prod": [host, "localhost", "127.0.0.1"],
    }
    written = [set_environment(dest, environment)]
    for env in ENVIRONMENTS:
        path = dest / f".env.{env}"
        values = {
            "SECRET_KEY": _existing_secret_key(path) or secrets.token_urlsafe(50),
            # Signs the audit checkpoints; kept like SECRET_KEY, or old checkpoints stop verifying.
            "OPSBASE_AUDIT_KEY": _existing_secret_key(path, "OPSBASE_AUDIT_KEY", 32)
            or secrets.token_urlsafe(32),
            "DEBUG": "true" if env == "dev" else "false",
            "ALLOWED_HOSTS": ",".join(dict.fromkeys(hosts[env])),
            "CSRF_TRUSTED_ORIGINS": origin,
            "DATABASE_URL": database_urls[env],
        }
        if env == "prod":
            # Served behind the nginx opsbase configures, which sets X-Forwarded-For to the
            # address it was reached from: one trusted hop gives the client's address.
            values["OPSBASE_TRUSTED_PROXIES"] = "1"
        if env == "prod" and origin.startswith("http://"):
            # No TLS on the public URL: redirecting to HTTPS would lock everyone out.
            values["SECURE_SSL_REDIRECT"] = "false"
        if env == "prod":
            values.update(_prod_services(path, spec, host, services))
        header = f"# Settings of the {env} environment ({spec.name}); secrets: keep mode 0600.\n"
        body = "".join(_env_line(key, value) for key, value in values.items())
        written.append(_write_secret_file(path, header + body))
    return written


def _prod_services(
    path: Path, spec: ProjectSpec, host: str, services: ProdServices
) -> dict[str, str]:
    values: dict[str, str] = {}
    if services.redis_url:
        redis = services.redis_url.rstrip("/")
        # One Redis may serve several projects: each keeps its keys under its own prefixes.
        values.update(
            REDIS_URL=f"{redis}/0",
            CACHE_KEY_PREFIX=spec.name,
            CELERY_BROKER_URL=f"{redis}/1",
            CELERY_BROKER_KEY_PREFIX=f"{spec.name}:",
        )
    values["EMAIL_URL"] = services.email_url
    if "." in host and not host.replace(".", "").isdigit():
        title = spec.name.replace("_", " ").title()
        values["DEFAULT_FROM_EMAIL"] = f"{title} <noreply@{host}>"
        values["SERVER_EMAIL"] = f"{spec.name}@{host}"
    # Read by docker-compose.yml (docker compose --env-file .env.prod), not by Django.
    values["POSTGRES_PASSWORD"] = _existing_value(path, "POSTGRES_PASSWORD") or secrets.token_hex(
        24
    )
    return values


def set_environment(dest: Path, environment: str) -> Path:
    """Write ``.env``: the environment (``DJANGO_ENV``) manage.py, gunicorn and workers use."""
    if environment not in ("dev", "test", "staging", "prod"):
        raise ScaffoldError(
            f"DJANGO_ENV {environment!r} is not an environment", "use dev, test, staging or prod"
        )
    return _write_secret_file(
        Path(dest) / ".env",
        "# Which environment manage.py, gunicorn and workers run in: dev, test, staging or "
        "prod.\n# Keep only DJANGO_ENV here: .env wins over .env.<environment>.\n"
        + _env_line("DJANGO_ENV", environment),
    )


def set_env_values(path: Path, values: dict[str, str]) -> Path:
    """Set *values* in the env file *path* (an existing key's line replaced in place, a new
    one appended), keeping it readable by its owner only."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True) if path.is_file() else []
    pending = dict(values)
    for index, line in enumerate(lines):
        key = line.split("=", 1)[0].strip()
        if "=" in line and not line.lstrip().startswith("#") and key in pending:
            lines[index] = _env_line(key, pending.pop(key))
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    lines += [_env_line(key, value) for key, value in pending.items()]
    return _write_secret_file(path, "".join(lines))


def _env_line(key: str, value: str) -> str:
    if "'" not in value and "\n" not in value:
        # Single quotes: python-dotenv (and systemd) take the value literally, no ${} expansion.
        return f"{key}='{value}'\n"
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'{key}="{escaped}"\n'


def _existing_secret_key(path: Path, name: str = "SECRET_KEY", min_length: int = 50) -> str | None:
    key = _existing_value(path, name) or ""
    return key if len(key) >= min_length else None


def _existing_value(path: Path, key: str) -> str | None:
    if not path.is_file():
        return None
    from dotenv import dotenv_values

    return dotenv_values(path, interpolate=False).get(key) or None


def _write_secret_file(path: Path, content: str) -> Path:
    """Write *content* to *path* readable by its owner only, from the first byte on."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)  # an existing file keeps its old mode through O_CREAT
        os.write(fd, content.encode("utf-8"))
    finally:
        os.close(fd)
    return path


# -- upgrade ---------------------------------------------------------------------------------


def update_available(dest: Path, *, template: Path | None = None) -> tuple[str, str] | None:
    """``(project's template version, current one)`` when the template changed, else None."""
    answers = _read_answers(Path(dest))
    store = Path(answers["_src_path"])
    current = _store_sync(store, template or TEMPLATE_DIR)
    rendered = str(answers["_commit"])
    if rendered == current:
        return None
    return rendered, current


# What `opsbase deploy` writes for this machine: never part of the project's history, so it
# never makes the project look changed (projects made before the template ignored it too).
DEPLOY_OUTPUT = ("deploy/nginx/", "deploy/systemd/", "deploy/ssl/", "deploy/acme/", "run/")


@dataclass(frozen=True)
class UpgradeResult:
    """What an upgrade did: the versions, the files it changed and those left in conflict."""

    rendered: str
    current: str
    changed: tuple[str, ...] = ()
    conflicts: tuple[str, ...] = ()


def upgrade_project(dest: Path, *, template: Path | None = None) -> UpgradeResult:
    """Three-way merge the current template into the project (``copier update``).

    The project must be a git repository without uncommitted changes; the result is left
    uncommitted for review, with conflicts marked inline and named in the result.
    """
    dest = Path(dest).resolve()
    answers = _read_answers(dest)
    if not (dest / ".git").exists():
        raise ScaffoldError(
            f"{dest} is not a git repository",
            "upgrades merge through git: run `git init`, commit the project, then upgrade",
        )
    _exclude_deploy_output(dest)
    dirty = _git(dest, "status", "--porcelain").strip()
    if dirty:
        raise ScaffoldError(
            f"{dest} has uncommitted changes",
            "commit (or stash) them first, so the upgrade can be reviewed with git diff",
        )
    store = Path(answers["_src_path"])
    current = _store_sync(store, template or TEMPLATE_DIR)
    rendered = str(answers["_commit"])
    if not _git(store, "tag", "--list", rendered).strip():
        raise ScaffoldError(
            f"the template version {rendered} this project was rendered from is not in the "
            f"template store {store}",
            "upgrade on the machine that created the project, or copy its template store "
            f"here (set {STORE_VARIABLE} to use another location)",
        )
    if rendered == current:
        return UpgradeResult(rendered, current)
    copier = _copier()
    try:
        copier.run_update(
            dest,
            data={"opsbase_version": opsbase.__version__},
            vcs_ref=current,
            defaults=True,
            overwrite=True,
            skip_answered=True,
            unsafe=False,
            quiet=True,
            conflict="inline",
        )
    except (copier.errors.CopierError, ValueError) as exc:
        raise ScaffoldError(
            f"the upgrade of {dest} failed: {exc}", "see the message above"
        ) from exc
    changed = tuple(
        line[3:] for line in _git(dest, "status", "--porcelain").splitlines() if len(line) > 3
    )
    # copier records each file its merge left conflicted as unmerged in the index.
    unmerged = _git(dest, "diff", "--name-only", "--diff-filter=U").split()
    marked = [
        name for name in changed if (dest / name).is_file() and _has_conflict_markers(dest / name)
    ]
    conflicts = tuple(sorted({*unmerged, *marked}))
    return UpgradeResult(rendered, current, changed, conflicts)


def _has_conflict_markers(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    lines = text.splitlines()
    return any(line.startswith("<<<<<<< ") for line in lines) and any(
        line.startswith(">>>>>>> ") for line in lines
    )


def _exclude_deploy_output(dest: Path) -> None:
    """List the deploy output in the repository's own exclude file (`.git/info/exclude`)."""
    exclude = dest / ".git" / "info" / "exclude"
    exclude.parent.mkdir(parents=True, exist_ok=True)
    present = exclude.read_text(encoding="utf-8").splitlines() if exclude.exists() else []
    missing = [entry for entry in DEPLOY_OUTPUT if entry not in present]
    if missing:
        text = "\n".join([*present, "# written by opsbase deploy for this machine", *missing])
        exclude.write_text(text + "\n", encoding="utf-8")


def _read_answers(dest: Path) -> dict[str, Any]:
    import yaml

    path = dest / ANSWERS_FILE
    if not path.is_file():
        raise ScaffoldError(
            f"{dest} has no {ANSWERS_FILE}",
            "run this in a project created by `opsbase new`",
        )
    answers = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not answers.get("_src_path") or not answers.get("_commit"):
        raise ScaffoldError(
            f"{path} does not name the template version it was rendered from",
            f"restore {ANSWERS_FILE} from the project's git history",
        )
    return answers


# -- git -------------------------------------------------------------------------------------


def git_init(dest: Path) -> None:
    """Make *dest* a git repository (branch main) with everything not ignored committed."""
    dest = Path(dest)
    if not (dest / ".git").exists():
        _git(dest, "init", "--quiet", "--initial-branch=main")
    if not _git(dest, "config", "user.email", check=False).strip():
        _git(dest, "config", "user.name", "OpsBase")
        _git(dest, "config", "user.email", "opsbase@localhost")
    _git(dest, "add", "--all")
    has_head = bool(_git(dest, "rev-parse", "--verify", "--quiet", "HEAD", check=False).strip())
    if has_head and not _git(dest, "status", "--porcelain").strip():
        return
    message = f"Project created by opsbase {opsbase.__version__}" if not has_head else "Update"
    _git(dest, "commit", "--quiet", "--no-verify", "--no-gpg-sign", "-m", message)


def _git(cwd: Path, *args: str, check: bool = True) -> str:
    if shutil.which("git") is None:
        raise ScaffoldError("git is not installed", "install it, e.g. `apt-get install git`")
    result = subprocess.run(  # noqa: S603 - fixed executable, arguments are ours
        ["git", *args],  # noqa: S607
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    if check and result.returncode != 0:
        raise ScaffoldError(
            f"`git {' '.join(args)}` failed in {cwd}: {result.stderr.strip()[-500:]}",
            "fix the git problem above and run again",
        )
    return result.stdout


# -- template store --------------------------------------------------------------------------


def template_store() -> Path:
    """The git repository holding every template version rendered on this machine."""
    configured = os.environ.get(STORE_VARIABLE, "").strip()
    if configured:
        return Path(configured).expanduser().resolve()
    data_home = os.environ.get("XDG_DATA_HOME", "").strip() or str(Path.home() / ".local/share")
    return Path(data_home).expanduser().resolve() / "opsbase" / "project-template"


def _store_sync(store: Path, template: Path) -> str:
    """Commit *template*'s files to *store* when they changed; the tag of that content."""
    template = Path(template).resolve()
    if not (template / "copier.yml").is_file():
        raise ScaffoldError(f"{template} is not a project template (no copier.yml)")
    with _locked(store):
        if not (store / ".git").exists():
            store.mkdir(parents=True, exist_ok=True)
            _git(store, "init", "--quiet", "--initial-branch=main")
        for child in store.iterdir():
            if child.name == ".git":
                continue
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
        shutil.copytree(
            template,
            store,
            dirs_exist_ok=True,
            ignore=shutil.ignore_patterns("__pycache__", "*.py[co]", ".git"),
        )
        _git(store, "add", "--all")
        has_head = bool(
            _git(store, "rev-parse", "--verify", "--quiet", "HEAD", check=False).strip()
        )
        if has_head and not _git(store, "status", "--porcelain").strip():
            tags = _git(store, "tag", "--points-at", "HEAD").split()
            if tags:
                return tags[0]
        else:
            _git(
                store,
                *_STORE_IDENTITY,
                "commit",
                "--quiet",
                "--no-verify",
                "--no-gpg-sign",
                "-m",
                f"Project template of opsbase {opsbase.__version__}",
            )
        count = len(_git(store, "tag", "--list").split())
        tag = f"{_release(opsbase.__version__)}.post{count + 1}"
        _git(store, *_STORE_IDENTITY, "tag", tag)
        return tag


def _release(version: str) -> str:
    try:
        return Version(version).base_version
    except InvalidVersion:
        return "0.0.0"


@contextlib.contextmanager
def _locked(store: Path) -> Iterator[None]:
    """One writer at a time (parallel `opsbase new` runs, parallel tests)."""
    store.parent.mkdir(parents=True, exist_ok=True)
    with open(store.parent / f".{store.name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _copier() -> Any:
    try:
        import copier
        import copier.errors
    except ImportError:
        raise ScaffoldError(
            "copier is not installed",
            'install the command line\'s extra: pip install "opsbase[cli]"',
        ) from None
    return copier


__all__ = [
    "ProdServices",
    "ProjectSpec",
    "ScaffoldError",
    "UpgradeResult",
    "git_init",
    "render_project",
    "template_store",
    "update_available",
    "upgrade_project",
    "validate_spec",
    "write_env_files",
]
