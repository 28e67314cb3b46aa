"""`opsbase new` with its web-server step, `opsbase deploy` again, `doctor`, then `destroy`.

Real processes only: the project is provisioned on the system Python (its service user must
be able to read the interpreter, which a Python under /root is not), gunicorn runs as a
system user that deploy creates, and nginx runs from an nginx folder of the test's own (laid
out like Debian's, with its nginx.conf, on free loopback ports), passed with --nginx-dir.
"""

from __future__ import annotations

import grp
import json
import os
import pwd
import secrets
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import yaml

from opsbase.serve import write_nginx_standalone
from opsbase.serve.systemd import verify_units
from tests.serve.harness import ensure_nginx, fetch, free_port, wait_until

from .conftest import PROVISION_ONCE, cli_env, opsbase

SYSTEM_PYTHON = Path("/usr/bin/python3")

pytestmark = [
    pytest.mark.slow,
    PROVISION_ONCE,
    pytest.mark.skipif(os.geteuid() != 0, reason="deploy creates a system user: needs root"),
    pytest.mark.skipif(
        not SYSTEM_PYTHON.exists() or sys.version_info < (3, 11),
        reason="needs the system Python 3.11+ at /usr/bin/python3",
    ),
]


def _pid(path: Path) -> int | None:
    try:
        pid = int(path.read_text().strip())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None
    return pid


def _running(pid: int) -> bool:
    """Whether *pid* runs (a zombie left for its parent to reap does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def fake_nginx_dir(root: Path) -> Path:
    """/etc/nginx in miniature: sites-available/enabled with a default site, its nginx.conf
    (workers as www-data, as on Debian) with pid and logs inside the folder."""
    (root / "sites-available").mkdir(parents=True)
    (root / "sites-enabled").mkdir()
    default = root / "sites-available" / "default"
    default.write_text(f"server {{ listen 127.0.0.1:{free_port()}; return 444; }}\n")
    (root / "sites-enabled" / "default").symlink_to(default)
    write_nginx_standalone([root / "sites-enabled" / "*"], root, user="www-data", foreground=False)
    return root


@pytest.fixture(scope="module")
def deployed():
    ensure_nginx()
    try:
        pwd.getpwnam("www-data")
    except KeyError:
        pytest.skip("no www-data user (nginx's) on this machine")
    # Readable by the service user all the way down (pytest's own temporary folder is 0700).
    top = Path(tempfile.mkdtemp(prefix="opsbase-deploy-"))
    top.chmod(0o755)
    name = f"depl_{secrets.token_hex(4)}"
    dest = top / name
    nginx_dir = fake_nginx_dir(top / "etc-nginx")
    http_port, https_port = free_port(), free_port()
    password = "given-" + secrets.token_urlsafe(12)
    env = cli_env(top, OPSBASE_SUPERUSER_PASSWORD=password)
    new = opsbase(
        "new", "--dest", str(dest), "--name", name,
        "--url", f"https://{name.replace('_', '-')}.example.test:{https_port}",
        "--database", "sqlite", "--python", str(SYSTEM_PYTHON), "--no-input",
        "--skip-system-packages", "--ssl", "self-signed", "--http-port", str(http_port),
        "--listen-address", "127.0.0.1", "--nginx-dir", str(nginx_dir), "--json",
        "--email-url", "smtp://127.0.0.1:25",
        cwd=top, env=env,
    )  # fmt: skip
    # The modes the first deploy left, before any later deploy could tighten them.
    first_modes = {
        path.name: stat.S_IMODE(path.stat().st_mode)
        for path in (dest / "logs").glob("*")
        if path.is_file()
    }
    info = {
        "dest": dest,
        "name": name,
        "host": f"{name.replace('_', '-')}.example.test",
        "top": top,
        "env": env,
        "nginx_dir": nginx_dir,
        "http_port": http_port,
        "https_port": https_port,
        "password": password,
        "new": new,
        "first_modes": first_modes,
    }
    yield info
    # Whatever a failed test left: gunicorn, nginx, the user and its group, the files.
    for pid_file, sig in (
        (Path(f"/run/{name}/gunicorn.pid"), signal.SIGTERM),
        (Path(f"/run/{name}/celery/worker.pid"), signal.SIGTERM),
        (Path(f"/run/{name}/celery/beat.pid"), signal.SIGTERM),
        (nginx_dir / "nginx.pid", signal.SIGQUIT),
    ):
        pid = _pid(pid_file)
        if pid:
            os.kill(pid, sig)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and _pid(pid_file) == pid:
                time.sleep(0.2)
    # userdel refuses while a process of the user lives (workers may outlast the master).
    subprocess.run(["pkill", "-KILL", "-u", name], check=False, capture_output=True)
    time.sleep(0.5)
    subprocess.run(["userdel", name], check=False, capture_output=True)
    subprocess.run(["groupdel", name], check=False, capture_output=True)
    shutil.rmtree(top, ignore_errors=True)
    shutil.rmtree(f"/run/{name}", ignore_errors=True)


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True
    ).stdout


def deploy_args(info, *extra: str) -> list[str]:
    return [
        "deploy", "--dest", str(info["dest"]), "--ssl", "self-signed",
        "--http-port", str(info["http_port"]), "--listen-address", "127.0.0.1",
        "--nginx-dir", str(info["nginx_dir"]), *extra,
    ]  # fmt: skip


def https_get(info, path: str = "/"):
    return fetch(
        info["https_port"],
        path,
        host=info["host"],
        https=True,
        ca_file=info["dest"] / "deploy/ssl/selfsigned.crt",
    )


def test_new_serves_the_app_through_nginx_as_its_web_server_step(deployed):
    new = deployed["new"]

    assert new.returncode == 0, new.stderr[-4000:]
    summary = json.loads(new.stdout)
    steps = {s["step"]: s for s in summary["steps"]}
    assert steps["web_server"]["status"] == "done"
    assert "200 OK" in steps["web_server"]["detail"]
    assert "through nginx: 200 OK, 301 redirect" in steps["validation"]["detail"]
    # The name is not in any DNS: said as a warning, not hidden and not fatal.
    assert any("does not resolve (DNS)" in w for w in summary["warnings"])
    assert summary["next_steps"][0].startswith(f"open https://{deployed['host']}")


def test_https_answers_with_hsts_and_plain_http_redirects(deployed):
    page = https_get(deployed)
    plain = fetch(deployed["http_port"], "/", host=deployed["host"])

    assert page.status == 200
    assert page.header("Strict-Transport-Security") == "max-age=300"
    assert plain.status == 301
    assert plain.header("Location") == f"https://{deployed['host']}:{deployed['https_port']}/"


def test_each_security_header_arrives_once(deployed):
    """nginx sets them; Django's copies behind it are hidden, so no header is doubled."""
    import http.client
    import socket
    import ssl

    context = ssl.create_default_context(cafile=deployed["dest"] / "deploy/ssl/selfsigned.crt")
    raw = socket.create_connection(("127.0.0.1", deployed["https_port"]), timeout=10)
    connection = http.client.HTTPConnection(deployed["host"], timeout=10)
    connection.sock = context.wrap_socket(raw, server_hostname=deployed["host"])
    connection.request("GET", "/")
    names = [name.lower() for name, _ in connection.getresponse().getheaders()]
    connection.close()

    for header in (
        "strict-transport-security",
        "x-frame-options",
        "x-content-type-options",
        "referrer-policy",
        "permissions-policy",
        "content-security-policy",
    ):
        assert names.count(header) == 1, (header, names)


def test_static_files_come_from_nginx_with_cache_headers(deployed):
    css = next((deployed["dest"] / "staticfiles/main/css").glob("main.*.css"))

    answer = https_get(deployed, f"/static/main/css/{css.name}")

    assert answer.status == 200
    assert answer.body == css.read_text()
    assert "max-age=" in (answer.header("Cache-Control") or "")
    assert answer.header("X-Request-ID") is None  # Django tags every response it serves


def test_gunicorn_workers_run_as_the_service_user_it_created(deployed):
    name = deployed["name"]
    master = _pid(Path(f"/run/{name}/gunicorn.pid"))
    assert master is not None
    workers = subprocess.run(
        ["ps", "-o", "user=", "--ppid", str(master)], capture_output=True, text=True, check=True
    ).stdout.split()

    assert workers
    assert set(workers) == {name}
    assert pwd.getpwnam(name).pw_shell.endswith("nologin")


def test_the_project_holds_its_serving_files(deployed):
    dest, name = deployed["dest"], deployed["name"]
    expected = [
        "gunicorn.conf.py",
        f"deploy/nginx/{name}.conf",
        "deploy/nginx/maintenance.html",
        f"deploy/systemd/{name}.service",
        f"deploy/systemd/{name}.socket",
        f"deploy/systemd/{name}-celery.service",
        "scripts/backup_db.sh",
        "scripts/restore_db.sh",
        "scripts/deploy.sh",
        "scripts/monitor_services.sh",
        "Dockerfile",
        ".dockerignore",
        "docker-compose.yml",
    ]

    assert [p for p in expected if not (dest / p).exists()] == []
    assert "DJANGO_ENV='prod'" in (dest / ".env").read_text()
    linked = deployed["nginx_dir"] / "sites-enabled" / f"{name}.conf"
    assert linked.resolve() == dest / "deploy" / "nginx" / f"{name}.conf"
    assert not (deployed["nginx_dir"] / "sites-enabled" / "default").exists()
    # The private key stays out of git.
    ignored = subprocess.run(
        ["git", "check-ignore", "deploy/ssl/selfsigned.key"], cwd=dest, capture_output=True
    )
    assert ignored.returncode == 0
    # The image installs what the project pins: OpsBase's wheel, built into the project.
    requirements = (dest / "requirements.txt").read_text()
    wheel = next((dest / "vendor").glob("opsbase-*.whl"))
    assert f"./vendor/{wheel.name}" in requirements
    assert "file:" not in requirements
    assert f"vendor/{wheel.name}" in git(dest, "ls-files", "vendor")


def as_service_user(info, *argv: str, env: dict | None = None, timeout: float = 300):
    """*argv* in the project, as the app's own user (what its cron jobs run as)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    clean.pop("VIRTUAL_ENV", None)
    return subprocess.run(
        ["runuser", "-u", info["name"], "--", *argv],
        cwd=info["dest"], env={**clean, **(env or {})}, capture_output=True, text=True,
        timeout=timeout,
    )  # fmt: skip


def test_the_prod_cache_and_celerys_broker_are_redis(deployed):
    code = (
        "from django.conf import settings; from django.core.cache import cache; "
        "cache.set('probe', 'shared', 30); "
        "print(settings.CACHES['default']['BACKEND'], settings.CELERY_BROKER_URL, "
        "cache.get('probe'))"
    )

    result = as_service_user(deployed, ".venv/bin/python", "manage.py", "shell", "-c", code)
    ready = https_get(deployed, "/health/ready")

    backend, broker, value = result.stdout.split()[-3:]
    assert backend == "opsbase.core.cache.RedisCache", result.stdout + result.stderr
    assert broker == "redis://127.0.0.1:6379/1"
    assert value == "shared"
    assert ready.status == 200
    assert json.loads(ready.body)["checks"]["broker"]["ok"] is True


def test_celerys_worker_and_beat_run_as_the_service_user_and_answer(deployed):
    name = deployed["name"]
    pids = {unit: _pid(Path(f"/run/{name}/celery/{unit}.pid")) for unit in ("worker", "beat")}
    owners = {
        unit: subprocess.run(["ps", "-o", "user=", "-p", str(pid)], capture_output=True,
                             text=True).stdout.strip()
        for unit, pid in pids.items() if pid
    }  # fmt: skip

    ping = as_service_user(
        deployed, ".venv/bin/celery", "--app", "opsbase.core.celery", "inspect", "ping",
        "--timeout", "10", env={"DJANGO_ENV": "prod", "DJANGO_SETTINGS_MODULE":
                                "config.settings.prod"},
    )  # fmt: skip

    assert owners == {"worker": name, "beat": name}, pids
    assert ping.returncode == 0, ping.stdout + ping.stderr
    assert f"{name}@" in ping.stdout and "pong" in ping.stdout


def test_the_units_deploy_wrote_pass_systemd_analyze(deployed):
    units = sorted((deployed["dest"] / "deploy" / "systemd").iterdir())

    result = verify_units(units)

    assert [u.name for u in units] == [
        f"{deployed['name']}-celery.service", f"{deployed['name']}-celerybeat.service",
        f"{deployed['name']}.service", f"{deployed['name']}.socket",
    ]  # fmt: skip
    if result is None:
        pytest.skip("systemd-analyze is not installed")
    assert result.ok, result.explain()


def test_a_backup_runs_as_the_service_user_as_its_cron_line_says(deployed):
    dest, name = deployed["dest"], deployed["name"]
    cron = (dest / "scripts" / "backup_db.sh").read_text()

    result = as_service_user(deployed, "scripts/backup_db.sh", "--keep", "2")

    assert f"15 3 * * *  {name}  /path/to/project/scripts/backup_db.sh" in cron
    assert result.returncode == 0, result.stdout + result.stderr
    backup = next((dest / "backups").glob("*.sqlite3.gz"))
    assert backup.stat().st_uid == pwd.getpwnam(name).pw_uid
    assert backup.stat().st_mode & 0o777 == 0o600
    assert (dest / "backups").stat().st_mode & 0o777 == 0o700


def test_public_pages_show_the_apps_name_and_never_the_admins_path(deployed):
    settings = {
        line.split(" =")[0]: line.split('"')[1]
        for line in (deployed["dest"] / "config/settings/base.py").read_text().splitlines()
        if line.startswith(("ADMIN_URL =", "SITE_NAME ="))
    }
    admin, title = settings["ADMIN_URL"], settings["SITE_NAME"]

    pages = {path: https_get(deployed, path) for path in ("/", "/accounts/login/")}

    for path, page in pages.items():
        assert page.status == 200, path
        assert admin.strip("/") not in page.body, path
    login_title = pages["/accounts/login/"].body.split("<title>", 1)[1].split("</title>")[0]
    assert title.lower() == deployed["name"].replace("_", " ")
    assert title in login_title
    assert deployed["host"] not in login_title


def test_monitor_passes_then_fails_while_gunicorn_is_stopped(deployed):
    name = deployed["name"]
    monitor = ["bash", "scripts/monitor_services.sh"]
    healthy = as_service_user(deployed, *monitor)
    master = _pid(Path(f"/run/{name}/gunicorn.pid"))
    os.kill(master, signal.SIGTERM)
    wait_until(lambda: _pid(Path(f"/run/{name}/gunicorn.pid")) is None, timeout=40,
               what="gunicorn to stop")  # fmt: skip
    try:
        down = as_service_user(deployed, *monitor)
        plain = as_service_user(
            deployed, *monitor, f"http://{deployed['host']}:{deployed['http_port']}"
        )
    finally:
        again = opsbase(*deploy_args(deployed), cwd=deployed["top"], env=deployed["env"])

    assert healthy.returncode == 0, healthy.stdout + healthy.stderr
    assert "/health/ready" in healthy.stdout
    assert down.returncode == 1
    assert "502" in down.stdout and "[PROBLEM] gunicorn running" in down.stdout
    # Given the plain-HTTP address, it follows nginx's redirect and still sees the 502.
    assert plain.returncode == 1 and "after 1 redirect" in plain.stdout and "502" in plain.stdout
    assert again.returncode == 0, again.stderr[-3000:]


def test_deploy_output_never_blocks_an_upgrade(deployed):
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=deployed["dest"], capture_output=True, text=True
    )

    result = opsbase("upgrade", "--dest", str(deployed["dest"]), cwd=deployed["top"],
                     env=deployed["env"])  # fmt: skip

    assert status.stdout == ""
    assert result.returncode == 0, result.stderr
    assert "is up to date" in result.stdout


def test_a_conflicting_upgrade_exits_1_and_names_the_file(deployed, tmp_path):
    dest, store = deployed["dest"], deployed["top"] / "template-store"
    answers = dest / ".copier-answers.yml"
    rendered = yaml.safe_load(answers.read_text())["_commit"]
    home = "apps/main/templates/main/home.html"
    original = "Your operations, organizations, roles and audit trail in one place."
    # An older template version, in the store as a release before this one would have put it:
    # its home page said something else on the line the project is about to change.
    clone = tmp_path / "older"
    git(tmp_path, "clone", "-q", str(store), str(clone))
    git(clone, "checkout", "-q", rendered)
    (clone / "template" / home).write_text(
        (clone / "template" / home).read_text().replace(original, "Operations in one place.")
    )
    git(clone, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "older")
    git(clone, "tag", "0.0.1.post1")
    git(clone, "push", "-q", "origin", "0.0.1.post1")
    answers.write_text(answers.read_text().replace(f"_commit: {rendered}", "_commit: 0.0.1.post1"))
    page = dest / home
    page.write_text(page.read_text().replace(original, "The plant, run from one place."))
    git(dest, "commit", "-qam", "Our own welcome")

    result = opsbase("upgrade", "--dest", str(dest), cwd=deployed["top"], env=deployed["env"])

    assert result.returncode == 1, result.stdout + result.stderr
    assert "is up to date" not in result.stdout
    assert f"  {home}" in result.stderr.splitlines()
    assert "<<<<<<< before updating" in page.read_text()
    git(dest, "reset", "-q", "--hard")


def test_doctor_checks_the_url_through_nginx_and_publicly(deployed):
    result = opsbase(
        "doctor", "--dest", str(deployed["dest"]), "--json", cwd=deployed["top"],
        env=deployed["env"],
    )  # fmt: skip

    checks = {c["name"]: c for c in json.loads(result.stdout)["checks"]}
    # Production parts: Redis for the cache and the broker, a mail server, each daemon.
    for name in ("cache shared by every process (REDIS_URL)", "e-mail is sent (EMAIL_URL)",
                 "background tasks go to a worker (CELERY_BROKER_URL)"):  # fmt: skip
        assert checks[name]["ok"], checks[name]
    assert all(checks[f"{what} running"]["ok"] for what in ("gunicorn", "Celery worker",
                                                             "Celery beat"))  # fmt: skip
    local_https = checks[
        f"GET https://{deployed['host']}:{deployed['https_port']}/ "
        f"(local 127.0.0.1:{deployed['https_port']})"
    ]
    assert local_https["ok"], local_https
    assert "certificate expires in 36" in local_https["detail"]
    public = checks[f"GET https://{deployed['host']}:{deployed['https_port']}/ (public)"]
    assert not public["ok"]
    assert "does not resolve (DNS)" in public["detail"]
    assert result.returncode == 1

    skipped = opsbase(
        "doctor", "--dest", str(deployed["dest"]), "--no-url", cwd=deployed["top"],
        env=deployed["env"],
    )  # fmt: skip
    assert skipped.returncode == 0, skipped.stdout[-3000:]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--ssl", "letsencrypt"], "--ssl letsencrypt needs certbot"),
        (["--user", "root"], "gunicorn must not run as root"),
        (["--ssl-cert", "/nonexistent.pem", "--ssl-key", "/nonexistent.key"], "no such file"),
        (["--ssl-cert", "/etc/hostname"], "--ssl-cert and --ssl-key go together"),
        (["--env", "dev"], "cannot be deployed"),
    ],
)
def test_bad_deploy_options_are_named_and_change_nothing(deployed, extra, message):
    if "letsencrypt" in extra and shutil.which("certbot"):
        pytest.skip("certbot is installed here")
    manifest = deployed["dest"] / ".opsbase" / "deploy.json"
    before = manifest.read_text()
    args = deploy_args(deployed)
    args = [a for a in args if a not in ("--ssl", "self-signed")] + extra

    result = opsbase(*args, cwd=deployed["top"], env=deployed["env"])

    assert result.returncode == 2
    assert message in result.stderr
    assert manifest.read_text() == before


def test_deploy_again_reloads_gunicorn_gracefully(deployed):
    pid_file = Path(f"/run/{deployed['name']}/gunicorn.pid")
    master = _pid(pid_file)

    result = opsbase(*deploy_args(deployed, "--json"), cwd=deployed["top"], env=deployed["env"])

    assert result.returncode == 0, result.stderr[-3000:]
    assert "reloaded gracefully" in result.stderr
    assert _pid(pid_file) == master
    local = [c for c in json.loads(result.stdout)["checks"] if c["via"] != "public"]
    assert [c["status"] for c in local] == [200, 301]
    assert https_get(deployed).status == 200


def test_the_given_superuser_password_is_never_echoed(deployed):
    new, password = deployed["new"], deployed["password"]

    superuser = json.loads(new.stdout)["superuser"]

    assert superuser["password"] is None
    assert superuser["note"] == "the one you gave (not shown)"
    assert password not in new.stdout + new.stderr
    assert password not in (deployed["dest"] / "logs" / "provision.log").read_text()


def test_server_tokens_are_off_on_both_ports(deployed):
    plain = fetch(deployed["http_port"], "/", host=deployed["host"])

    assert plain.header("Server") == "nginx"
    assert https_get(deployed).header("Server") == "nginx"


# -- a second project on the same machine -----------------------------------------------------


def second_project(deployed, tmp_path: Path, *extra: str, name: str | None = None, env=None):
    """`opsbase new` of project B, with A's URL unless *extra* says otherwise."""
    name = name or f"b_{secrets.token_hex(3)}"
    url = f"https://{deployed['host']}:{deployed['https_port']}"
    return opsbase(
        "new", "--dest", str(tmp_path / "b"), "--name", name, "--url", url,
        "--database", "sqlite", "--python", str(SYSTEM_PYTHON), "--no-input",
        "--skip-system-packages", "--ssl", "self-signed", "--listen-address", "127.0.0.1",
        "--nginx-dir", str(deployed["nginx_dir"]), *extra,
        cwd=tmp_path, env=env or deployed["env"],
    )  # fmt: skip


@pytest.mark.parametrize("ports", ["others", "the same"])
def test_a_second_project_with_the_same_url_is_refused_and_the_first_still_answers(
    deployed, tmp_path, ports
):
    link = deployed["nginx_dir"] / "sites-enabled" / f"{deployed['name']}.conf"
    chosen = (
        [free_port(), free_port()]
        if ports == "others"
        else [deployed["http_port"], deployed["https_port"]]
    )
    flags = ["--http-port", str(chosen[0]), "--https-port", str(chosen[1])]

    for extra in ([], ["--dry-run"]):
        result = second_project(deployed, tmp_path, *flags, *extra)

        assert result.returncode == 2, result.stderr[-3000:]
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1, result.stderr
        assert f"is already the URL of the OpsBase project at {deployed['dest']}" in lines[0]
        assert str(link) in lines[0]
        assert not (tmp_path / "b").exists()
    assert https_get(deployed).status == 200


def test_without_the_registry_the_site_itself_is_found_in_nginx(deployed, tmp_path):
    """A project registered elsewhere (another user's registry, a hand-made site): the
    enabled site that serves the name on that port is read from nginx and named."""
    link = deployed["nginx_dir"] / "sites-enabled" / f"{deployed['name']}.conf"
    env = {**deployed["env"], "OPSBASE_REGISTRY": str(tmp_path / "empty-registry")}

    result = second_project(
        deployed, tmp_path, "--http-port", str(free_port()), "--https-port",
        str(deployed["https_port"]), env=env,
    )  # fmt: skip

    assert result.returncode == 2, result.stderr[-3000:]
    assert f"{deployed['host']} is already served on port {deployed['https_port']} by {link}:" in (
        result.stderr
    )
    assert https_get(deployed).status == 200


def test_the_name_of_another_project_is_refused(deployed, tmp_path):
    result = second_project(
        deployed, tmp_path, "--url", "https://other.example.test", name=deployed["name"]
    )

    assert result.returncode == 2, result.stderr[-3000:]
    assert f"the name {deployed['name']!r} is taken by the OpsBase project at" in result.stderr
    assert "--force" not in result.stderr


# -- least privilege on the first project's files ---------------------------------------------


def as_user(user: str, *argv: str, cwd: Path) -> int:
    return subprocess.run(["runuser", "-u", user, "--", *argv], cwd=cwd, check=False).returncode


def test_no_log_database_or_secret_file_is_readable_by_other_users(deployed):
    dest = deployed["dest"]
    private = [
        *(dest / "logs").rglob("*"),
        *(dest / "var").rglob("*"),
        *dest.glob(".env*"),
        dest / "deploy" / "ssl" / "selfsigned.key",
    ]

    readable = [str(p) for p in private if p.is_file() and p.stat().st_mode & 0o007]

    assert readable == []
    assert stat.S_IMODE((dest / "logs").stat().st_mode) == 0o750
    assert stat.S_IMODE((dest / "var").stat().st_mode) == 0o700
    assert stat.S_IMODE((dest / "var" / "db.sqlite3").stat().st_mode) == 0o600


def test_the_logs_gunicorn_and_celery_open_are_private_from_the_first_deploy(deployed):
    """`gunicorn --daemon` resets its umask to 0o022: the files it (and Celery) would make
    were 0644 until a second deploy tightened them."""
    modes = deployed["first_modes"]

    started = ["gunicorn-access.log", "gunicorn-error.log", "celery-worker.log", "celery-beat.log"]
    assert [name for name in started if name not in modes] == []
    assert {name: f"{mode:o}" for name, mode in modes.items() if mode & 0o007} == {}


def test_the_env_files_belong_to_root_and_only_the_apps_group_reads_them(deployed):
    dest, name = deployed["dest"], deployed["name"]
    group = grp.getgrnam(name)

    for env_file in (".env", ".env.prod"):
        info = (dest / env_file).stat()
        assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (0, group.gr_gid, 0o640)
    for env_file in (".env.dev", ".env.test"):
        info = (dest / env_file).stat()
        assert (info.st_uid, stat.S_IMODE(info.st_mode)) == (0, 0o600)
    assert as_user(name, "test", "-r", ".env.prod", cwd=dest) == 0
    assert as_user(name, "test", "-w", ".env.prod", cwd=dest) != 0  # it cannot rewrite it
    assert as_user(name, "test", "-w", ".env", cwd=dest) != 0
    assert as_user("www-data", "test", "-r", ".env.prod", cwd=dest) != 0
    assert "www-data" not in group.gr_mem


def test_the_socket_is_shared_with_nginxs_group_only(deployed):
    info = Path(f"/run/{deployed['name']}/gunicorn.sock").stat()

    assert stat.S_IMODE(info.st_mode) == 0o660
    assert grp.getgrgid(info.st_gid).gr_name == "www-data"


def test_uploads_are_readable_by_nginx_through_its_group(deployed):
    media = deployed["dest"] / "media"
    upload = media / "probe.txt"
    code = "open('media/probe.txt', 'w').write('x'); import os; os.chmod('media/probe.txt', 0o640)"
    assert as_user(deployed["name"], "/usr/bin/python3", "-c", code, cwd=deployed["dest"]) == 0

    assert media.stat().st_mode & stat.S_ISGID
    assert grp.getgrgid(upload.stat().st_gid).gr_name == "www-data"
    assert as_user("www-data", "cat", str(upload), cwd=media) == 0
    upload.unlink()


def test_provisioning_wrote_no_sql_and_no_password_hash_into_the_logs(deployed):
    logs = deployed["dest"] / "logs"
    texts = {p.name: p.read_text(errors="replace") for p in logs.glob("*.log")}

    assert [name for name, text in texts.items() if "pbkdf2_sha256$" in text] == []
    sql = [
        line
        for line in texts.get("db.log", "").splitlines()
        if json.loads(line).get("logger", "").startswith("django.db.backends")
    ]
    assert sql == []


# -- a reload nginx does not take ---------------------------------------------------------------


def test_a_reload_that_does_not_take_is_undone_and_its_cause_named(deployed, monkeypatch):
    """A port taken between preflight and the reload: nginx keeps its old configuration (and
    `nginx -s reload` still exits 0); deploy notices, puts the site back as it was, and says
    why, instead of blaming TLS or gunicorn."""
    import socket

    from opsbase.provision.commands import CommandLog
    from opsbase.provision.deploy import DeployOptions, deploy, make_plan
    from opsbase.provision.errors import StepFailed

    for key in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "VIRTUAL_ENV"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)
    monkeypatch.setenv("OPSBASE_REGISTRY", deployed["env"]["OPSBASE_REGISTRY"])
    dest, name = deployed["dest"], deployed["name"]
    site = dest / "deploy" / "nginx" / f"{name}.conf"
    served, manifest = site.read_text(), (dest / ".opsbase" / "deploy.json").read_text()
    port = free_port()
    options = DeployOptions(
        ssl="self-signed", http_port=deployed["http_port"], https_port=port,
        listen_address="127.0.0.1", nginx_dir=str(deployed["nginx_dir"]), public_check=False,
    )  # fmt: skip
    plan = make_plan(dest, options)

    with socket.socket() as thief:
        thief.bind(("127.0.0.1", port))
        thief.listen()
        with pytest.raises(StepFailed) as caught:
            deploy(plan, log=CommandLog(step="deploy"), say=lambda line: None)

    message = caught.value.message
    assert f"bind() to 127.0.0.1:{port} failed (98: Address already in use)" in message
    assert "previous configuration was restored" in message
    assert "TLS" not in message and "gunicorn" not in message
    assert site.read_text() == served
    assert (
        json.loads((dest / ".opsbase" / "deploy.json").read_text())["https_port"]
        == (json.loads(manifest)["https_port"])
    )
    assert https_get(deployed).status == 200


def test_destroy_asks_first_and_removes_nothing_without_an_answer(deployed):
    link = deployed["nginx_dir"] / "sites-enabled" / f"{deployed['name']}.conf"

    result = opsbase(
        "destroy", "--dest", str(deployed["dest"]), cwd=deployed["top"], env=deployed["env"]
    )

    assert result.returncode == 2
    assert "pass --yes" in result.stderr
    assert f"remove the nginx site {link}" in result.stderr
    assert link.is_symlink()


def test_destroy_removes_the_site_the_process_and_the_user(deployed):
    name, dest = deployed["name"], deployed["dest"]
    pid_file = Path(f"/run/{name}/gunicorn.pid")
    master = _pid(pid_file)
    celery = [_pid(Path(f"/run/{name}/celery/{unit}.pid")) for unit in ("worker", "beat")]

    result = opsbase(
        "destroy", "--dest", str(dest), "--yes", cwd=deployed["top"], env=deployed["env"]
    )

    assert result.returncode == 0, result.stderr[-3000:]
    assert None not in celery
    assert "stop the Celery beat and worker" in result.stderr
    assert [pid for pid in celery if _running(pid)] == []
    assert not (deployed["nginx_dir"] / "sites-enabled" / f"{name}.conf").exists()
    assert not (deployed["nginx_dir"] / "sites-available" / f"{name}.conf").exists()
    assert (deployed["nginx_dir"] / "sites-enabled" / "default").is_symlink()
    assert master is not None and _pid(pid_file) is None
    with pytest.raises(KeyError):
        pwd.getpwnam(name)
    with pytest.raises(KeyError):
        grp.getgrnam(name)
    # The project stays, owned by the same account as its code again.
    assert (dest / "manage.py").exists()
    assert (dest / "logs").stat().st_uid == (dest / "manage.py").stat().st_uid
    assert not (dest / ".opsbase" / "deploy.json").exists()

    def site_gone() -> bool:  # nginx's reload lets old workers finish first
        try:
            https_get(deployed)
        except OSError:
            return True
        return False

    wait_until(site_gone, timeout=15, what="nginx to stop serving the removed site")
