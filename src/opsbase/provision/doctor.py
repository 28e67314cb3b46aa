"""`opsbase doctor`: re-check a provisioned project at any time."""

from __future__ import annotations

import json
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

from dotenv import dotenv_values

from .commands import CommandLog, run, tail
from .errors import StepFailed
from .project import ENV_FILES

REQUIRED_KEYS = ("SECRET_KEY", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "DATABASE_URL")


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


def project_python(dest: Path) -> Path:
    venv = dest / ".venv" / "bin" / "python"
    return venv if venv.exists() else Path(sys.executable)


def diagnose(dest: Path, *, environment: str = "prod", urls: bool = True) -> list[Check]:
    """Every check, each passed or failed with what was found."""
    log = CommandLog(step="doctor")
    checks: list[Check] = []
    if not (dest / "manage.py").exists():
        return [Check("project", False, f"{dest} has no manage.py: not a project directory")]

    for name in ENV_FILES:
        path = dest / name
        if not path.exists():
            checks.append(Check(f"{name} present and private", False, "missing"))
            continue
        info = path.stat()
        mode = stat.S_IMODE(info.st_mode)
        # Deployed, root owns it and the app's group may read it (0640); else 0600.
        private = mode == 0o600 or (mode == 0o640 and info.st_uid == 0 and info.st_gid != 0)
        checks.append(Check(f"{name} present and private", private, f"mode {mode:04o}"))

    values = (
        dotenv_values(dest / f".env.{environment}")
        if (dest / f".env.{environment}").exists()
        else {}
    )
    missing = [key for key in REQUIRED_KEYS if not values.get(key)]
    checks.append(
        Check(
            f".env.{environment} keys",
            not missing,
            "missing: " + ", ".join(missing) if missing else ", ".join(REQUIRED_KEYS),
        )
    )
    debug = (values.get("DEBUG") or "false").strip().lower()
    checks.append(
        Check(f"DEBUG off in {environment}", debug in ("false", "0", "no", "off"), f"DEBUG={debug}")
    )

    python = project_python(dest)
    env = {"DJANGO_ENV": environment, "VIRTUAL_ENV": ""}
    checks.append(
        _command_check(
            "database reachable",
            [
                str(python),
                "manage.py",
                "shell",
                "-c",
                "from django.db import connection; connection.ensure_connection(); "
                "print(connection.vendor, connection.settings_dict['NAME'])",
            ],
            dest,
            env,
            log,
        )
    )
    try:
        result = run(
            [str(python), "manage.py", "showmigrations", "--plan"],
            log=log,
            cwd=dest,
            env=env,
            timeout=300,
        )
        pending = [line.strip() for line in result.stdout.splitlines() if "[ ]" in line]
        checks.append(
            Check(
                "no pending migrations",
                not pending,
                f"{len(pending)} pending: run manage.py migrate" if pending else "all applied",
            )
        )
    except StepFailed as error:
        checks.append(Check("no pending migrations", False, error.output_tail or error.message))
    checks.append(
        _command_check(
            "check --deploy",
            [str(python), "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
            dest,
            env,
            log,
        )
    )
    checks += production_parts(dest, python, env, log)
    if urls:
        checks += url_checks(dest)
        checks += process_checks(dest)
    return checks


# Each development default production must not keep (opsbase.core.checks), as a row.
PRODUCTION_PARTS = {
    "opsbase.W020": "e-mail is sent (EMAIL_URL)",
    "opsbase.W021": "cache shared by every process (REDIS_URL)",
    "opsbase.W022": "background tasks go to a worker (CELERY_BROKER_URL)",
    "opsbase.W023": "client addresses through the proxy (OPSBASE_TRUSTED_PROXIES)",
}
_PARTS_CODE = (
    "import json; from opsbase.core.checks import production_defaults; "
    "print('opsbase-doctor:' + json.dumps([[m.id, m.msg, m.hint] for m in production_defaults()]))"
)


def production_parts(dest: Path, python: Path, env: dict[str, str], log: CommandLog) -> list[Check]:
    """One row per production part: the project's own system check decides each."""
    try:
        result = run(
            [str(python), "manage.py", "shell", "-c", _PARTS_CODE],
            log=log,
            cwd=dest,
            env=env,
            timeout=300,
        )
    except StepFailed as error:
        detail = tail(error.output_tail or error.message, 2)
        return [Check(name, False, detail) for name in PRODUCTION_PARTS.values()]
    found: dict[str, tuple[str, str]] = {}
    for line in result.stdout.splitlines():
        if line.startswith("opsbase-doctor:"):
            found = {i: (msg, hint) for i, msg, hint in json.loads(line.split(":", 1)[1])}
    rows = []
    for check_id, name in PRODUCTION_PARTS.items():
        if check_id in found:
            message, hint = found[check_id]
            rows.append(Check(name, False, f"{message} {hint} ({check_id})"))
        else:
            rows.append(Check(name, True, "yes"))
    return rows


def process_checks(dest: Path) -> list[Check]:
    """The daemons deploy started where systemd does not supervise them: gunicorn, the Celery
    worker and beat, each running."""
    from opsbase.serve.monitor import check_daemons

    from .deploy import read_manifest

    return [Check(r.name, r.ok, r.detail) for r in check_daemons(read_manifest(dest))]


def url_checks(dest: Path) -> list[Check]:
    """The app at its public URL and through this machine's nginx (its Host header), each
    put plainly (200, redirect, refused, DNS, TLS), with the certificate's expiry."""
    from .deploy import check_deployed, read_manifest

    manifest = read_manifest(dest)
    if not manifest:
        return [
            Check(
                "served here",
                True,
                f"not deployed on this machine: `opsbase deploy --dest {dest}` serves it",
            )
        ]
    results = []
    for check in check_deployed(dest):
        ok = check.ok
        if check.via != "public" and check.url.startswith("http://") and manifest["tls"] != "none":
            ok = check.status == 301  # plain HTTP must send the browser to HTTPS
        detail = check.message
        if check.cert_days_left is not None:
            detail += f"; certificate expires in {check.cert_days_left} days"
            if check.cert_days_left < 14:
                ok = False
                detail += " (renew it: certbot renew, or a new certificate)"
        results.append(Check(f"GET {check.url} ({check.via})", ok, detail))
    return results


def _command_check(
    name: str, argv: list[str], dest: Path, env: dict[str, str], log: CommandLog
) -> Check:
    try:
        result = run(argv, log=log, cwd=dest, env=env, timeout=300)
    except StepFailed as error:
        return Check(name, False, tail(error.output_tail or error.message, 3))
    return Check(name, True, tail(result.stdout or "ok", 1) or "ok")
