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
    test_ident = sql.Identifier(f"{name}_test")
    try:
        admin.execute(
            sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB PASSWORD {}").format(
                ident, sql.Literal(password)
            )
        )
        admin.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(ident, ident))
        # As `opsbase new` makes them: the tests' own database, owned by the app's role.
        admin.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(test_ident, ident))
        yield f"postgres://{name}:{password}@127.0.0.1:5432/{name}"
    finally:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident))
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(test_ident))
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


def test_the_projects_own_tests_run_on_its_test_database_under_row_level_security(
    tmp_path, store, database
):
    import psycopg

    spec = ProjectSpec(
        dest=tmp_path / "plant", name="plant", public_url="https://plant.example.com",
        database="postgres",
    )  # fmt: skip
    render_project(spec)
    test_url = database + "_test"
    write_env_files(
        spec.dest, spec, database_urls={"dev": database, "test": test_url, "prod": database}
    )

    # Twice: the second run reuses the database (the role could not create it again).
    first = run(spec.dest, "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider")
    second = run(spec.dest, "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider")

    for result in (first, second):
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
        assert (
            "PASSED tests/test_settings.py::"
            "test_on_postgresql_the_tests_see_row_level_security_as_production_does"
        ) in result.stdout
    with psycopg.connect(test_url.replace("postgres://", "postgresql://", 1)) as conn:
        tables = {row[0] for row in conn.execute("SELECT tablename FROM pg_tables")}
    assert "tasks_task" in tables  # the tests migrated and ran in <name>_test
