"""The project's PostgreSQL role and database, on the real server."""

from __future__ import annotations

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
    assert "--force" in lines[0]
    assert list(workdir.iterdir()) == []
    assert precious_rows(pg_name) == [("kept",)]
    assert pg_database_owner(pg_name) == pg_name


def test_an_existing_database_is_dropped_only_with_force(pg_name):
    make_foreign_database(pg_name)
    log = CommandLog()
    with pytest.raises(InputError):
        database.preflight(admin(), pg_name, None, force=False, log=log)

    state = database.preflight(admin(), pg_name, None, force=True, log=log)
    url = database.ensure(admin(), pg_name, database.new_password(), state, force=True, log=log)

    with psycopg.connect(**database.parse_app_url(url)) as conn:
        tables = conn.execute("SELECT count(*) FROM pg_tables WHERE tablename = 'precious'")
        assert tables.fetchone() == (0,)


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
