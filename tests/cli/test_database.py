"""The project's PostgreSQL role and database, on the real server."""

from __future__ import annotations

import secrets
import subprocess
from pathlib import Path

import psycopg
import pytest

from opsbase.provision import database
from opsbase.provision.commands import CommandLog
from opsbase.provision.errors import InputError

from .conftest import PG_ADMIN_URL, opsbase, pg_connect, pg_database_owner, pg_role

BASE = ["new", "--python", "current", "--no-input", "--skip-system-packages", "--no-deploy"]


def admin() -> database.Admin:
    return database.admin_from(PG_ADMIN_URL)


def test_a_new_database_is_owned_by_a_role_without_privileges(pg_name):
    log = CommandLog()
    state = database.preflight(admin(), pg_name, None, force=False, log=log)
    password = database.new_password()

    url = database.ensure(admin(), pg_name, password, state, force=False, log=log)

    assert pg_database_owner(pg_name) == pg_name
    assert pg_role(pg_name) == (False, False, False, True)  # super, createdb, createrole, login
    with psycopg.connect(**database.parse_app_url(url)) as conn:
        conn.execute("CREATE TABLE public.probe (id int)")  # PostgreSQL 15+: owner may create
    assert password not in "".join(log.pending)


def test_an_existing_database_is_reused_when_its_credentials_work(pg_name):
    log = CommandLog()
    first = database.preflight(admin(), pg_name, None, force=False, log=log)
    url = database.ensure(
        admin(), pg_name, "pw-" + database.new_password(), first, force=False, log=log
    )
    with psycopg.connect(**database.parse_app_url(url)) as conn:
        conn.execute("CREATE TABLE keep (id int)")
        conn.execute("INSERT INTO keep VALUES (1)")
        conn.commit()

    again = database.preflight(admin(), pg_name, url, force=False, log=log)
    database.ensure(
        admin(), pg_name, database.parse_app_url(url)["password"], again, force=False, log=log
    )

    assert again.reusable
    with psycopg.connect(**database.parse_app_url(url)) as conn:
        assert conn.execute("SELECT count(*) FROM keep").fetchone() == (1,)


def make_foreign_database(name: str) -> None:
    """A role and database someone else made, with data in it and a password we do not know."""
    with pg_connect() as conn:
        conn.execute(f"CREATE ROLE \"{name}\" LOGIN PASSWORD 'theirs-not-ours'")
        conn.execute(f'CREATE DATABASE "{name}" OWNER "{name}"')
    with psycopg.connect(host="127.0.0.1", user="postgres", dbname=name, autocommit=True) as c:
        c.execute("CREATE TABLE precious (v text)")
        c.execute("INSERT INTO precious VALUES ('kept')")


def precious_rows(name: str) -> list:
    with psycopg.connect(host="127.0.0.1", user="postgres", dbname=name) as conn:
        return conn.execute("SELECT v FROM precious").fetchall()


def test_wrong_credentials_fail_before_any_file_is_written(workdir: Path, pg_name):
    make_foreign_database(pg_name)
    dest = workdir / "p1"

    result = opsbase(
        *BASE,
        "--database",
        "postgres",
        "--db-admin-url",
        PG_ADMIN_URL,
        "--dest",
        str(dest),
        "--name",
        pg_name,
        "--url",
        "https://shop.example.com",
        cwd=workdir,
    )

    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1
    assert f"role and database {pg_name!r} already exists" in lines[0]
    assert "was not created by OpsBase for this project" in lines[0]
    assert "--force" not in lines[0]  # never offered for what OpsBase did not make
    assert list(workdir.iterdir()) == []
    assert precious_rows(pg_name) == [("kept",)]
    assert pg_database_owner(pg_name) == pg_name


def test_force_never_drops_a_database_opsbase_did_not_create(workdir: Path, pg_name):
    make_foreign_database(pg_name)
    with pytest.raises(InputError) as caught:
        database.preflight(admin(), pg_name, None, force=True, log=CommandLog())
    assert "--force only ever removes what OpsBase created" in caught.value.message

    result = opsbase(
        *BASE, "--database", "postgres", "--db-admin-url", PG_ADMIN_URL,
        "--dest", str(workdir / "p1"), "--name", pg_name, "--url", "https://shop.example.com",
        "--force", cwd=workdir,
    )  # fmt: skip

    assert result.returncode == 2
    assert "choose another --name" in result.stderr
    assert precious_rows(pg_name) == [("kept",)]
    assert list(workdir.iterdir()) == []


@pytest.mark.parametrize("name", ["postgres", "template1"])
def test_the_servers_own_roles_and_databases_are_refused_without_suggesting_force(
    workdir: Path, name: str
):
    result = opsbase(
        *BASE, "--database", "postgres", "--db-admin-url", PG_ADMIN_URL,
        "--dest", str(workdir / "p1"), "--name", name, "--url", "https://shop.example.com",
        cwd=workdir,
    )  # fmt: skip

    assert result.returncode == 2, result.stderr
    assert f"{name!r} already exists" in result.stderr
    assert "--force" not in result.stderr
    assert list(workdir.iterdir()) == []


def owned_database(name: str, log: CommandLog) -> str:
    """Role and database made the way `opsbase new` makes them, with a row of data."""
    made: dict[str, str] = {}
    state = database.preflight(admin(), name, None, force=False, log=log)
    url = database.ensure(
        admin(), name, database.new_password(), state, force=False, log=log,
        record=lambda kind: made.update({kind: name}),
    )  # fmt: skip
    with psycopg.connect(**database.parse_app_url(url)) as conn:
        conn.execute("CREATE TABLE keep (v text)")
        conn.execute("INSERT INTO keep VALUES ('ours')")
        conn.commit()
    assert made == {"pg_role": name, "pg_database": name}
    return url


def test_a_database_opsbase_created_is_reused_with_a_new_password_when_the_old_is_lost(pg_name):
    log = CommandLog()
    owned_database(pg_name, log)
    created = {"pg_role": pg_name, "pg_database": pg_name}

    state = database.preflight(admin(), pg_name, None, force=False, log=log, created=created)
    url = database.ensure(admin(), pg_name, database.new_password(), state, force=False, log=log)

    with psycopg.connect(**database.parse_app_url(url)) as conn:
        assert conn.execute("SELECT v FROM keep").fetchall() == [("ours",)]


def test_force_backs_up_then_recreates_only_what_opsbase_created(pg_name, tmp_path: Path):
    log = CommandLog()
    owned_database(pg_name, log)
    created = {"pg_role": pg_name, "pg_database": pg_name}

    state = database.preflight(admin(), pg_name, None, force=True, log=log, created=created)
    url = database.ensure(
        admin(), pg_name, database.new_password(), state, force=True, log=log,
        backup_dir=tmp_path / "backups",
    )  # fmt: skip

    with psycopg.connect(**database.parse_app_url(url)) as conn:
        tables = conn.execute("SELECT count(*) FROM pg_tables WHERE tablename = 'keep'")
        assert tables.fetchone() == (0,)
    (dump,) = (tmp_path / "backups").iterdir()
    assert dump.stat().st_mode & 0o077 == 0
    listing = subprocess.run(
        ["pg_restore", "--list", str(dump)], capture_output=True, text=True, check=True
    )
    assert "TABLE public keep" in listing.stdout


@pytest.fixture
def limited_admin():
    """An administrator that may log in and nothing else (no CREATEROLE, no CREATEDB)."""
    name = f"opsbase_lim_{secrets.token_hex(4)}"
    with pg_connect() as conn:
        conn.execute(f'CREATE ROLE "{name}" LOGIN')
    yield f"postgres://{name}@127.0.0.1:5432/postgres"
    with pg_connect() as conn:
        conn.execute(f'DROP ROLE IF EXISTS "{name}"')


def test_an_admin_without_createrole_and_createdb_is_refused_in_preflight(
    workdir: Path, pg_name, limited_admin
):
    for extra in ([], ["--dry-run"]):
        result = opsbase(
            *BASE, "--database", "postgres", "--db-admin-url", limited_admin,
            "--dest", str(workdir / "p1"), "--name", pg_name, "--url", "https://shop.example.com",
            *extra, cwd=workdir,
        )  # fmt: skip

        assert result.returncode == 2, result.stderr
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1
        assert "lacks CREATEROLE and CREATEDB" in lines[0]
        assert list(workdir.iterdir()) == []
    assert pg_role(pg_name) is None


def test_an_unreachable_server_is_a_clear_input_error(pg_name):
    unreachable = database.admin_from("postgres://postgres@127.0.0.1:1/postgres")

    with pytest.raises(InputError) as caught:
        database.preflight(unreachable, pg_name, None, force=False, log=CommandLog())

    assert "cannot administer PostgreSQL at 127.0.0.1:1" in caught.value.message
    assert "--db-admin-url" in caught.value.fix


def test_admin_access_comes_from_the_flag_then_pg_variables_then_peer(monkeypatch):
    for key in ("PGHOST", "PGUSER", "PGPASSWORD", "PGSERVICE", "PGPORT"):
        monkeypatch.delenv(key, raising=False)
    assert database.admin_from("postgres://a:b@db.example.com:6432/postgres").source == "url"
    assert database.admin_from(None).source == "peer"
    monkeypatch.setenv("PGHOST", "db.internal")
    assert (database.admin_from(None).source, database.admin_from(None).host) == (
        "env",
        "db.internal",
    )
    with pytest.raises(InputError):
        database.admin_from("mysql://root@127.0.0.1/x")


def test_the_app_url_quotes_its_password():
    url = database.app_url(name="shop", password="a/b@c:d", host="127.0.0.1", port=5432)

    assert database.parse_app_url(url) == {
        "user": "shop",
        "password": "a/b@c:d",
        "host": "127.0.0.1",
        "port": 5432,
        "dbname": "shop",
    }
