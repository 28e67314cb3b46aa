"""The generated project works: its own tests pass, its production settings pass the checks."""

from __future__ import annotations

import pytest

from .conftest import run

pytestmark = pytest.mark.slow


def test_the_generated_projects_own_tests_pass(shop):
    result = run(shop.dest, "-m", "pytest", "-q", "-p", "no:cacheprovider")

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert " passed" in result.stdout
    assert "failed" not in result.stdout


def test_production_settings_pass_the_deployment_checks(shop):
    result = run(
        shop.dest, "manage.py", "check", "--deploy", "--fail-level", "WARNING", DJANGO_ENV="prod"
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_production_without_its_env_file_stops_naming_the_missing_variable(shop, tmp_path):
    prod = shop.dest / ".env.prod"
    saved = prod.read_bytes()
    prod.unlink()
    try:
        result = run(shop.dest, "manage.py", "check", DJANGO_ENV="prod")
    finally:
        prod.write_bytes(saved)
        prod.chmod(0o600)

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_manage_py_follows_django_env_from_the_env_file(shop):
    code = "from django.conf import settings; print(settings.OPSBASE_ENVIRONMENT, settings.DEBUG)"

    dev = run(shop.dest, "manage.py", "shell", "-v", "0", "-c", code)
    prod = run(shop.dest, "manage.py", "shell", "-v", "0", "-c", code, DJANGO_ENV="prod")

    assert dev.stdout.split() == ["dev", "True"], dev.stderr
    assert prod.stdout.split() == ["prod", "False"], prod.stderr


def test_the_wsgi_application_loads_the_production_settings(shop):
    code = (
        "import gc, config.wsgi as w, config.asgi as a; from django.conf import settings; "
        "print(type(w.application).__name__, type(a.application).__name__, "
        "settings.OPSBASE_ENVIRONMENT, gc.get_freeze_count() > 0)"
    )

    result = run(shop.dest, "-c", code, DJANGO_ENV="prod")

    # The worker's loaded code is frozen out of the garbage collector's passes.
    assert result.stdout.split() == ["WSGIHandler", "ASGIHandler", "prod", "True"], result.stderr
