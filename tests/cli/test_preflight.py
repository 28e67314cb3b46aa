"""`opsbase new` on a machine that already has things: what preflight refuses (exit 2, one
line, nothing written anywhere), also with --dry-run.

The machine is the real one: its system users and groups, its PostgreSQL, its /etc/nginx
(a site is put there for a moment), its ports. nginx itself runs from a folder of the test's
own, laid out like Debian's (`--nginx-dir`).
"""

from __future__ import annotations

import grp
import json
import os
import pwd
import secrets
import shutil
import socket
from pathlib import Path

import pytest

from tests.serve.harness import free_port

from .conftest import PG_ADMIN_URL, cli_env, opsbase
from .test_deploy import SYSTEM_PYTHON, fake_nginx_dir

needs_root = pytest.mark.skipif(
    os.geteuid() != 0, reason="the service user is only made (and checked) as root"
)


@pytest.fixture
def nginx_dir(tmp_path: Path) -> Path:
    return fake_nginx_dir(tmp_path / "etc-nginx")


def new(workdir: Path, nginx_dir: Path, *args: str, env: dict | None = None, **flags: str):
    """`opsbase new` with the web-server step (not run: preflight stops first)."""
    name = flags.get("name", f"pf_{secrets.token_hex(3)}")
    url = flags.get("url", f"https://{name.replace('_', '-')}.example.test")
    return opsbase(
        "new", "--dest", str(workdir / "project"), "--name", name, "--url", url,
        "--database", flags.get("database", "sqlite"), "--python", str(SYSTEM_PYTHON),
        "--no-input", "--skip-system-packages", "--ssl", flags.get("ssl", "self-signed"),
        "--http-port", flags.get("http_port", str(free_port())),
        "--https-port", flags.get("https_port", str(free_port())),
        "--listen-address", "127.0.0.1", "--nginx-dir", str(nginx_dir), *args,
        cwd=workdir, env=env or cli_env(workdir),
    )  # fmt: skip


def refused(result, workdir: Path) -> str:
    """The one error line of a run that exited 2 and left *workdir* as it was."""
    assert result.returncode == 2, result.stdout[-2000:] + result.stderr[-2000:]
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("opsbase: error: ")
    assert not (workdir / "project").exists()
    assert not (workdir / "registry").exists() or not any((workdir / "registry").glob("*.json"))
    return lines[0]


# -- names that are taken ---------------------------------------------------------------------


def _existing_accounts() -> list[str]:
    wanted = ("nobody", "backup", "mysql", "postgres")
    return [name for name in wanted if _user_exists(name)]


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


@needs_root
@pytest.mark.parametrize("account", _existing_accounts())
@pytest.mark.parametrize("dry_run", [False, True])
def test_a_name_of_an_existing_system_user_is_refused_without_suggesting_force(
    workdir: Path, nginx_dir: Path, account: str, dry_run: bool
):
    before = pwd.getpwnam(account)

    result = new(workdir, nginx_dir, *(["--dry-run"] if dry_run else []), name=account)

    line = refused(result, workdir)
    assert f"the system user {account!r} already exists" in line
    assert "--force" not in result.stderr
    assert pwd.getpwnam(account) == before


@needs_root
def test_a_name_of_an_existing_group_is_refused(workdir: Path, nginx_dir: Path):
    group = next(
        (g for g in ("staff", "src", "users", "audio") if _group_only(g)),
        None,
    )
    if group is None:
        pytest.skip("no group without a user of the same name on this machine")
    members = grp.getgrnam(group).gr_mem

    line = refused(new(workdir, nginx_dir, name=group), workdir)

    assert f"the group {group!r} already exists" in line
    assert grp.getgrnam(group).gr_mem == members


def _group_only(name: str) -> bool:
    try:
        grp.getgrnam(name)
    except KeyError:
        return False
    return not _user_exists(name)


@needs_root
def test_a_system_account_passed_as_user_is_refused(workdir: Path, nginx_dir: Path):
    line = refused(new(workdir, nginx_dir, "--user", "nobody"), workdir)

    assert "'nobody' is one of the system's own accounts" in line


def test_postgres_as_a_name_is_refused_without_suggesting_force(workdir: Path, nginx_dir: Path):
    result = new(
        workdir, nginx_dir, "--db-admin-url", PG_ADMIN_URL, name="postgres", database="postgres"
    )

    refused(result, workdir)
    assert "'postgres' already exists" in result.stderr
    assert "--force" not in result.stderr


# -- the site and its ports -------------------------------------------------------------------


@pytest.fixture
def foreign_site(request):
    """A site someone else put into the machine's /etc/nginx for a moment: a unique host
    name on a free loopback port (whatever nginx loads it, it harms nothing)."""
    folder, suffix = request.param
    root = Path("/etc/nginx") / folder
    if os.geteuid() != 0 or not root.is_dir():
        pytest.skip(f"needs root and {root}")
    host = f"foreign-{secrets.token_hex(4)}.example.test"
    port = free_port()
    path = root / f"opsbase-test-{secrets.token_hex(4)}{suffix}"
    path.write_text(
        f"server {{\n    listen 127.0.0.1:{port} ssl;\n    server_name www.x.test {host};\n"
        "    return 444;\n}\n"
    )
    yield path, host, port
    path.unlink(missing_ok=True)


@pytest.mark.parametrize(
    "foreign_site", [("sites-enabled", ""), ("conf.d", ".conf")], indirect=True
)
def test_a_host_another_site_of_the_machine_serves_is_refused_naming_its_file(
    workdir: Path, nginx_dir: Path, foreign_site
):
    path, host, port = foreign_site

    for extra in ([], ["--dry-run"]):
        result = new(workdir, nginx_dir, *extra, url=f"https://{host}:{port}")

        line = refused(result, workdir)
        assert f"{host} is already served on port {port} by {path}:1" in line


def test_a_host_a_site_of_the_nginx_folder_serves_on_another_port_clashes_on_the_urls(
    workdir: Path, nginx_dir: Path
):
    """The site listens on 8443 behind a port forward, but its URL is :443, which the other
    site serves under that name: the URL is taken."""
    other = nginx_dir / "sites-available" / "shop"
    other.write_text(
        "server {\n  listen 443 ssl;\n  server_name *.shop.example.test;\n  return 444;\n}\n"
    )
    (nginx_dir / "sites-enabled" / "shop").symlink_to(other)

    line = refused(new(workdir, nginx_dir, url="https://a.shop.example.test"), workdir)

    enabled = nginx_dir / "sites-enabled" / "shop"
    assert f"a.shop.example.test is already served on port 443 by {enabled}:1" in line


def test_a_port_another_program_holds_is_refused(workdir: Path, nginx_dir: Path):
    # The holder is this process, named as `ss` names it: `python` under `python -m pytest`,
    # `pytest` under the console script.
    program = Path(f"/proc/{os.getpid()}/comm").read_text().strip()
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]

        for extra in ([], ["--dry-run"]):
            line = refused(new(workdir, nginx_dir, *extra, https_port=str(port)), workdir)

            assert f"port {port} is already in use by {program}" in line
            assert f"(pid {os.getpid()})" in line


# -- the rest of what the docs promise preflight checks ---------------------------------------


def test_letsencrypt_without_certbot_is_refused_before_anything_is_written(
    workdir: Path, nginx_dir: Path
):
    if shutil.which("certbot"):
        pytest.skip("certbot is installed here")

    for extra in ([], ["--dry-run"]):
        line = refused(new(workdir, nginx_dir, *extra, ssl="letsencrypt"), workdir)

        assert "--ssl letsencrypt needs certbot" in line


@pytest.mark.parametrize(
    ("dest", "expected"),
    [
        ("/proc/opsbase-project", "is under /proc, a kernel file system"),
        ("/sys/opsbase-project", "is under /sys, a kernel file system"),
        ("/etc/hostname/project", "/etc/hostname is a file, not a directory"),
    ],
)
def test_a_destination_nothing_can_be_made_in_is_refused(workdir: Path, dest: str, expected):
    for extra in ([], ["--dry-run"]):
        result = opsbase(
            "new", "--dest", dest, "--name", "shop", "--url", "https://shop.example.com",
            "--database", "sqlite", "--python", "current", "--no-input",
            "--skip-system-packages", "--no-deploy", *extra, cwd=workdir,
        )  # fmt: skip

        assert result.returncode == 2, result.stderr
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and expected in lines[0], result.stderr


def test_json_prints_an_error_object_on_bad_input(workdir: Path):
    result = opsbase(
        "new", "--dest", str(workdir / "p"), "--name", "class", "--url", "https://x.example.com",
        "--database", "sqlite", "--no-input", "--skip-system-packages", "--no-deploy", "--json",
        cwd=workdir,
    )  # fmt: skip

    assert result.returncode == 2
    payload = json.loads(result.stdout)
    assert payload["ok"] is False
    assert payload["error"]["kind"] == "input"
    assert "is a Python keyword" in payload["error"]["message"]
    assert payload["error"]["fix"]


# -- the superuser's password -----------------------------------------------------------------


@pytest.mark.parametrize("password", ["123", "password123", "admin@example.com"])
def test_a_weak_superuser_password_is_refused_before_anything_is_created(
    workdir: Path, password: str
):
    dest = workdir / "project"

    result = opsbase(
        "new", "--dest", str(dest), "--name", "shop", "--url", "https://shop.example.com",
        "--database", "sqlite", "--python", "current", "--no-input", "--skip-system-packages",
        "--no-deploy", cwd=workdir, env=cli_env(workdir, OPSBASE_SUPERUSER_PASSWORD=password),
    )  # fmt: skip

    assert result.returncode == 2, result.stderr
    assert "the superuser password is refused" in result.stderr
    assert password not in result.stderr + result.stdout
    assert list(workdir.iterdir()) == []
