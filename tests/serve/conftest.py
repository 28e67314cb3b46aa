import getpass
import os
import secrets
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from opsbase.serve import (
    NginxSite,
    ServeConfig,
    write_gunicorn_conf,
    write_nginx_site,
    write_nginx_standalone,
)

from .harness import (
    BIN,
    EXAMPLE,
    PUBLIC_HOST,
    Process,
    ensure_nginx,
    fetch,
    free_port,
    manage,
    wait_until,
)

PG_ADMIN = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qAtc"]


def psql(sql: str) -> subprocess.CompletedProcess:
    return subprocess.run([*PG_ADMIN, sql], capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="session")
def pg_database():
    """A factory of fresh PostgreSQL databases named opsbase_srv_*, dropped at the end."""
    if psql("SELECT 1").returncode != 0:
        pytest.skip("PostgreSQL does not answer on 127.0.0.1:5432 as user postgres")
    made, roles = [], []

    def create(*, owner: str | None = None) -> str:
        """With *owner*, the database belongs to that ordinary role (made on first use) and
        the URL connects as it, as a provisioned project does; else as the superuser."""
        name = f"opsbase_srv_{secrets.token_hex(4)}"
        credentials = "postgres"
        if owner:
            if owner not in roles:
                result = psql(f"CREATE ROLE {owner} LOGIN PASSWORD '{owner}-pw'")
                assert result.returncode == 0, result.stderr
                roles.append(owner)
            credentials = f"{owner}:{owner}-pw"
        result = psql(f"CREATE DATABASE {name} OWNER {owner or 'postgres'}")
        assert result.returncode == 0, result.stderr
        made.append(name)
        return f"postgres://{credentials}@127.0.0.1:5432/{name}"

    yield create
    for name in made:
        psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    for role in roles:
        psql(f"DROP ROLE IF EXISTS {role}")


@dataclass
class Site:
    """The example project, migrated with demo data, its static files collected."""

    root: Path
    env: dict[str, str]
    password: str
    static_root: Path
    media_root: Path

    def config(self, name: str, **options) -> ServeConfig:
        return ServeConfig(
            project_dir=EXAMPLE,
            name=name,
            server_name=PUBLIC_HOST,
            user=None,
            workers=1,
            static_root=self.static_root,
            media_root=self.media_root,
            log_dir=self.root / name / "logs",
            deploy_root=self.root / name / "deploy",
            **options,
        )


@pytest.fixture(scope="session")
def site(tmp_path_factory, pg_database) -> Site:
    root = tmp_path_factory.mktemp("site")
    password = "demo-" + secrets.token_urlsafe(9)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "DATABASE_URL": pg_database(),
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "CACHE_KEY_PREFIX": f"opsbase_srv_{secrets.token_hex(4)}",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": f"{PUBLIC_HOST},127.0.0.1",
        # nginx redirects to HTTPS; Django would do it again behind plain-HTTP test ports.
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(root / "static"),
        "MEDIA_ROOT": str(root / "media"),
        "OPSBASE_LOG_DIR": str(root / "logs"),
    }
    (root / "media").mkdir()
    manage("collectstatic", "--noinput", env=env)
    manage("demo", "--password", password, env=env)
    return Site(root, env, password, root / "static", root / "media")


@pytest.fixture
def processes():
    started: list[Process] = []
    yield started
    for proc in reversed(started):
        proc.stop()


@pytest.fixture
def start_gunicorn(site, processes):
    """Start gunicorn with the rendered gunicorn.conf.py; returns (config, process)."""

    def start(name: str, **options):
        if "bind" not in options:
            options["socket_path"] = site.root / name / "gunicorn.sock"
        config = site.config(name, **options)
        conf = write_gunicorn_conf(config, config.deploy_dir / "gunicorn.conf.py")
        proc = Process(
            [str(BIN / "gunicorn"), "--config", str(conf)],
            env=site.env,
            cwd=EXAMPLE,
            log=config.deploy_dir / "gunicorn.out",
        )
        processes.append(proc)
        target = str(config.socket_path) if config.bind is None else int(config.bind.split(":")[1])

        def live() -> bool:
            if not proc.alive():
                errors = (config.log_dir / "gunicorn-error.log").read_text()[-3000:]
                raise AssertionError(f"gunicorn exited:\n{proc.output()}\n{errors}")
            try:
                return fetch(target, "/health/live").status == 200
            except OSError:
                return False

        wait_until(live, what=f"gunicorn {name} to answer")
        return config, proc

    return start


@pytest.fixture
def start_nginx(tmp_path, processes):
    """Run nginx in the foreground from a temporary prefix with the rendered site."""
    binary = ensure_nginx()

    def start(nginx_site: NginxSite):
        conf = write_nginx_site(nginx_site)
        prefix = tmp_path / f"nginx-{nginx_site.http_port}"
        user = getpass.getuser() if os.geteuid() == 0 else None
        main = write_nginx_standalone([conf], prefix, user=user)
        proc = Process(
            [binary, "-p", f"{prefix}/", "-e", str(prefix / "error.log"), "-c", str(main)],
            env=dict(os.environ),
            cwd=prefix,
            log=prefix / "nginx.out",
        )
        processes.append(proc)

        def listening() -> bool:
            assert proc.alive(), f"nginx exited:\n{proc.output()}"
            try:
                fetch(nginx_site.http_port, "/maintenance-probe")
            except OSError:
                return False
            return True

        wait_until(listening, what="nginx to listen")
        return proc

    return start


def nginx_site(config: ServeConfig, **options) -> NginxSite:
    """A site on free loopback ports (no IPv6 listener in the sandbox)."""
    options.setdefault("http_port", free_port())
    options.setdefault("https_port", free_port())
    return NginxSite(config, listen_address="127.0.0.1", ipv6=False, **options)
