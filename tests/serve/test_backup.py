"""Backups and restores through the management commands, on each engine, for real."""

import hashlib
import os
import re
import secrets
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .harness import manage

ENGINES = ["sqlite", "postgresql", "mysql"]


def mariadb(sql: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["mysql", "-h", "127.0.0.1", "-u", "root", "-e", sql],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip


@dataclass
class Engine:
    name: str
    tmp: Path
    made: list
    role: str = f"opsbase_srv_app_{secrets.token_hex(3)}"

    def new_database(self) -> str:
        """A URL of a new, empty database of this engine."""
        suffix = secrets.token_hex(4)
        if self.name == "sqlite":
            return f"sqlite:///{self.tmp}/db-{suffix}.sqlite3"
        if self.name == "postgresql":
            # An ordinary role owns it, so row-level security applies as in production.
            return self.made[0](owner=self.role)
        name = f"opsbase_srv_{suffix}"
        result = mariadb(f"CREATE DATABASE {name} CHARACTER SET utf8mb4")
        assert result.returncode == 0, result.stderr
        self.made.append(name)
        return f"mysql://root@127.0.0.1:3306/{name}"

    def env(self, url: str) -> dict[str, str]:
        return {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": url,
            "OPSBASE_LOG_DIR": str(self.tmp / "logs"),
        }


@pytest.fixture(scope="module", params=ENGINES)
def engine(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(request.param)
    made: list = []
    if request.param == "postgresql":
        made.append(request.getfixturevalue("pg_database"))
    if request.param == "mysql":
        if not os.environ.get("DATABASE_URL", "").startswith(("mysql", "mariadb")):
            pytest.skip("MariaDB backups are tested in the MariaDB run (make test-mariadb)")
        try:
            import MySQLdb  # noqa: F401
        except ImportError:
            pytest.skip("mysqlclient is not installed (make test-mariadb installs it)")
        if mariadb("SELECT 1").returncode != 0:
            pytest.skip("MariaDB does not answer on 127.0.0.1:3306 as root")
    yield Engine(request.param, tmp, made)
    for name in made[1:] if request.param == "postgresql" else made:
        mariadb(f"DROP DATABASE IF EXISTS {name}")


@pytest.fixture(scope="module")
def source(engine):
    """A database with the demo tenants, accounts, roles and audit trail in it."""
    env = engine.env(engine.new_database())
    manage("demo", "--password", "demo-backup-test", env=env)
    return env


def connect(url: str):
    """A plain DB-API connection of the engine's own driver, and the SQL that lists tables."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        tables = "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        return sqlite3.connect(parts.path), tables
    if parts.scheme == "postgres":
        import psycopg

        tables = (
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema='public' AND table_type='BASE TABLE'"
        )
        # As the superuser: row-level security would hide the tenants' rows from the owner.
        admin = f"postgresql://postgres@{parts.hostname}:{parts.port}{parts.path}"
        return psycopg.connect(admin), tables
    import MySQLdb

    connection = MySQLdb.connect(host=parts.hostname, user=parts.username, db=parts.path[1:])
    return connection, "SHOW FULL TABLES WHERE Table_type = 'BASE TABLE'"


def fingerprints(env) -> dict[str, tuple[int, str]]:
    """Every table's row count and a checksum of its rows (in any order)."""
    connection, list_tables = connect(env["DATABASE_URL"])
    try:
        cursor = connection.cursor()
        cursor.execute(list_tables)
        result = {}
        for table, *_ in cursor.fetchall():
            quote = "`" if "mysql" in env["DATABASE_URL"] else '"'
            cursor.execute(f"SELECT * FROM {quote}{table}{quote}")  # noqa: S608
            rows = sorted(repr(tuple(row)) for row in cursor.fetchall())
            result[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
        return result
    finally:
        connection.close()


@pytest.fixture(scope="module")
def original(source):
    return fingerprints(source)


@pytest.fixture(scope="module")
def dump(engine, source):
    return backup(source, engine.tmp / "backups")


def backup(env, directory: Path, *extra: str) -> Path:
    out = manage("opsbase_backup", "--dir", str(directory), *extra, env=env).stdout
    return Path(re.search(r"Backup written: (\S+)", out).group(1))


def test_a_restore_into_a_fresh_database_equals_the_original(engine, dump, original):
    fresh = engine.env(engine.new_database())

    manage("opsbase_restore", str(dump), env=fresh)

    restored = fingerprints(fresh)
    assert len(original) > 15
    assert sum(count for count, _ in original.values()) > 50
    assert restored == original


def test_a_restore_refuses_a_database_that_has_tables(source, dump, original):
    refused = manage("opsbase_restore", str(dump), env=source, check=False)

    assert refused.returncode != 0
    assert "is not empty" in refused.stderr and "--force" in refused.stderr
    assert fingerprints(source) == original


def test_force_overwrites_the_database_with_the_backup(source, dump, original):
    connection, _ = connect(source["DATABASE_URL"])
    connection.cursor().execute(
        "UPDATE tenants_tenant SET name = 'Changed after the backup' WHERE slug = 'globex'"
    )
    connection.commit()
    connection.close()
    assert fingerprints(source) != original

    manage("opsbase_restore", "--force", str(dump), env=source)

    assert fingerprints(source) == original


def test_backups_are_compressed_timestamped_private_and_rotated(engine, source):
    if engine.name != "sqlite":
        pytest.skip("rotation does not depend on the engine; checked once, on SQLite")
    directory = engine.tmp / "rotation"

    made = [backup(source, directory, "--keep", "2") for _ in range(3)]

    assert sorted(directory.iterdir()) == made[1:]
    assert re.fullmatch(r"db-\w+-sqlite-\d{8}-\d{6}-\d{6}\.sqlite3\.gz", made[-1].name)
    assert made[-1].read_bytes()[:2] == b"\x1f\x8b"  # gzip
    assert made[-1].stat().st_mode & 0o077 == 0


def test_restore_names_a_backup_of_another_engine(engine, source, tmp_path):
    if engine.name != "sqlite":
        pytest.skip("checked once")
    foreign = tmp_path / "shop-postgresql-20250101-000000-000000.pgdump"
    foreign.write_bytes(b"PGDMP")

    result = manage("opsbase_restore", str(foreign), env=source, check=False)

    assert result.returncode != 0
    assert "is a postgresql backup but the database 'default' is sqlite" in result.stderr
