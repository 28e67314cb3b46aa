"""A project on PostgreSQL migrates into a database and role of its own."""

from __future__ import annotations

import secrets

import pytest

from opsbase.provision.scaffold import ProjectSpec, render_project, write_env_files

from .conftest import run

pytestmark = pytest.mark.slow

ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"


@pytest.fixture
def database():
    """A fresh role and database ``opsbase_tpl_<random>``, dropped afterwards; its URL."""
    psycopg = pytest.importorskip("psycopg")
    from psycopg import sql

    try:
        admin = psycopg.connect(ADMIN_DSN, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL is not reachable at 127.0.0.1:5432: {exc}")
    name = f"opsbase_tpl_{secrets.token_hex(4)}"
    password = secrets.token_urlsafe(16)
    ident = sql.Identifier(name)
    try:
        admin.execute(
            sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB PASSWORD {}").format(
                ident, sql.Literal(password)
            )
        )
        admin.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(ident, ident))
        yield f"postgres://{name}:{password}@127.0.0.1:5432/{name}"
    finally:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident))
        admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(ident))
        admin.close()


def test_a_postgres_project_migrates_into_its_own_database(tmp_path, store, database):
    import psycopg

    spec = ProjectSpec(
        dest=tmp_path / "plant",
        name="plant",
        public_url="https://plant.example.com",
        database="postgres",
    )
    render_project(spec)
    test_url = f"sqlite:///{spec.dest}/db.test.sqlite3"
    write_env_files(
        spec.dest, spec, database_urls={"dev": database, "test": test_url, "prod": database}
    )

    result = run(spec.dest, "manage.py", "migrate", "--no-input")

    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    with psycopg.connect(database.replace("postgres://", "postgresql://", 1)) as conn:
        rows = conn.execute(
            "SELECT tablename, tableowner FROM pg_tables WHERE schemaname = 'public'"
        ).fetchall()
    tables = dict(rows)
    expected = {"accounts_user", "tenants_tenant", "audit_auditevent", "django_migrations"}
    assert expected <= set(tables)
    assert set(tables.values()) == {database.rsplit("/", 1)[-1]}
