"""The project's PostgreSQL role and database: checked before anything is written, created
owned by the role (NOSUPERUSER NOCREATEDB), reused only when OpsBase made them for this project,
dropped (--force, destroy) only then, and after a backup."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess  # noqa: S404
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from .commands import CommandLog, run
from .errors import InputError, StepFailed

ADMIN_FIX = (
    "pass --db-admin-url postgres://USER:PASSWORD@HOST:5432/postgres, set PGHOST/PGUSER/"
    "PGPASSWORD, or choose --database sqlite"
)


def new_password() -> str:
    return secrets.token_urlsafe(24)


def app_url(*, name: str, password: str, host: str, port: int) -> str:
    """The DATABASE_URL the project uses: the app's own role on its own database."""
    return f"postgres://{quote(name)}:{quote(password, safe='')}@{host}:{port}/{quote(name)}"


def test_name(name: str) -> str:
    """The project's test database: `<name>_test`, owned by the app's role."""
    return f"{name}_test"


def test_url(url: str) -> str:
    """*url* (the app's DATABASE_URL) pointed at its test database."""
    parts = urlsplit(url)
    database = unquote(parts.path.lstrip("/"))
    return parts._replace(path="/" + quote(test_name(database))).geturl()


def parse_app_url(url: str) -> dict[str, Any]:
    parts = urlsplit(url)
    return {
        "user": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "dbname": unquote(parts.path.lstrip("/")),
    }


def credentials_work(url: str) -> bool:
    """Whether *url* opens a connection (as its own role, on its own database)."""
    import psycopg

    try:
        with psycopg.connect(**parse_app_url(url), connect_timeout=5) as conn:
            conn.execute("SELECT 1")
        return True
    except psycopg.Error:
        return False


@dataclass
class Admin:
    """Administrative access to the server, from --db-admin-url, PG* variables or peer auth."""

    source: str  # "url", "env" or "peer"
    url: str | None = None
    host: str = "127.0.0.1"
    port: int = 5432

    def describe(self) -> str:
        where = f"{self.host}:{self.port}"
        how = {
            "url": "--db-admin-url",
            "env": "the PG* variables",
            "peer": "the local postgres account (peer authentication)",
        }
        return f"PostgreSQL at {where} through {how[self.source]}"

    def query(
        self, sql: str, params: tuple[Any, ...] = (), *, log: CommandLog, secret: str = ""
    ) -> list[tuple[Any, ...]]:
        """Run one statement as administrator; rows for a SELECT. *secret* never reaches a log."""
        import psycopg
        from psycopg import sql as pgsql

        if self.source == "peer":
            text = pgsql.SQL(sql).format(*[pgsql.Literal(p) for p in params]).as_string(None)
            return self._psql(text, log=log, secret=secret)
        shown = sql
        log.write(f"sql> {shown}")
        try:
            with psycopg.connect(**self._conninfo(), autocommit=True, connect_timeout=5) as conn:
                cursor = conn.execute(pgsql.SQL(sql).format(*[pgsql.Literal(p) for p in params]))
                return list(cursor.fetchall()) if cursor.description else []
        except psycopg.Error as error:
            log.write(f"! {error}")
            raise StepFailed(
                f"PostgreSQL refused: {str(error).strip().splitlines()[0]}",
                ADMIN_FIX,
                step=log.step,
                command=shown,
            ) from error

    def _conninfo(self) -> dict[str, Any]:
        if self.source == "url" and self.url:
            return {"conninfo": self.url}
        return {"conninfo": ""}  # libpq reads PGHOST, PGUSER, PGPASSWORD...

    def _psql(self, text: str, *, log: CommandLog, secret: str = "") -> list[tuple[Any, ...]]:
        argv = [*_as_postgres(), "psql", "-X", "-q", "-A", "-t", "-F", "\t"]
        argv += ["-v", "ON_ERROR_STOP=1", "-d", "postgres", "-c", text]
        result = run(argv, log=log, timeout=60, fix=ADMIN_FIX, secrets=[secret] if secret else [])
        return [tuple(line.split("\t")) for line in result.stdout.splitlines() if line]


def _as_postgres() -> list[str]:
    if os.geteuid() == 0:
        runuser = shutil.which("runuser")
        if runuser:
            return [runuser, "-u", "postgres", "--"]
    return ["sudo", "-n", "-u", "postgres"]


def admin_from(db_admin_url: str | None) -> Admin:
    """Where administrative access comes from, in the documented order."""
    if db_admin_url:
        parts = urlsplit(db_admin_url)
        if parts.scheme not in ("postgres", "postgresql") or not parts.hostname:
            raise InputError(
                f"--db-admin-url {parts.scheme}://... is not a PostgreSQL URL",
                "pass e.g. --db-admin-url postgres://postgres:PASSWORD@127.0.0.1:5432/postgres",
            )
        return Admin("url", db_admin_url, parts.hostname, parts.port or 5432)
    if any(os.environ.get(k) for k in ("PGHOST", "PGUSER", "PGPASSWORD", "PGSERVICE")):
        host = os.environ.get("PGHOST") or "127.0.0.1"
        if host.startswith("/"):
            host = "127.0.0.1"
        return Admin("env", None, host, int(os.environ.get("PGPORT") or 5432))
    return Admin("peer", None, "127.0.0.1", int(os.environ.get("PGPORT") or 5432))


@dataclass
class DatabaseState:
    role_exists: bool
    database_exists: bool
    owner: str | None
    reusable: bool  # both exist and the known credentials work
    role_ours: bool = False  # OpsBase created it for this project (or its credentials log in)
    database_ours: bool = False

    @property
    def exists(self) -> bool:
        return self.role_exists or self.database_exists

    @property
    def foreign(self) -> list[str]:
        """What exists under the name that OpsBase did not create for this project."""
        return [
            what
            for what, there, ours in (
                ("role", self.role_exists, self.role_ours),
                ("database", self.database_exists, self.database_ours),
            )
            if there and not ours
        ]


@dataclass
class AdminRights:
    superuser: bool
    createrole: bool
    createdb: bool

    def missing(self, *, role: bool, database: bool) -> list[str]:
        if self.superuser:
            return []
        return [
            what
            for what, needed, has in (
                ("CREATEROLE", role, self.createrole),
                ("CREATEDB", database, self.createdb),
            )
            if needed and not has
        ]


def admin_rights(admin: Admin, *, log: CommandLog) -> AdminRights:
    row = admin.query(
        "SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = current_user",
        log=log,
    )
    if not row:
        return AdminRights(False, False, False)
    flags = [str(value).lower() in ("t", "true") for value in row[0]]
    return AdminRights(*flags)


def inspect(
    admin: Admin,
    name: str,
    known_url: str | None,
    *,
    log: CommandLog,
    created: dict[str, str] | None = None,
) -> DatabaseState:
    """Read-only: can the server be administered, and what of *name* is already there, and
    whether OpsBase made it for this project (*created*: the project's registry record, for
    this server)."""
    try:
        admin.query("SELECT 1", log=log)
    except StepFailed as error:
        raise InputError(
            f"cannot administer {admin.describe()}: {error.message}", ADMIN_FIX
        ) from error
    role = admin.query("SELECT 1 FROM pg_roles WHERE rolname = {}", (name,), log=log)
    db = admin.query(
        "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = {}", (name,), log=log
    )
    owner = str(db[0][0]) if db else None
    made = created or {}
    reusable = bool(role and db and known_url and credentials_work(known_url))
    # The project's own random password logging in proves the role is the one it made.
    role_ours = bool(role) and (
        made.get("pg_role") == name or reusable or bool(known_url and role_login_works(known_url))
    )
    database_ours = bool(db) and (
        made.get("pg_database") == name or (role_ours and owner == name and reusable)
    )
    return DatabaseState(bool(role), bool(db), owner, reusable, role_ours, database_ours)


def role_login_works(url: str) -> bool:
    """Whether *url*'s role logs in (to the `postgres` database: its own may not exist yet)."""
    import psycopg

    info = {**parse_app_url(url), "dbname": "postgres"}
    try:
        with psycopg.connect(**info, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
        return True
    except psycopg.Error:
        return False


def preflight(
    admin: Admin,
    name: str,
    known_url: str | None,
    *,
    force: bool,
    log: CommandLog,
    created: dict[str, str] | None = None,
) -> DatabaseState:
    """Fail before anything is written when *name* is a role or database that OpsBase did not
    create for this project, or when the administrator may not create what is needed."""
    state = inspect(admin, name, known_url, log=log, created=created)
    test = test_name(name)
    rows = admin.query(
        "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = {}", (test,), log=log
    )
    if rows and str(rows[0][0]) != name:
        raise InputError(
            f"PostgreSQL database {test!r} (the project's tests would use it) already exists at "
            f"{admin.host}:{admin.port}, owned by {rows[0][0]!r}; it was left untouched",
            "choose another --name",
        )
    foreign = state.foreign
    if foreign:
        what = " and ".join(foreign)
        untouched = "it was left untouched" + (
            " (--force only ever removes what OpsBase created for this project)" if force else ""
        )
        raise InputError(
            f"PostgreSQL {what} {name!r} already exists at {admin.host}:{admin.port} and was not "
            f"created by OpsBase for this project; {untouched}",
            "choose another --name",
        )
    recreate = force and state.exists
    missing = admin_rights(admin, log=log).missing(
        role=recreate or not state.reusable,
        database=recreate or not state.database_exists,
    )
    if missing:
        raise InputError(
            f"the administrator account of {admin.describe()} lacks "
            + " and ".join(missing)
            + f", which creating the role and database {name!r} needs",
            "grant it (ALTER ROLE ... " + " ".join(missing) + "), or pass --db-admin-url with "
            "an account that has them",
        )
    return state


def backup(admin: Admin, name: str, folder: Path, *, log: CommandLog) -> Path:
    """``pg_dump`` database *name* into *folder* (0600, custom format) as administrator."""
    import datetime as dt

    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = dt.datetime.now(tz=dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = folder / f"{name}-before-force-{stamp}.dump"
    argv: list[str]
    env = dict(os.environ)
    if admin.source == "peer":
        argv = [*_as_postgres(), "pg_dump", "--format=custom", "--dbname", name]
    else:
        if shutil.which("pg_dump") is None:
            raise StepFailed(
                f"cannot back up the database {name!r}: pg_dump is not installed; nothing was "
                "dropped",
                "install the PostgreSQL client (apt-get install -y postgresql-client), then run "
                "again",
                step=log.step,
            )
        argv = ["pg_dump", "--format=custom", "--dbname", name]
        if admin.source == "url" and admin.url:
            parts = urlsplit(admin.url)
            if parts.password:
                env["PGPASSWORD"] = unquote(parts.password)
            netloc = parts.netloc.rsplit("@", 1)[-1]
            user = unquote(parts.username or "")
            target = parts._replace(netloc=(f"{quote(user)}@" if user else "") + netloc)
            argv[-1] = target._replace(path="/" + quote(name)).geturl()
    log.write(f"$ {' '.join(argv)} > {path}")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        result = subprocess.run(  # noqa: S603 - argv list, no shell
            argv, stdout=fd, stderr=subprocess.PIPE, text=True, env=env, timeout=3600, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        result = subprocess.CompletedProcess(argv, 1, "", str(error))
    finally:
        os.close(fd)
    if result.returncode != 0 or path.stat().st_size == 0:
        path.unlink(missing_ok=True)
        raise StepFailed(
            f"the backup of the database {name!r} failed; nothing was dropped",
            "fix what pg_dump says, then run again",
            step=log.step,
            command=" ".join(argv),
            output_tail=(result.stderr or "").strip()[-2000:],
        )
    log.write(f"backed up {name!r} into {path}")
    return path


def ensure(
    admin: Admin,
    name: str,
    password: str,
    state: DatabaseState,
    *,
    force: bool,
    log: CommandLog,
    backup_dir: Path | None = None,
    record: Callable[[str], None] | None = None,
) -> str:
    """Create (or reuse) role and database *name*; return the app's verified DATABASE_URL.

    Only what OpsBase created for this project is ever dropped (*force*), after a backup into
    *backup_dir*; *record* is told each kind it creates (``pg_role``, ``pg_database``).
    """
    from psycopg import sql as pgsql

    ident = pgsql.Identifier(name).as_string(None)
    if state.foreign:  # preflight already refused; kept as a guard for direct callers
        raise StepFailed(
            f"PostgreSQL {' and '.join(state.foreign)} {name!r} was not created by OpsBase for "
            "this project; it was left untouched",
            "choose another --name",
            step=log.step,
        )
    if force and state.exists:
        if state.database_exists:
            if backup_dir is None:
                raise StepFailed(f"no backup folder to keep {name!r} in", step=log.step)
            backup(admin, name, backup_dir, log=log)
            admin.query(f"DROP DATABASE IF EXISTS {ident} WITH (FORCE)", log=log)
        if state.role_exists:
            drop(admin, name, log=log)
        state = DatabaseState(False, False, None, False)
    options = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION"
    if not state.role_exists:
        admin.query(
            f"CREATE ROLE {ident} {options} PASSWORD {{}}", (password,), log=log, secret=password
        )
        if record is not None:
            record("pg_role")
    elif not state.reusable:
        admin.query(
            f"ALTER ROLE {ident} {options} PASSWORD {{}}", (password,), log=log, secret=password
        )
    if not state.database_exists:
        admin.query(f"CREATE DATABASE {ident} OWNER {ident} ENCODING 'UTF8'", log=log)
        if record is not None:
            record("pg_database")
    elif state.owner != name:
        admin.query(f"ALTER DATABASE {ident} OWNER TO {ident}", log=log)
    url = app_url(name=name, password=password, host=admin.host, port=admin.port)
    verify(url, log=log)
    return url


def ensure_test_database(admin: Admin, name: str, *, log: CommandLog) -> None:
    """`<name>_test` owned by role *name*, for the project's own tests: the same engine and
    row-level security as production, on data that may be thrown away."""
    from psycopg import sql as pgsql

    test = test_name(name)
    ident, owner = (pgsql.Identifier(x).as_string(None) for x in (test, name))
    rows = admin.query(
        "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = {}", (test,), log=log
    )
    if not rows:
        admin.query(f"CREATE DATABASE {ident} OWNER {owner} ENCODING 'UTF8'", log=log)
    elif str(rows[0][0]) != name:
        raise StepFailed(
            f"the database {test!r} exists and belongs to {rows[0][0]!r}, not to {name!r}",
            f"drop or rename {test!r} if it is not in use, or choose another --name",
            step=log.step,
        )


def verify(url: str, *, log: CommandLog) -> None:
    """Connect as the app's role and check it may create tables in `public`."""
    import psycopg

    info = parse_app_url(url)
    log.write(f"verify: connect as {info['user']} to {info['dbname']} at {info['host']}")
    try:
        with psycopg.connect(**info, connect_timeout=5) as conn:
            row = conn.execute("SELECT has_schema_privilege('public', 'CREATE')").fetchone()
    except psycopg.Error as error:
        raise StepFailed(
            f"cannot connect as role {info['user']}: {str(error).strip().splitlines()[0]}",
            "check pg_hba.conf allows password (scram-sha-256/md5) logins from "
            f"{info['host']}, then run again",
            step=log.step,
        ) from error
    if not row or not row[0]:
        raise StepFailed(
            f"role {info['user']} may not create tables in schema public",
            f"run as administrator: ALTER DATABASE {info['dbname']} OWNER TO {info['user']}",
            step=log.step,
        )


def drop(admin: Admin, name: str | None, *, log: CommandLog, role: str | None = None) -> None:
    """Remove database *name* with its `_test` database (when the role owns it) and the role
    (*role*, else the same name); either may be None (OpsBase made only the other): --force,
    destroy."""
    from psycopg import sql as pgsql

    owner_name = role or name
    if name:
        database = pgsql.Identifier(name).as_string(None)
        admin.query(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)", log=log)
        # The tests' database goes with it, when it is the role's (never another role's).
        rows = admin.query(
            "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = {}",
            (test_name(name),),
            log=log,
        )
        if rows and str(rows[0][0]) == owner_name:
            test = pgsql.Identifier(test_name(name)).as_string(None)
            admin.query(f"DROP DATABASE IF EXISTS {test} WITH (FORCE)", log=log)
    if owner_name:
        owner = pgsql.Identifier(owner_name).as_string(None)
        admin.query(f"DROP ROLE IF EXISTS {owner}", log=log)


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def psql_available() -> bool:
    return shutil.which("psql") is not None


def peer_works() -> bool:
    try:
        result = subprocess.run(  # noqa: S603
            [*_as_postgres(), "psql", "-X", "-A", "-t", "-c", "SELECT 1"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0
