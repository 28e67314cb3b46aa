"""Fixtures for the project template tests: a private template store, rendered projects."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from opsbase.provision.scaffold import (
    STORE_VARIABLE,
    ProdServices,
    ProjectSpec,
    render_project,
    write_env_files,
)

# Variables a generated project reads; the outer test run may have set some of them.
_PROJECT_VARIABLES = (
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ENV",
    "DATABASE_URL",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DEBUG",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "EMAIL_URL",
    "OPSBASE_SITE_NAME",
    "OPSBASE_ADMIN_URL",
    "OPSBASE_LOG_DIR",
)


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: runs subprocesses (a few seconds each)")


def project_env(**extra: str) -> dict[str, str]:
    """The environment for a command run inside a generated project, as a user's shell has."""
    env = {k: v for k, v in os.environ.items() if k not in _PROJECT_VARIABLES}
    env.update(extra)
    return env


def run(project: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``python <args>`` in *project* with the current interpreter."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=project,
        env=project_env(**env),
        capture_output=True,
        text=True,
        timeout=300,
    )


# What `opsbase new` finds on a server: Redis answering here, a mail server given.
PRODUCTION_SERVICES = ProdServices(
    redis_url="redis://127.0.0.1:6379", email_url="smtp+tls://mailer:pw@smtp.example.com:587"
)


def sqlite_urls(dest: Path) -> dict[str, str]:
    return {env: f"sqlite:///{dest}/db.{env}.sqlite3" for env in ("dev", "test", "prod")}


@pytest.fixture
def store(tmp_path, monkeypatch) -> Path:
    """A template store of this test only."""
    path = tmp_path / "store"
    monkeypatch.setenv(STORE_VARIABLE, str(path))
    return path


@pytest.fixture(scope="module")
def shop(tmp_path_factory) -> ProjectSpec:
    """A rendered "shop" project (SQLite, default modules) with its env files, per module."""
    root = tmp_path_factory.mktemp("shop")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(STORE_VARIABLE, str(root / "store"))
        # The defaults a user gets, modules included.
        spec = ProjectSpec(dest=root / "shop", name="shop", public_url="https://shop.example.com")
        render_project(spec)
        write_env_files(
            spec.dest, spec, database_urls=sqlite_urls(spec.dest), services=PRODUCTION_SERVICES
        )
    return spec
