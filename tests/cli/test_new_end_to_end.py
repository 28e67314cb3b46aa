"""Full `opsbase new` runs: real Poetry, real PostgreSQL, real servers. Slow (a minute or two
each), so only two projects are provisioned and every test below inspects one of them."""

from __future__ import annotations

import json
import os
import secrets
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from opsbase.provision.validation import free_port, get_status

from .conftest import (
    PG_ADMIN_URL,
    PROVISION_ONCE,
    cli_env,
    opsbase,
    pg_database_owner,
    pg_drop,
    pg_role,
    postgres_available,
)

pytestmark = [pytest.mark.slow, PROVISION_ONCE]

LAYOUT = [
    "manage.py",
    "config/settings/base.py",
    "config/settings/dev.py",
    "config/settings/test.py",
    "config/settings/prod.py",
    "config/settings/staging.py",
    "config/wsgi.py",
    "config/asgi.py",
    "config/urls.py",
    "apps/main/models.py",
    "apps/main/views.py",
    "apps/main/urls.py",
    "apps/main/forms.py",
    "apps/main/serializers.py",
    "apps/main/static",
    "apps/main/templates",
    "static",
    "templates",
    "scripts",
    "logs",
    "logs/provision.log",
    ".env",
    "requirements.txt",
    "README.md",
    "pyproject.toml",
    "poetry.lock",
    ".gitignore",
    "tests",
    ".venv/bin/python",
    ".git",
]
ENV_FILES = (".env", ".env.dev", ".env.test", ".env.prod")


def journal(dest: Path) -> dict:
    path = dest / ".opsbase" / "provision.json"
    return json.loads(path.read_text()) if path.exists() else {}


def project_run(dest: Path, *args: str, env: dict | None = None, timeout: float = 600):
    full = {**os.environ, "DJANGO_ENV": "dev", **(env or {})}
    for key in (
        "VIRTUAL_ENV",
        "DATABASE_URL",
        "DJANGO_SETTINGS_MODULE",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    ):
        full.pop(key, None)
    if env:
        full.update(env)
    return subprocess.run(
        [str(dest / ".venv" / "bin" / "python"), *args],
        cwd=dest,
        env=full,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


# -- PostgreSQL, non-interactive, killed during the dependency step and run again ---------------


@pytest.fixture(scope="module")
def pg_project(tmp_path_factory):
    if not postgres_available():
        pytest.skip("PostgreSQL is not reachable at 127.0.0.1:5432")
    root = tmp_path_factory.mktemp("pg")
    name = f"opsbase_cli_{secrets.token_hex(4)}"
    dest = root / "p1"
    args = [
        "new",
        "--dest",
        str(dest),
        "--name",
        name,
        "--url",
        "https://shop.example.com",
        "--database",
        "postgres",
        "--db-admin-url",
        PG_ADMIN_URL,
        "--python",
        "current",
        "--no-input",
        "--skip-system-packages",
        "--no-deploy",
        # The mail server a production server is given; nothing sends mail in these tests.
        "--email-url",
        "smtp+tls://mailer:secret@smtp.example.com:587",
    ]
    env = cli_env(root)
    first = subprocess.Popen(
        [sys.executable, "-m", "opsbase.cli", *args],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and first.poll() is None:
        if journal(dest).get("steps", {}).get("dependencies", {}).get("status") == "running":
            break
        time.sleep(0.1)
    killed_during = journal(dest).get("steps", {}).get("dependencies", {}).get("status")
    if first.poll() is None:
        os.killpg(first.pid, signal.SIGKILL)
    first_output = first.communicate()[0]
    second = opsbase(*args, "--json", cwd=root, env=env)
    yield {
        "dest": dest,
        "name": name,
        "root": root,
        "env": env,
        "killed_during": killed_during,
        "first_output": first_output,
        "second": second,
    }
    pg_drop(name)


def test_a_run_killed_during_dependencies_completes_when_run_again(pg_project):
    second = pg_project["second"]

    assert pg_project["killed_during"] == "running", pg_project["first_output"]
    assert second.returncode == 0, second.stderr[-3000:]
    assert "Resuming the unfinished provisioning" in second.stderr
    summary = json.loads(second.stdout)
    assert summary["ok"] is True
    statuses = {s["step"]: s["status"] for s in summary["steps"]}
    assert statuses["dependencies"] == "done"
    assert statuses["web_server"] == "skipped"
    assert statuses["validation"] == "done"


def test_the_postgres_project_has_the_layout(pg_project):
    missing = [p for p in LAYOUT if not (pg_project["dest"] / p).exists()]

    assert missing == []


def test_the_database_is_owned_by_its_own_unprivileged_role(pg_project):
    name = pg_project["name"]

    assert pg_database_owner(name) == name
    assert pg_database_owner(f"{name}_test") == name
    assert pg_role(name) == (False, False, False, True)


def test_the_env_files_are_private(pg_project):
    modes = {n: stat.S_IMODE((pg_project["dest"] / n).stat().st_mode) for n in ENV_FILES}

    assert modes == dict.fromkeys(ENV_FILES, 0o600)


def test_the_database_password_is_only_in_the_env_files(pg_project):
    dest = pg_project["dest"]
    url = next(
        line.split("=", 1)[1].strip("'")
        for line in (dest / ".env.prod").read_text().splitlines()
        if line.startswith("DATABASE_URL=")
    )
    password = url.split(":")[2].split("@")[0]

    assert password not in (dest / "logs" / "provision.log").read_text()
    assert password not in (dest / ".opsbase" / "provision.json").read_text()
    assert password not in pg_project["second"].stdout


def test_the_superuser_is_admin_of_a_first_tenant_named_after_the_app(pg_project):
    password = json.loads(pg_project["second"].stdout)["superuser"]["password"]
    code = (
        "from opsbase.kernel.accounts.models import User; "
        "from opsbase.kernel.tenants.models import Membership, Tenant; "
        "u = User.objects.get(email='admin@example.com'); "
        "t = Tenant.objects.get(); "
        "m = Membership.objects.for_tenant(t).select_related('tenant', 'role').get(user=u); "
        f"print(u.is_superuser and u.check_password({password!r}), m.tenant.name, m.role.kind)"
    )

    result = project_run(pg_project["dest"], "manage.py", "shell", "-c", code)

    assert result.stdout.splitlines()[-1].split() == ["True", pg_project["name"], "admin"], (
        result.stdout + result.stderr
    )


def test_the_postgres_project_passes_check_deploy_in_prod(pg_project):
    result = project_run(
        pg_project["dest"],
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={"DJANGO_ENV": "prod"},
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_the_postgres_projects_own_tests_run_on_its_test_database_with_row_level_security(
    pg_project,
):
    dest, name = pg_project["dest"], pg_project["name"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.pop("VIRTUAL_ENV", None)

    # The command the project documents, twice: the test database is kept, never recreated.
    runs = [
        subprocess.run(
            ["bash", "scripts/run_tests.sh", "-q", "-rA", "-p", "no:cacheprovider"],
            cwd=dest,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )  # fmt: skip
        for _ in range(2)
    ]

    for result in runs:
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
        assert (
            "PASSED tests/test_settings.py::"
            "test_on_postgresql_the_tests_see_row_level_security_as_production_does"
        ) in result.stdout
    test_url = next(
        line.split("=", 1)[1].strip("'")
        for line in (dest / ".env.test").read_text().splitlines()
        if line.startswith("DATABASE_URL=")
    )
    assert test_url.endswith(f"/{name}_test")
    assert pg_database_owner(f"{name}_test") == name


def test_doctor_passes_on_the_new_project(pg_project):
    result = opsbase(
        "doctor",
        "--dest",
        str(pg_project["dest"]),
        "--json",
        cwd=pg_project["root"],
        env=pg_project["env"],
    )

    checks = json.loads(result.stdout)["checks"]
    assert [c for c in checks if not c["ok"]] == []
    assert result.returncode == 0


def test_check_update_says_the_new_project_is_up_to_date(pg_project):
    result = opsbase(
        "check-update",
        "--dest",
        str(pg_project["dest"]),
        "--json",
        cwd=pg_project["root"],
        env=pg_project["env"],
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"update_available": False}


def test_doctor_fails_when_debug_is_on_in_prod(pg_project, tmp_path):
    dest = pg_project["dest"]
    env_prod = dest / ".env.prod"
    original = env_prod.read_text()
    try:
        env_prod.write_text(original.replace("DEBUG='false'", "DEBUG='true'"))
        result = opsbase(
            "doctor", "--dest", str(dest), "--json", cwd=tmp_path, env=pg_project["env"]
        )
    finally:
        env_prod.write_text(original)

    failed = {c["name"] for c in json.loads(result.stdout)["checks"] if not c["ok"]}
    assert result.returncode == 1
    assert "DEBUG off in prod" in failed


def test_doctor_reports_each_development_default_left_in_prod(pg_project, tmp_path):
    dest = pg_project["dest"]
    env_prod = dest / ".env.prod"
    original = env_prod.read_text()
    kept = [
        line
        for line in original.splitlines()
        if not line.startswith(
            ("REDIS_URL=", "CELERY_BROKER_URL=", "EMAIL_URL=", "OPSBASE_TRUSTED_PROXIES=")
        )
    ]
    try:
        env_prod.write_text("\n".join([*kept, "EMAIL_URL='console://'"]) + "\n")
        result = opsbase(
            "doctor", "--dest", str(dest), "--json", cwd=tmp_path, env=pg_project["env"]
        )
    finally:
        env_prod.write_text(original)

    checks = {c["name"]: c for c in json.loads(result.stdout)["checks"]}
    assert result.returncode == 1
    for name, check_id in (
        ("e-mail is sent (EMAIL_URL)", "opsbase.W020"),
        ("cache shared by every process (REDIS_URL)", "opsbase.W021"),
        ("background tasks go to a worker (CELERY_BROKER_URL)", "opsbase.W022"),
        ("client addresses through the proxy (OPSBASE_TRUSTED_PROXIES)", "opsbase.W023"),
    ):
        assert not checks[name]["ok"], name
        assert check_id in checks[name]["detail"]


def test_the_postgres_projects_prod_settings_use_redis_and_the_mail_server(pg_project):
    code = (
        "from django.conf import settings; "
        "print(settings.CACHES['default']['BACKEND'], settings.CELERY_BROKER_URL, "
        "settings.CELERY_BROKER_TRANSPORT_OPTIONS['global_keyprefix'], settings.EMAIL_HOST, "
        "settings.EMAIL_PORT, settings.EMAIL_USE_TLS)"
    )

    result = project_run(pg_project["dest"], "manage.py", "shell", "-c", code,
                         env={"DJANGO_ENV": "prod"})  # fmt: skip

    assert result.stdout.split()[-6:] == [
        "opsbase.core.cache.RedisCache", "redis://127.0.0.1:6379/1",
        f"{pg_project['name']}:", "smtp.example.com", "587", "True",
    ], result.stdout + result.stderr  # fmt: skip


def test_destroy_backs_up_then_drops_the_database_and_its_role(pg_project):
    """Last of the PostgreSQL project's tests: it takes the database away."""
    dest, name = pg_project["dest"], pg_project["name"]

    result = opsbase(
        "destroy", "--dest", str(dest), "--yes", "--db-admin-url", PG_ADMIN_URL,
        cwd=pg_project["root"], env=pg_project["env"],
    )  # fmt: skip

    assert result.returncode == 0, result.stderr[-3000:]
    assert "back up the database" in result.stderr
    backups = list((dest / "backups").glob("*"))
    assert len(backups) == 1 and backups[0].stat().st_size > 0
    assert pg_database_owner(name) is None
    assert pg_database_owner(f"{name}_test") is None
    assert pg_role(name) is None
    assert (dest / "manage.py").exists()  # the project itself stays


# -- SQLite, answering every prompt on a terminal ---------------------------------------------


@pytest.fixture(scope="module")
def sqlite_project(tmp_path_factory):
    pexpect = pytest.importorskip("pexpect")
    root = tmp_path_factory.mktemp("sqlite")
    dest = root / "shopfront"
    password = "typed-" + secrets.token_urlsafe(8)
    env = cli_env(root, TERM="xterm", PGHOST="127.0.0.1", PGUSER="postgres")
    child = pexpect.spawn(
        sys.executable,
        [
            "-m",
            "opsbase.cli",
            "new",
            "--skip-system-packages",
            "--no-deploy",
            "--email-url",
            "smtp://127.0.0.1:25",
        ],  # fmt: skip
        cwd=str(root),
        env=env,
        encoding="utf-8",
        timeout=60,
        dimensions=(50, 200),
    )
    transcript = []
    child.logfile_read = _Collect(transcript)
    down, clear = "\x1b[B", "\x15"
    child.expect("App name")
    child.send("shopfront\r")
    child.expect("Public URL")
    child.send("https://shop.example.test\r")
    child.expect("Destination directory")
    child.send(clear + str(dest) + "\r")
    child.expect("Python interpreter")
    child.send("\r")  # the first choice: the running Python
    child.expect("Database")
    child.send(down + "\r")  # PostgreSQL answers here, so SQLite is the second choice
    child.expect("Modules to enable")
    child.send("\r")
    child.expect("Superuser e-mail")
    child.send(clear + "owner@shop.example.test\r")
    child.expect("Superuser password")
    child.send(password + "\r")
    child.expect(pexpect.EOF, timeout=900)
    child.close()
    return {
        "dest": dest,
        "root": root,
        "env": env,
        "password": password,
        "exitstatus": child.exitstatus,
        "transcript": "".join(transcript),
    }


class _Collect:
    def __init__(self, into: list[str]) -> None:
        self.into = into

    def write(self, text: str) -> None:
        self.into.append(text)

    def flush(self) -> None:
        pass


def test_an_interactive_sqlite_run_completes(sqlite_project):
    assert sqlite_project["exitstatus"] == 0, sqlite_project["transcript"][-4000:]
    assert "Validation: check passed" in sqlite_project["transcript"]


def test_the_sqlite_project_has_the_layout_and_private_env_files(sqlite_project):
    dest = sqlite_project["dest"]

    assert [p for p in LAYOUT if not (dest / p).exists()] == []
    assert stat.S_IMODE((dest / "var" / "db.sqlite3").stat().st_mode) == 0o600
    assert {stat.S_IMODE((dest / n).stat().st_mode) for n in ENV_FILES} == {0o600}


def test_the_typed_superuser_password_works_and_was_not_logged(sqlite_project):
    dest, password = sqlite_project["dest"], sqlite_project["password"]
    code = (
        "from opsbase.kernel.accounts.models import User; "
        "u = User.objects.get(email='owner@shop.example.test'); "
        "print(u.check_password(" + repr(password) + "))"
    )

    result = project_run(dest, "manage.py", "shell", "-c", code)

    assert result.stdout.strip().splitlines()[-1] == "True", result.stdout + result.stderr
    assert password not in (dest / "logs" / "provision.log").read_text()
    assert password not in sqlite_project["transcript"]  # a typed password is never echoed


def test_the_sqlite_project_passes_check_deploy_in_prod(sqlite_project):
    result = project_run(
        sqlite_project["dest"],
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={"DJANGO_ENV": "prod"},
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_the_sqlite_projects_own_tests_pass(sqlite_project):
    result = project_run(sqlite_project["dest"], "-m", "pytest", "-q", "-p", "no:cacheprovider")

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def test_new_refuses_to_provision_a_finished_project_again(sqlite_project):
    result = opsbase(
        "new",
        "--dest",
        str(sqlite_project["dest"]),
        "--no-input",
        cwd=sqlite_project["root"],
        env=sqlite_project["env"],
    )

    assert result.returncode == 2
    assert "already a provisioned OpsBase project" in result.stderr


def test_demo_reuses_a_project_loads_sample_data_and_prints_the_logins(sqlite_project):
    result = opsbase(
        "demo",
        "--dest",
        str(sqlite_project["dest"]),
        "--no-serve",
        "--password",
        "demo-pass-123",
        cwd=sqlite_project["root"],
        env=sqlite_project["env"],
    )

    assert result.returncode == 0, result.stderr
    assert "Reusing the demo project" in result.stderr
    assert "admin@acme.test" in result.stdout
    assert "demo-pass-123" in result.stdout
    assert "http://127.0.0.1:8000/" in result.stdout


def test_demo_serves_the_project(sqlite_project):
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "opsbase.cli",
            "demo",
            "--dest",
            str(sqlite_project["dest"]),
            "--port",
            str(port),
            "--password",
            "demo-pass-123",
        ],
        cwd=sqlite_project["root"],
        env=sqlite_project["env"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        status = None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and server.poll() is None and status != 200:
            status = get_status(port)
            time.sleep(0.5)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
        output = server.communicate(timeout=30)[0]

    assert status == 200, output[-3000:]


def _as_from_a_terminal() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGINT])


def test_ctrl_c_during_a_step_leaves_a_resumable_project(tmp_path):
    dest = tmp_path / "p"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "opsbase.cli",
            "new",
            "--dest",
            str(dest),
            "--name",
            "stopped",
            "--url",
            "https://s.example.com",
            "--database",
            "sqlite",
            "--python",
            "current",
            "--no-input",
            "--skip-system-packages",
            "--no-deploy",
        ],
        cwd=tmp_path,
        env=cli_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        # As from a terminal: Ctrl-C raises KeyboardInterrupt. A child inherits its parent's
        # handling of SIGINT: a pytest-xdist worker ignores it, and a test that ran before in
        # the same worker may have left it blocked (a blocked SIGINT stays pending: the run
        # went on to the end, exit 0); either way the interrupt would never arrive.
        preexec_fn=_as_from_a_terminal,
    )
    # A loaded machine may take minutes to reach the step: wait for it, never interrupt
    # another one by chance.
    deadline, seen = time.monotonic() + 600, None
    while time.monotonic() < deadline and process.poll() is None:
        seen = journal(dest).get("steps", {}).get("dependencies", {}).get("status")
        if seen == "running":
            break
        time.sleep(0.05)
    assert seen == "running", f"never saw the dependencies step running (last: {seen})"
    os.killpg(process.pid, signal.SIGINT)  # what a terminal sends on Ctrl-C
    stdout, stderr = process.communicate(timeout=120)

    assert process.returncode == 130, stderr
    assert "left resumable" in stderr
    steps = journal(dest)["steps"]
    assert steps["scaffold"]["status"] == "done"
    assert steps["dependencies"]["status"] == "interrupted"
