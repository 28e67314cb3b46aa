"""Database backups and restores with each engine's own tools.

PostgreSQL: ``pg_dump`` custom format (compressed) and ``pg_restore``. MariaDB/MySQL:
``mysqldump`` (or ``mariadb-dump``) piped through gzip, restored with ``mysql``. SQLite: the
online backup API, gzipped. Backups are named ``<database>-<engine>-<UTC time>.<ext>``, written
atomically (``.partial`` first) and rotated (the newest *keep* stay). A restore refuses to
write into a database that has tables unless forced.
"""

from __future__ import annotations

import gzip
import os
import shutil
import sqlite3
import subprocess  # noqa: S404 - the engines' own dump tools
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from . import process

EXTENSIONS = {"postgresql": ".pgdump", "mysql": ".sql.gz", "sqlite": ".sqlite3.gz"}
DEFAULT_KEEP = 7


class BackupError(Exception):
    """A backup or restore could not be done; the message says why and what to do."""


@dataclass
class Database:
    """The parts of a Django database connection the dump tools need."""

    alias: str
    vendor: str
    name: str
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""

    @classmethod
    def from_alias(cls, alias: str = "default") -> Database:
        from django.db import connections

        connection = connections[alias]
        params = connection.settings_dict
        vendor = connection.vendor
        if vendor not in EXTENSIONS:
            raise BackupError(f"the {vendor} database engine is not supported for backups")
        return cls(
            alias=alias,
            vendor=vendor,
            name=str(params["NAME"]),
            user=params.get("USER") or "",
            password=params.get("PASSWORD") or "",
            host=params.get("HOST") or "",
            port=str(params.get("PORT") or ""),
        )

    @property
    def label(self) -> str:
        base = Path(self.name).stem if self.vendor == "sqlite" else self.name
        return f"{base}-{self.vendor}"

    def tool_env(self) -> dict[str, str]:
        env = dict(os.environ)
        if self.vendor == "postgresql" and self.password:
            env["PGPASSWORD"] = self.password
        if self.vendor == "postgresql":
            # Row-level security (opsbase.core.rls) applies to the owning role too: the dump
            # and the restore are the operator's own work, so they see every tenant's rows.
            from opsbase.core.rls import BYPASS_SETTING

            options = env.get("PGOPTIONS", "")
            env["PGOPTIONS"] = f"{options} -c {BYPASS_SETTING}=on".strip()
        if self.vendor == "mysql" and self.password:
            env["MYSQL_PWD"] = self.password
        return env

    def pg_args(self) -> list[str]:
        args = []
        if self.host:
            args += ["-h", self.host]
        if self.port:
            args += ["-p", self.port]
        if self.user:
            args += ["-U", self.user]
        return args

    def mysql_args(self) -> list[str]:
        args = []
        if self.host:
            args += ["-h", self.host, "--protocol", "TCP" if self.host[0] != "/" else "SOCKET"]
        if self.port:
            args += ["-P", self.port]
        if self.user:
            args += ["-u", self.user]
        return args


def _tool(*names: str) -> str:
    for name in names:
        found = process.find_program(name)
        if found:
            return found
    raise BackupError(
        f"{names[0]} is not installed: install the database client tools "
        "(Debian: postgresql-client or mariadb-client)"
    )


def _stamp(now: datetime | None = None) -> str:
    return (now or datetime.now(tz=UTC)).strftime("%Y%m%d-%H%M%S-%f")


def backup_files(directory: Path, label: str | None = None) -> list[Path]:
    """Backups in *directory* (of the database *label* when given), oldest first."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    found = [
        path
        for path in directory.iterdir()
        if path.is_file()
        and any(path.name.endswith(ext) for ext in EXTENSIONS.values())
        and (label is None or path.name.startswith(f"{label}-"))
    ]
    return sorted(found, key=lambda path: path.name)


def rotate_backups(directory: Path, label: str, keep: int) -> list[Path]:
    """Delete all but the newest *keep* backups of *label*; returns what was deleted."""
    if keep < 1:
        raise BackupError("keep must be at least 1 (the backup just made)")
    old = backup_files(directory, label)[:-keep]
    for path in old:
        path.unlink()
    return old


def backup_database(
    database: Database, directory: Path, *, keep: int = DEFAULT_KEEP, now: datetime | None = None
) -> Path:
    """Write a compressed, timestamped backup of *database* into *directory*, then rotate."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    final = directory / f"{database.label}-{_stamp(now)}{EXTENSIONS[database.vendor]}"
    partial = final.with_name(final.name + ".partial")
    try:
        if database.vendor == "postgresql":
            _pg_dump(database, partial)
        elif database.vendor == "mysql":
            _mysql_dump(database, partial)
        else:
            _sqlite_dump(database, partial)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.rename(final)
    final.chmod(0o600)  # a backup holds every password hash and personal datum
    rotate_backups(directory, database.label, keep)
    return final


def _pg_dump(database: Database, out: Path) -> None:
    args = [_tool("pg_dump"), *database.pg_args(), "--format=custom", "--compress=6"]
    # Without it pg_dump stops at the first table with a policy instead of reading through it.
    args.append("--enable-row-security")
    args += ["--no-owner", "--no-privileges", f"--file={out}", database.name]
    result = process.run(args, env=database.tool_env(), timeout=3600)
    if not result.ok:
        raise BackupError(f"pg_dump failed: {result.explain()}")


def _mysql_dump(database: Database, out: Path) -> None:
    args = [_tool("mariadb-dump", "mysqldump"), *database.mysql_args()]
    args += ["--single-transaction", "--routines", "--triggers", "--no-tablespaces"]
    args += ["--default-character-set=utf8mb4", database.name]
    with gzip.open(out, "wb", compresslevel=6) as sink, tempfile.TemporaryFile() as errors:
        dump = subprocess.Popen(  # noqa: S603 - argv list, no shell
            args, stdout=subprocess.PIPE, stderr=errors, env=database.tool_env()
        )
        assert dump.stdout is not None  # noqa: S101 - Popen with PIPE
        shutil.copyfileobj(dump.stdout, sink, 1024 * 1024)
        code = dump.wait()
        if code != 0:
            errors.seek(0)
            tail = errors.read().decode("utf-8", "replace").strip()[-2000:]
            raise BackupError(f"{Path(args[0]).name} failed (exit {code}): {tail}")


def _sqlite_dump(database: Database, out: Path) -> None:
    if not Path(database.name).is_file():
        raise BackupError(f"the SQLite database {database.name} does not exist")
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "copy.sqlite3"
        source = sqlite3.connect(database.name)
        target = sqlite3.connect(copy)
        try:
            source.backup(target)  # consistent even while the site writes
        finally:
            target.close()
            source.close()
        with copy.open("rb") as raw, gzip.open(out, "wb", compresslevel=6) as sink:
            shutil.copyfileobj(raw, sink, 1024 * 1024)


def backup_vendor(path: Path) -> str:
    """The engine a backup file was made from, from its name."""
    for vendor, ext in EXTENSIONS.items():
        if Path(path).name.endswith(ext):
            return vendor
    raise BackupError(
        f"{path} is not an opsbase backup (expected a name ending in "
        f"{', '.join(EXTENSIONS.values())})"
    )


def database_tables(alias: str = "default") -> list[str]:
    from django.db import connections

    connection = connections[alias]
    with connection.cursor() as cursor:
        return sorted(connection.introspection.table_names(cursor))


def restore_database(database: Database, path: Path, *, force: bool = False) -> None:
    """Load the backup at *path* into *database*; refuses a database with tables unless
    *force* (which replaces the tables the backup holds)."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"no backup at {path}")
    vendor = backup_vendor(path)
    if vendor != database.vendor:
        raise BackupError(
            f"{path.name} is a {vendor} backup but the database '{database.alias}' is "
            f"{database.vendor}: restore it into a {vendor} database"
        )
    tables = database_tables(database.alias)
    if tables and not force:
        raise BackupError(
            f"the database '{database.name}' is not empty ({len(tables)} tables): restore into "
            "a new, empty database, or pass --force to overwrite it"
        )
    from django.db import connections

    connections[database.alias].close()
    if vendor == "postgresql":
        _pg_restore(database, path, clean=bool(tables))
    elif vendor == "mysql":
        _mysql_restore(database, path)
    else:
        _sqlite_restore(database, path)


def _pg_restore(database: Database, path: Path, *, clean: bool) -> None:
    args = [_tool("pg_restore"), *database.pg_args(), "--no-owner", "--no-privileges"]
    args += ["--exit-on-error", "--single-transaction", f"--dbname={database.name}"]
    if clean:
        args += ["--clean", "--if-exists"]
    result = process.run([*args, str(path)], env=database.tool_env(), timeout=3600)
    if not result.ok:
        raise BackupError(f"pg_restore failed, nothing was changed: {result.explain()}")


def _mysql_restore(database: Database, path: Path) -> None:
    args = [_tool("mariadb", "mysql"), *database.mysql_args(), database.name]
    with gzip.open(path, "rb") as source, tempfile.TemporaryFile() as errors:
        client = subprocess.Popen(  # noqa: S603 - argv list, no shell
            args, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errors,
            env=database.tool_env(),
        )  # fmt: skip
        assert client.stdin is not None  # noqa: S101 - Popen with PIPE
        try:
            shutil.copyfileobj(source, client.stdin, 1024 * 1024)
        except BrokenPipeError:
            pass  # the client stopped early; its exit status and message say why
        finally:
            client.stdin.close()
        code = client.wait()
        if code != 0:
            errors.seek(0)
            tail = errors.read().decode("utf-8", "replace").strip()[-2000:]
            raise BackupError(f"{Path(args[0]).name} failed (exit {code}): {tail}")


def _sqlite_restore(database: Database, path: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "restore.sqlite3"
        with gzip.open(path, "rb") as source, copy.open("wb") as sink:
            shutil.copyfileobj(source, sink, 1024 * 1024)
        source_db = sqlite3.connect(copy)
        target = sqlite3.connect(database.name)
        try:
            source_db.backup(target)
        finally:
            target.close()
            source_db.close()
