"""The Django admin lives where the project says, and a deployment at 'admin/' is warned."""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PROD_ENV = {
    "SECRET_KEY": "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOP",
    "ALLOWED_HOSTS": "ops.example.com",
    "DATABASE_URL": "sqlite:////tmp/opsbase-sec-admin-check.sqlite3",
    "DJANGO_SETTINGS_MODULE": "config.settings.prod",
    "PYTHONPATH": str(REPO / "src"),
}


def manage(*args, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPSBASE_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env.update(PROD_ENV, **extra)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO / "example",
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_deployment_check_warns_about_the_default_admin_path():
    result = manage("check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 1
    assert "opsbase.W001" in result.stderr + result.stdout


def test_a_chosen_admin_path_is_served_and_not_warned_about():
    check = manage("check", "--deploy", "--fail-level", "WARNING", OPSBASE_ADMIN_URL="ops-7f3k/")
    where = manage(
        "shell",
        "-c",
        "from django.urls import reverse; print(reverse('admin:index'))",
        OPSBASE_ADMIN_URL="ops-7f3k/",
    )

    assert "opsbase.W001" not in check.stdout + check.stderr
    assert where.stdout.strip().splitlines()[-1] == "/ops-7f3k/"


def test_a_malformed_admin_path_stops_start_up_naming_it():
    result = manage("check", OPSBASE_ADMIN_URL="bad path?/")

    assert result.returncode == 1
    assert "OPSBASE_ADMIN_URL" in result.stderr
