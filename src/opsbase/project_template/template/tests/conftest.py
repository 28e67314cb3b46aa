"""Shared test fixtures. OpsBase's factories are in opsbase.testing.factories."""

import pytest


@pytest.fixture(scope="session")
def django_db_keepdb():
    """The test database is the one .env.test names, reused (never dropped and recreated):
    with PostgreSQL it is <name>_test, owned by the app's role, which may not create
    databases, so a run that dropped it could not make it again."""
    return True
