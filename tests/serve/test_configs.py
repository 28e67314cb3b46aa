"""Every generated configuration is accepted by the real tool that reads it."""

import configparser
import getpass
import json
import os
import pwd
import socket
import subprocess
import sys
from pathlib import Path

import pytest

import opsbase.serve.nginx as nginx_module
from opsbase.serve import (
    HSTS_LONG_SECONDS,
    NginxSite,
    ServeConfig,
    certbot_command,
    install_nginx_site,
    install_systemd_units,
    nginx_test,
    port_owner,
    render_gunicorn_conf,
    render_nginx_site,
    render_systemd_units,
    self_signed_certificate,
    write_nginx_site,
    write_nginx_standalone,
    write_systemd_units,
)
from opsbase.serve.systemd import verify_units

from .harness import BIN, ensure_nginx


@pytest.fixture
def config(tmp_path):
    return ServeConfig(
        project_dir=tmp_path / "project",
        name="shop",
        server_name="shop.example.test www.shop.example.test",
        venv_dir=BIN.parent,
        user="root" if os.geteuid() == 0 else None,
    )


def nginx_t(tmp_path, conf: Path):
    ensure_nginx()
    prefix = tmp_path / "prefix"
    main = write_nginx_standalone([conf], prefix, user=None)
    return nginx_test(main, prefix=prefix)


@pytest.mark.parametrize("tls", ["none", "self-signed", "paths", "letsencrypt"])
@pytest.mark.parametrize("listen", ["socket", "port"])
def test_nginx_accepts_every_variant_of_the_site(tmp_path, config, monkeypatch, tls, listen):
    if listen == "port":
        config.bind, config.socket_path = "127.0.0.1:8001", None
    options = {}
    if tls != "none":
        # One real certificate, placed where each mode expects it.
        probe = NginxSite(config, tls="self-signed")
        self_signed_certificate(probe)
        if tls == "paths":
            options = {"certificate": probe.certificate, "certificate_key": probe.certificate_key}
        if tls == "letsencrypt":
            live = tmp_path / "letsencrypt"
            monkeypatch.setattr(nginx_module, "LETSENCRYPT_LIVE", live)
            (live / "shop.example.test").mkdir(parents=True)
            (live / "shop.example.test" / "fullchain.pem").write_bytes(
                probe.certificate.read_bytes()
            )
            (live / "shop.example.test" / "privkey.pem").write_bytes(
                probe.certificate_key.read_bytes()
            )
    site = NginxSite(config, tls=tls, **options)

    result = nginx_t(tmp_path, write_nginx_site(site))

    assert result.ok, result.explain()


def test_nginx_test_catches_a_broken_site(tmp_path, config):
    conf = write_nginx_site(NginxSite(config))
    conf.write_text(conf.read_text().replace("proxy_pass", "proxy_passs"))

    result = nginx_t(tmp_path, conf)

    assert not result.ok
    assert "proxy_passs" in result.explain()


def test_https_site_redirects_plain_http_and_sends_hsts(config):
    text = render_nginx_site(NginxSite(config, tls="self-signed"))
    raised = render_nginx_site(NginxSite(config, tls="self-signed", hsts_seconds=HSTS_LONG_SECONDS))

    assert "return 301 https://$host$request_uri;" in text
    assert "ssl_protocols TLSv1.2 TLSv1.3;" in text
    assert 'Strict-Transport-Security "max-age=300"' in text
    assert f'Strict-Transport-Security "max-age={HSTS_LONG_SECONDS}"' in raised
    assert "log_format" not in text


@pytest.mark.parametrize("tls", ["none", "self-signed"])
def test_the_client_address_nginx_forwards_is_its_own_never_the_clients(config, tls):
    text = render_nginx_site(NginxSite(config, tls=tls))

    # Replaced, not appended to: with one trusted hop the app reads exactly this address.
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in text
    assert "$proxy_add_x_forwarded_for" not in text


def test_plain_http_site_sends_no_hsts(config):
    text = render_nginx_site(NginxSite(config))

    assert "Strict-Transport-Security" not in text.replace("proxy_hide_header Strict", "")
    assert "return 301" not in text


def test_letsencrypt_mode_uses_certbots_paths_and_names_the_command(config):
    site = NginxSite(config, tls="letsencrypt")

    command = certbot_command(site, email="ops@example.test")

    assert site.certificate == Path("/etc/letsencrypt/live/shop.example.test/fullchain.pem")
    assert command[:4] == ["certbot", "certonly", "--webroot", "-w"]
    assert command[4] == str(site.acme_webroot)
    assert command[5:9] == ["-d", "shop.example.test", "-d", "www.shop.example.test"]
    assert "ops@example.test" in command


def test_bad_site_options_are_named(config):
    with pytest.raises(ValueError, match="tls 'ftp'"):
        NginxSite(config, tls="ftp")
    with pytest.raises(ValueError, match="needs both"):
        NginxSite(config, tls="paths")
    with pytest.raises(ValueError, match="client_max_body_size"):
        NginxSite(config, client_max_body_size="lots")
    with pytest.raises(ValueError, match="not usable"):
        ServeConfig(project_dir=config.project_dir, name="My Shop")


# --- installing into an nginx folder ------------------------------------------------------


def fake_etc_nginx(tmp_path, layout: str) -> tuple[Path, Path, Path]:
    """An nginx folder laid out like Debian's (or conf.d), with its own main config."""
    root = tmp_path / "etc-nginx"
    prefix = tmp_path / "run"
    if layout == "sites":
        (root / "sites-available").mkdir(parents=True)
        (root / "sites-enabled").mkdir()
        default = root / "sites-available" / "default"
        default.write_text("server { listen 127.0.0.1:9; return 444; }\n")
        (root / "sites-enabled" / "default").symlink_to(default)
        include = root / "sites-enabled" / "*"
    else:
        (root / "conf.d").mkdir(parents=True)
        (root / "conf.d" / "default.conf").write_text("server { listen 127.0.0.1:9; }\n")
        include = root / "conf.d" / "*.conf"
    # Workers run as this user, so they can read the test's private temporary folders.
    main = write_nginx_standalone([include], prefix, user=getpass.getuser())
    return root, main, prefix


@pytest.mark.parametrize("layout", ["sites", "conf.d"])
def test_install_links_the_site_and_disables_the_default(tmp_path, config, layout):
    ensure_nginx()
    root, main, prefix = fake_etc_nginx(tmp_path, layout)
    conf = write_nginx_site(NginxSite(config))

    report = install_nginx_site(
        conf, name="shop", nginx_dir=root, nginx_conf=main, prefix=prefix, reload=False
    )

    assert report.ok, str(report)
    if layout == "sites":
        assert (root / "sites-enabled" / "shop.conf").resolve() == conf.resolve()
        assert not (root / "sites-enabled" / "default").exists()
        assert (root / "sites-available" / "default").exists()  # kept, only disabled
    else:
        assert (root / "conf.d" / "shop.conf").resolve() == conf.resolve()
        assert (root / "conf.d" / "default.conf.disabled").exists()
    assert "nginx -t" in str(report)


def test_a_site_nginx_rejects_is_not_left_installed(tmp_path, config):
    ensure_nginx()
    root, main, prefix = fake_etc_nginx(tmp_path, "sites")
    conf = write_nginx_site(NginxSite(config))
    conf.write_text(conf.read_text().replace("server_name", "server_nam"))

    report = install_nginx_site(
        conf, name="shop", nginx_dir=root, nginx_conf=main, prefix=prefix, reload=False
    )

    assert not report.ok
    assert "nothing was changed" in str(report)
    assert not (root / "sites-enabled" / "shop.conf").exists()
    assert (root / "sites-enabled" / "default").is_symlink()  # the default is back


def test_a_port_already_in_use_is_reported_by_owner(tmp_path, config):
    ensure_nginx()
    root, main, prefix = fake_etc_nginx(tmp_path, "sites")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        conf = write_nginx_site(NginxSite(config, listen_address="127.0.0.1", http_port=port))

        owner = port_owner(port)
        report = install_nginx_site(
            conf, name="shop", nginx_dir=root, nginx_conf=main, prefix=prefix, ports=(port,)
        )

    # The owner is this process, named as the system names it: python, or pytest when the
    # suite was started as .venv/bin/pytest.
    assert owner is not None and f"(pid {os.getpid()})" in owner
    assert not report.ok
    assert f"port {port} is already in use by {owner}" in str(report)


def test_install_without_nginx_dir_says_which_folder_is_missing(tmp_path, config):
    ensure_nginx()
    conf = write_nginx_site(NginxSite(config))

    report = install_nginx_site(conf, name="shop", nginx_dir=tmp_path / "nope", reload=False)

    assert not report.ok and "--nginx-dir" in str(report)


# --- gunicorn -------------------------------------------------------------------------------


GUNICORN_PROBE = (
    "import json, sys\n"
    "from gunicorn.config import Config\n"
    "from gunicorn.app.base import Application\n"
    "class A(Application):\n"
    "    def init(self, *a): pass\n"
    "    def load(self): pass\n"
    "a = A(); a.cfg = Config(); a.load_config_from_file(sys.argv[1])\n"
    "c = a.cfg\n"
    "print(json.dumps({k: str(c.settings[k].value) for k in sys.argv[2:]}))\n"
)


def gunicorn_reads(conf: Path, *names: str, **env: str) -> dict[str, str]:
    """The values gunicorn itself takes from *conf* (in a process with *env* added)."""
    result = subprocess.run(
        [sys.executable, "-c", GUNICORN_PROBE, str(conf), *names],
        capture_output=True, text=True, check=True, env={**os.environ, **env},
    )  # fmt: skip
    return json.loads(result.stdout)


def test_gunicorn_reads_the_rendered_configuration(tmp_path, config):
    config.workers = None
    conf = tmp_path / "gunicorn.conf.py"
    conf.write_text(render_gunicorn_conf(config))

    read = gunicorn_reads(
        conf, "workers", "bind", "timeout", "graceful_timeout", "accesslog", "errorlog",
        "wsgi_app", "umask", GUNICORN_WORKERS="",
    )  # fmt: skip

    assert int(read["workers"]) == (os.cpu_count() or 1) * 2 + 1
    assert read["bind"] == "['unix:/run/shop/gunicorn.sock']"
    assert (read["timeout"], read["graceful_timeout"]) == ("30", "30")
    assert read["accesslog"] == str(config.log_dir / "gunicorn-access.log")
    assert read["errorlog"] == str(config.log_dir / "gunicorn-error.log")
    assert read["wsgi_app"] == "config.wsgi:application"
    assert read["umask"] == str(0o007)


@pytest.mark.skipif(os.geteuid() != 0, reason="the user is dropped only when started as root")
def test_gunicorn_started_as_root_drops_to_the_service_user(tmp_path):
    config = ServeConfig(project_dir=tmp_path, name="shop", user="daemon", workers=3)
    conf = tmp_path / "gunicorn.conf.py"
    conf.write_text(render_gunicorn_conf(config))
    daemon = pwd.getpwnam("daemon").pw_uid

    read = gunicorn_reads(conf, "user", "workers")
    overridden = gunicorn_reads(conf, "user", "workers", "bind", GUNICORN_WORKERS="2",
                                GUNICORN_BIND="127.0.0.1:8001", GUNICORN_USER="root")  # fmt: skip

    assert read == {"user": str(daemon), "workers": "3"}
    assert overridden == {"user": "0", "workers": "2", "bind": "['127.0.0.1:8001']"}


# --- systemd --------------------------------------------------------------------------------


def test_systemd_units_are_valid(tmp_path, config):
    units = render_systemd_units(config, socket_group="root")
    paths = write_systemd_units(units, tmp_path / "units")

    result = verify_units(paths)

    assert sorted(units) == [
        "shop-celery.service", "shop-celerybeat.service", "shop.service", "shop.socket"
    ]  # fmt: skip
    if result is not None:
        assert result.ok, result.explain()
        assert "Unknown" not in result.stderr, result.stderr
    service = configparser.ConfigParser(interpolation=None, strict=False)
    service.read_string(units["shop.service"])
    assert service["Service"]["User"] == config.user
    assert service["Service"]["ExecReload"] == "/bin/kill -s HUP $MAINPID"
    assert service["Unit"]["Requires"] == "shop.socket"
    assert "gunicorn.conf.py" in service["Service"]["ExecStart"]
    socket_unit = configparser.ConfigParser(interpolation=None)
    socket_unit.read_string(units["shop.socket"])
    assert socket_unit["Socket"]["ListenStream"] == "/run/shop/gunicorn.sock"


def test_systemd_verify_catches_a_missing_program(tmp_path, config):
    config.venv_dir = tmp_path / "no-venv"
    paths = write_systemd_units(render_systemd_units(config), tmp_path / "units")

    result = verify_units(paths)

    if result is None:
        pytest.skip("systemd-analyze is not installed")
    assert not result.ok and "no-venv/bin/gunicorn" in result.tail()


def test_units_refuse_to_run_as_nobody_in_particular(tmp_path):
    with pytest.raises(ValueError, match="never root"):
        render_systemd_units(ServeConfig(project_dir=tmp_path, user=None))


def test_without_systemd_the_installer_says_what_to_run_instead(config):
    report = install_systemd_units(config, render_systemd_units(config), force_systemd=False)

    text = str(report)
    assert report.ok and not report.installed
    assert "systemd is not running" in text
    assert f"{config.bin_dir}/gunicorn --config {config.project_dir}/gunicorn.conf.py" in text
    assert (config.deploy_dir / "systemd" / "shop.service").is_file()


def test_installer_copies_units_into_the_unit_folder(tmp_path, config):
    target = tmp_path / "etc-systemd"

    report = install_systemd_units(
        config, render_systemd_units(config, beat=False), unit_dir=target, activate=False
    )

    assert report.installed
    assert sorted(p.name for p in target.iterdir()) == [
        "shop-celery.service", "shop.service", "shop.socket"
    ]  # fmt: skip


def test_install_reloads_a_running_nginx_which_then_serves_the_site(tmp_path, config):
    from .harness import Process, fetch, free_port, wait_until

    binary = ensure_nginx()
    root, main, prefix = fake_etc_nginx(tmp_path, "sites")
    nginx = Process(
        [binary, "-p", f"{prefix}/", "-e", str(prefix / "error.log"), "-c", str(main)],
        env=dict(os.environ), cwd=prefix, log=tmp_path / "nginx.out",
    )  # fmt: skip
    try:
        wait_until(lambda: (prefix / "nginx.pid").exists(), what="nginx to start")
        port = free_port()
        config.bind, config.socket_path = f"127.0.0.1:{free_port()}", None  # nobody there
        conf = write_nginx_site(NginxSite(config, listen_address="127.0.0.1", http_port=port))

        report = install_nginx_site(
            conf, name="shop", nginx_dir=root, nginx_conf=main, prefix=prefix, ports=(port,)
        )

        assert report.ok, str(report)
        assert "reloaded nginx" in str(report)

        def serves() -> bool:
            try:
                return fetch(port, "/", host="shop.example.test").status == 502
            except OSError:
                return False

        wait_until(serves, timeout=10, what="the new site to answer")
        assert "being updated" in fetch(port, "/", host="shop.example.test").body
    finally:
        nginx.stop()


# --- what was served before is put back ----------------------------------------------------


@pytest.fixture
def running_nginx(tmp_path):
    """nginx running from a Debian-like folder of the test's own; yields (root, main, prefix)."""
    from .harness import Process, wait_until

    binary = ensure_nginx()
    root, main, prefix = fake_etc_nginx(tmp_path, "sites")
    nginx = Process(
        [binary, "-p", f"{prefix}/", "-e", str(prefix / "error.log"), "-c", str(main)],
        env=dict(os.environ), cwd=prefix, log=tmp_path / "nginx.out",
    )  # fmt: skip
    wait_until(lambda: (prefix / "nginx.pid").exists(), what="nginx to start")
    yield root, main, prefix
    nginx.stop()


def plain_site(tmp_path, name: str, host: str, port: int, body: str) -> Path:
    path = tmp_path / f"{name}-project" / f"{name}.conf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"server {{\n    listen 127.0.0.1:{port};\n    server_name {host};\n"
        f'    return 200 "{body}";\n}}\n'
    )
    return path


def answers(port: int, host: str) -> str | None:
    from .harness import fetch

    try:
        return fetch(port, "/", host=host).body
    except OSError:
        return None


def test_a_site_whose_name_another_site_serves_is_taken_out_again(tmp_path, running_nginx):
    from .harness import free_port, wait_until

    root, main, prefix = running_nginx
    port = free_port()
    first = plain_site(tmp_path, "first", "a.example.test", port, "first")
    install = {"nginx_dir": root, "nginx_conf": main, "prefix": prefix, "ports": (port,)}
    assert install_nginx_site(first, name="first", **install).ok
    wait_until(lambda: answers(port, "a.example.test") == "first", what="the first site")

    second = plain_site(tmp_path, "second", "a.example.test", port, "second")
    report = install_nginx_site(second, name="second", **install)

    assert not report.ok
    assert f"another nginx site already serves a.example.test on 127.0.0.1:{port}" in str(report)
    assert "previous configuration was restored" in str(report)
    assert not (root / "sites-enabled" / "second.conf").exists()
    assert answers(port, "a.example.test") == "first"


def test_a_reload_that_does_not_take_is_undone_and_its_cause_named(tmp_path, running_nginx):
    """`nginx -s reload` exits 0 when the master then cannot bind a port: the old
    configuration stays in force, and so must the files."""
    from .harness import free_port, wait_until

    root, main, prefix = running_nginx
    port = free_port()
    site = plain_site(tmp_path, "shop", "shop.example.test", port, "old")
    install = {"nginx_dir": root, "nginx_conf": main, "prefix": prefix}
    assert install_nginx_site(site, name="shop", ports=(port,), **install).ok
    wait_until(lambda: answers(port, "shop.example.test") == "old", what="the site")
    served = site.read_text()

    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        taken = holder.getsockname()[1]
        site.write_text(served.replace(f":{port};", f":{taken};").replace('"old"', '"new"'))
        report = install_nginx_site(
            site, name="shop", ports=(taken,), previous_text=served, **install
        )

    assert not report.ok
    problem = report.problems[-1]
    assert "nginx did not take the new configuration" in problem
    assert f"bind() to 127.0.0.1:{taken} failed (98: Address already in use)" in problem
    assert "previous configuration was restored" in problem
    assert site.read_text() == served
    assert (root / "sites-enabled" / "shop.conf").resolve() == site.resolve()
    assert answers(port, "shop.example.test") == "old"


def test_rollback_takes_an_installed_site_out_of_a_running_nginx(tmp_path, running_nginx):
    from .harness import free_port, wait_until

    root, main, prefix = running_nginx
    port = free_port()
    site = plain_site(tmp_path, "shop", "shop.example.test", port, "new")
    report = install_nginx_site(
        site, name="shop", nginx_dir=root, nginx_conf=main, prefix=prefix, ports=(port,)
    )
    assert report.ok and report.rollback is not None
    wait_until(lambda: answers(port, "shop.example.test") == "new", what="the site")

    back = report.rollback()

    assert back.ok, str(back)
    assert not (root / "sites-enabled" / "shop.conf").exists()
    assert (root / "sites-enabled" / "default").is_symlink()
    wait_until(lambda: answers(port, "shop.example.test") is None, what="the site to go")


def test_every_server_block_hides_the_nginx_version(config):
    text = render_nginx_site(NginxSite(config, tls="self-signed"))

    assert text.count("server {") == 2
    assert text.count("server_tokens off;") == 2


def test_gunicorn_hands_its_socket_to_nginxs_group_when_started_as_root(tmp_path, processes):
    """Without systemd the master (root) binds the socket: 0660 in nginx's group, not the
    0777 that `--umask 0` gave, nor the workers' group."""
    import grp

    from .harness import Process, wait_until

    if os.geteuid() != 0:
        pytest.skip("only root gives a file to another group")
    group = next((g for g in ("www-data", "nogroup") if _group_exists(g)), None)
    if group is None:
        pytest.skip("no www-data or nogroup group on this machine")
    sock = tmp_path / "run" / "gunicorn.sock"
    config = ServeConfig(
        project_dir=Path.cwd(), name="shop", user=None, workers=1, socket_path=sock,
        socket_group=group, log_dir=tmp_path / "logs", wsgi_app="tests.serve.test_configs:tiny_app",
    )  # fmt: skip
    conf = tmp_path / "gunicorn.conf.py"
    conf.write_text(render_gunicorn_conf(config))
    gunicorn = Process(
        [str(BIN / "gunicorn"), "--config", str(conf)],
        env=dict(os.environ), cwd=Path.cwd(), log=tmp_path / "gunicorn.out",
    )  # fmt: skip
    processes.append(gunicorn)

    def handed_over() -> bool:
        assert gunicorn.alive(), gunicorn.output()
        return sock.exists() and grp.getgrgid(sock.stat().st_gid).gr_name == group

    wait_until(handed_over, what="the socket to be handed to nginx's group")
    assert sock.stat().st_mode & 0o777 == 0o660


def _group_exists(name: str) -> bool:
    import grp

    try:
        grp.getgrnam(name)
    except KeyError:
        return False
    return True


def tiny_app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]
