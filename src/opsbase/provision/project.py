"""Steps that act inside a new project: env files, migrations, superuser, git."""

from __future__ import annotations

from pathlib import Path

from dotenv import dotenv_values

from .commands import CommandLog, run

ENV_FILES = (".env", ".env.dev", ".env.test", ".env.prod")


def env_files_present(dest: Path) -> bool:
    return all((dest / name).exists() for name in ENV_FILES)


def known_database_url(dest: Path) -> str | None:
    """The DATABASE_URL already written for the project (a resumed run reuses it)."""
    path = dest / ".env.prod"
    if not path.exists():
        return None
    return dotenv_values(path).get("DATABASE_URL") or None


def manage(
    dest: Path,
    python: Path,
    *args: str,
    log: CommandLog,
    env: dict[str, str] | None = None,
    fix: str = "",
    timeout: float = 900,
    secrets: tuple[str, ...] = (),
) -> str:
    result = run(
        [str(python), "manage.py", *args],
        log=log,
        cwd=dest,
        env={"VIRTUAL_ENV": "", **(env or {})},
        fix=fix or "fix the error above, then run the same command again to resume",
        timeout=timeout,
        secrets=secrets,
    )
    return result.stdout


#: Provisioning logs no SQL: the superuser's password hash would land in logs/db.log.
QUIET_SQL = {"OPSBASE_SQL_LOG": "false"}


def migrate(dest: Path, python: Path, *, log: CommandLog) -> None:
    # The system checks run in the validation step; here they would judge tables that the
    # migration is about to create (database-tagged checks run before migrate starts).
    manage(dest, python, "migrate", "--noinput", "--skip-checks", log=log, env=QUIET_SQL)
    # The prod settings serve hashed static files, which need the manifest collectstatic writes.
    manage(
        dest, python, "collectstatic", "--noinput", log=log, env={"DJANGO_ENV": "prod", **QUIET_SQL}
    )


def protect_sqlite(db_file: Path) -> None:
    """The SQLite database and its folder: its owner's alone (0600, 0700)."""
    if db_file.exists():
        db_file.parent.chmod(0o700)
        for item in db_file.parent.glob(db_file.name + "*"):
            item.chmod(0o600)


def superuser(
    dest: Path, python: Path, *, email: str, password: str, tenant: str, log: CommandLog
) -> None:
    code = "from opsbase.provision.bootstrap import superuser_ensure; superuser_ensure()"
    manage(
        dest,
        python,
        "shell",
        "-c",
        code,
        log=log,
        env={
            **QUIET_SQL,
            "OPSBASE_SUPERUSER_EMAIL": email,
            "OPSBASE_SUPERUSER_PASSWORD": password,
            "OPSBASE_TENANT_NAME": tenant,
        },
        secrets=(password,),
    )


def pending_migrations(dest: Path, python: Path, *, log: CommandLog) -> list[str]:
    result = run(
        [str(python), "manage.py", "showmigrations", "--plan"],
        log=log,
        cwd=dest,
        env={"VIRTUAL_ENV": ""},
        timeout=300,
    )
    return [line.strip()[4:].strip() for line in result.stdout.splitlines() if "[ ]" in line]
