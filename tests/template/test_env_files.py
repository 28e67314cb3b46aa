"""`write_env_files` and `git_init`: secrets in 0600 files, never in the repository."""

from __future__ import annotations

import stat
import subprocess

import pytest
from dotenv import dotenv_values

from opsbase.provision.scaffold import (
    ProdServices,
    ProjectSpec,
    ScaffoldError,
    git_init,
    write_env_files,
)

from .conftest import sqlite_urls

ENV_FILES = [".env", ".env.dev", ".env.test", ".env.prod"]


def _spec(tmp_path, url="https://shop.example.com") -> ProjectSpec:
    return ProjectSpec(dest=tmp_path, name="shop", public_url=url)


def test_env_files_are_readable_by_their_owner_only(tmp_path):
    written = write_env_files(tmp_path, _spec(tmp_path), database_urls=sqlite_urls(tmp_path))

    assert sorted(p.name for p in written) == sorted(ENV_FILES)
    for path in written:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


def test_each_environment_has_its_own_strong_secret_key(tmp_path):
    write_env_files(tmp_path, _spec(tmp_path), database_urls=sqlite_urls(tmp_path))

    keys = [dotenv_values(tmp_path / f".env.{e}")["SECRET_KEY"] for e in ("dev", "test", "prod")]
    assert len(set(keys)) == 3
    assert all(len(key) >= 50 for key in keys)


def test_each_environment_has_its_own_audit_key_kept_across_runs(tmp_path):
    spec = _spec(tmp_path)
    write_env_files(tmp_path, spec, database_urls=sqlite_urls(tmp_path))
    keys = {e: dotenv_values(tmp_path / f".env.{e}")["OPSBASE_AUDIT_KEY"] for e in ("dev", "prod")}

    write_env_files(tmp_path, spec, database_urls=sqlite_urls(tmp_path))

    prod = dotenv_values(tmp_path / ".env.prod")
    assert keys["dev"] != keys["prod"] and len(keys["prod"]) >= 32
    assert prod["OPSBASE_AUDIT_KEY"] == keys["prod"]  # old checkpoints keep verifying
    assert prod["OPSBASE_AUDIT_KEY"] != prod["SECRET_KEY"]


def test_hosts_origins_debug_and_database_come_from_the_inputs(tmp_path):
    urls = {
        "dev": "postgres://shop:pw@127.0.0.1:5432/shop",
        "test": "sqlite:///tmp/t.sqlite3",
        "prod": "postgres://shop:p'w@db.internal:5432/shop",
    }

    write_env_files(tmp_path, _spec(tmp_path), database_urls=urls)

    env = {name: dotenv_values(tmp_path / f".env.{name}") for name in ("dev", "test", "prod")}
    assert dotenv_values(tmp_path / ".env") == {"DJANGO_ENV": "dev"}
    assert env["dev"]["DEBUG"] == "true" and env["prod"]["DEBUG"] == "false"
    assert env["prod"]["ALLOWED_HOSTS"].split(",")[0] == "shop.example.com"
    assert "testserver" in env["test"]["ALLOWED_HOSTS"].split(",")
    assert env["prod"]["CSRF_TRUSTED_ORIGINS"] == "https://shop.example.com"
    assert {name: env[name]["DATABASE_URL"] for name in env} == urls
    assert "SECURE_SSL_REDIRECT" not in env["prod"]
    # Behind the generated nginx in prod only; elsewhere X-Forwarded-For is not trusted.
    assert env["prod"]["OPSBASE_TRUSTED_PROXIES"] == "1"
    assert "OPSBASE_TRUSTED_PROXIES" not in env["dev"]


def test_a_plain_http_public_url_turns_the_https_redirect_off_in_prod(tmp_path):
    spec = _spec(tmp_path, "http://203.0.113.7:8080")

    write_env_files(tmp_path, spec, database_urls=sqlite_urls(tmp_path))

    prod = dotenv_values(tmp_path / ".env.prod")
    assert prod["SECURE_SSL_REDIRECT"] == "false"
    assert prod["CSRF_TRUSTED_ORIGINS"] == "http://203.0.113.7:8080"
    assert prod["ALLOWED_HOSTS"].startswith("203.0.113.7,")


def test_writing_again_keeps_the_secret_keys_and_the_file_modes(tmp_path):
    spec = _spec(tmp_path)
    write_env_files(tmp_path, spec, database_urls=sqlite_urls(tmp_path))
    before = dotenv_values(tmp_path / ".env.prod")["SECRET_KEY"]
    (tmp_path / ".env.prod").chmod(0o644)

    urls = {**sqlite_urls(tmp_path), "prod": "postgres://shop:new@127.0.0.1/shop"}
    write_env_files(tmp_path, spec, database_urls=urls)

    after = dotenv_values(tmp_path / ".env.prod")
    assert after["SECRET_KEY"] == before
    assert after["DATABASE_URL"] == "postgres://shop:new@127.0.0.1/shop"
    assert stat.S_IMODE((tmp_path / ".env.prod").stat().st_mode) == 0o600


def test_a_missing_database_url_is_named(tmp_path):
    with pytest.raises(ScaffoldError, match="prod"):
        write_env_files(tmp_path, _spec(tmp_path), database_urls={"dev": "sqlite://", "test": "x"})

    assert not (tmp_path / ".env").exists()


def test_git_init_commits_the_project_but_no_env_file(shop, tmp_path):
    dest = tmp_path / "copy"
    subprocess.run(["cp", "-a", str(shop.dest), str(dest)], check=True)
    # A machine without any git identity configured.
    home = tmp_path / "home"
    home.mkdir()

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HOME", str(home))
        mp.delenv("GIT_AUTHOR_EMAIL", raising=False)
        mp.delenv("GIT_COMMITTER_EMAIL", raising=False)
        mp.setenv("GIT_CONFIG_NOSYSTEM", "1")
        git_init(dest)

    tracked = subprocess.run(
        ["git", "ls-files"], cwd=dest, capture_output=True, text=True, check=True
    ).stdout.split()
    assert "manage.py" in tracked and ".copier-answers.yml" in tracked
    assert "logs/.gitkeep" in tracked
    assert not [name for name in tracked if name.startswith(".env")]
    status = subprocess.run(["git", "status", "--porcelain"], cwd=dest, capture_output=True)
    assert status.stdout == b""


def test_prod_gets_redis_for_the_cache_and_the_broker_under_the_apps_prefixes(tmp_path):
    services = ProdServices(redis_url="redis://127.0.0.1:6379", email_url="smtp://127.0.0.1:25")

    write_env_files(tmp_path, _spec(tmp_path), database_urls=sqlite_urls(tmp_path),
                    services=services)  # fmt: skip

    prod = dotenv_values(tmp_path / ".env.prod")
    assert prod["REDIS_URL"] == "redis://127.0.0.1:6379/0"
    assert prod["CACHE_KEY_PREFIX"] == "shop"
    assert prod["CELERY_BROKER_URL"] == "redis://127.0.0.1:6379/1"
    assert prod["CELERY_BROKER_KEY_PREFIX"] == "shop:"
    assert prod["EMAIL_URL"] == "smtp://127.0.0.1:25"
    assert prod["DEFAULT_FROM_EMAIL"] == "Shop <noreply@shop.example.com>"
    dev = dotenv_values(tmp_path / ".env.dev")
    assert "REDIS_URL" not in dev and "EMAIL_URL" not in dev  # development keeps its defaults


def test_without_redis_prod_says_console_email_and_names_no_cache(tmp_path):
    write_env_files(tmp_path, _spec(tmp_path), database_urls=sqlite_urls(tmp_path))

    prod = dotenv_values(tmp_path / ".env.prod")
    assert "REDIS_URL" not in prod and "CELERY_BROKER_URL" not in prod
    assert prod["EMAIL_URL"] == "console://"


def test_the_docker_stacks_database_password_is_kept_when_written_again(tmp_path):
    write_env_files(tmp_path, _spec(tmp_path), database_urls=sqlite_urls(tmp_path))
    first = dotenv_values(tmp_path / ".env.prod")["POSTGRES_PASSWORD"]

    write_env_files(tmp_path, _spec(tmp_path), database_urls=sqlite_urls(tmp_path))

    assert len(first) >= 32
    assert dotenv_values(tmp_path / ".env.prod")["POSTGRES_PASSWORD"] == first
