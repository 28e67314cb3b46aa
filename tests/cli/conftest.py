"""Drive `opsbase` as a user does: a real process, a temporary directory, real PostgreSQL."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import django
import pytest

try:
    import copier  # noqa: F401
    import typer  # noqa: F401
except ImportError:  # an environment without the cli extra (the Django 4.2 run): no CLI tests
    collect_ignore_glob = ["test_*.py"]

# Provisioning makes its own virtualenv (its own Django) whatever the suite runs on: the runs
# on PostgreSQL, MariaDB and Django 4.2 would repeat the same minutes for nothing.
PROVISION_ONCE = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")) or django.VERSION[:2] < (5, 0),
    reason="provisioning does not depend on the suite's engine or Django: runs once, in the "
    "main SQLite run",
)

PG_ADMIN_URL = os.environ.get(
    "OPSBASE_TEST_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)


def pg_connect():
    import psycopg

    return psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)


def postgres_available() -> bool:
    try:
        with pg_connect():
            return True
    except Exception:
        return False


def cli_env(tmp_root: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("VIRTUAL_ENV", None)
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests; no user has it
    for key in ("PGHOST", "PGUSER", "PGPASSWORD", "PGPORT", "PGSERVICE"):
        env.pop(key, None)
    env["OPSBASE_TEMPLATE_STORE"] = str(tmp_root / "template-store")
    # The registry of OpsBase projects of this run (the machine's is /var/lib/opsbase).
    env["OPSBASE_REGISTRY"] = str(tmp_root / "registry")
    # The answers an interactive run keeps between tries: the test's own.
    env["XDG_STATE_HOME"] = str(tmp_root / "state")
    env["COLUMNS"] = "200"
    env.update(extra)
    return env


def opsbase(
    *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 900
) -> subprocess.CompletedProcess[str]:
    """`opsbase ARGS` in *cwd*, as the console script runs it."""
    return subprocess.run(
        [sys.executable, "-m", "opsbase.cli", *args],
        cwd=cwd,
        env=env if env is not None else cli_env(cwd),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """An empty working directory; tests check that failed runs leave it empty."""
    path = tmp_path / "work"
    path.mkdir()
    return path


@pytest.fixture
def pg_name():
    """A unique role/database name, dropped afterwards."""
    if not postgres_available():
        pytest.skip("PostgreSQL is not reachable at 127.0.0.1:5432")
    name = f"opsbase_cli_{secrets.token_hex(4)}"
    yield name
    pg_drop(name)


def pg_drop(name: str) -> None:
    with pg_connect() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'DROP DATABASE IF EXISTS "{name}_test" WITH (FORCE)')
        conn.execute(f'DROP ROLE IF EXISTS "{name}"')


def pg_role(name: str) -> tuple | None:
    with pg_connect() as conn:
        return conn.execute(
            "SELECT rolsuper, rolcreatedb, rolcreaterole, rolcanlogin FROM pg_roles "
            "WHERE rolname = %s",
            (name,),
        ).fetchone()


def pg_database_owner(name: str) -> str | None:
    with pg_connect() as conn:
        row = conn.execute(
            "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
    return row[0] if row else None
