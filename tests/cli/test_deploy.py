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
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from opsbase.serve import write_nginx_standalone
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
    env = cli_env(top)
    new = opsbase(
        "new", "--dest", str(dest), "--name", name,
        "--url", f"https://{name.replace('_', '-')}.example.test:{https_port}",
        "--database", "sqlite", "--python", str(SYSTEM_PYTHON), "--no-input",
        "--skip-system-packages", "--ssl", "self-signed", "--http-port", str(http_port),
        "--listen-address", "127.0.0.1", "--nginx-dir", str(nginx_dir), "--json",
        cwd=top, env=env,
    )  # fmt: skip
    info = {
        "dest": dest,
        "name": name,
        "host": f"{name.replace('_', '-')}.example.test",
        "top": top,
        "env": env,
        "nginx_dir": nginx_dir,
        "http_port": http_port,
        "https_port": https_port,
        "new": new,
    }
    yield info
    # Whatever a failed test left: gunicorn, nginx, the user and its group, the files.
    for pid_file, sig in (
        (Path(f"/run/{name}/gunicorn.pid"), signal.SIGTERM),
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


def test_doctor_checks_the_url_through_nginx_and_publicly(deployed):
    result = opsbase(
        "doctor", "--dest", str(deployed["dest"]), "--json", cwd=deployed["top"],
        env=deployed["env"],
    )  # fmt: skip

    checks = {c["name"]: c for c in json.loads(result.stdout)["checks"]}
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

    result = opsbase(
        "destroy", "--dest", str(dest), "--yes", cwd=deployed["top"], env=deployed["env"]
    )

    assert result.returncode == 0, result.stderr[-3000:]
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
