"""Docker files for a project: a multi-stage ``Dockerfile`` (non-root, static files collected
at build), ``.dockerignore``, and ``docker-compose.yml`` with web, worker, PostgreSQL, Redis
and nginx, each with a health check, and named volumes for data."""

from __future__ import annotations

import re
from pathlib import Path

from .config import ServeConfig
from .gunicorn import render_gunicorn_conf
from .nginx import NginxSite, render_nginx_site
from .rendering import render_template, write_file

#: Where the compose file mounts ``deploy/docker/nginx`` inside the nginx container.
NGINX_MOUNT = "/etc/nginx/app"


def render_docker(
    config: ServeConfig, *, python_version: str = "3.12", db_name: str | None = None
) -> dict[str, str]:
    """Path inside the project -> text, for every Docker file of *config*'s project."""
    db = db_name or re.sub(r"\W", "_", config.name)
    context = {
        "name": config.name,
        "python_version": python_version,
        "settings_module": config.settings_module,
        "celery_app": config.celery_app,
        "server_name_csv": ",".join(config.server_name.split()),
        "primary_host": config.server_name.split()[0],
        "db_name": db,
        "db_user": db,
        "nginx_mount": NGINX_MOUNT,
        # Loopback inside each container (kept out of the template files on purpose).
        "web_health_url": "http://127.0.0.1:8000/health/live",
        "nginx_health_url": "http://127.0.0.1/health/live",
    }
    # The same renderers as on a host, with the container's paths.
    inside = ServeConfig(
        project_dir=Path("/app"),
        name=config.name,
        server_name=config.server_name,
        settings_module=config.settings_module,
        wsgi_app=config.wsgi_app,
        user=None,  # the image already runs as its unprivileged user
        bind="0.0.0.0:8000",  # noqa: S104 - inside the container's own network
        workers=config.workers,
        log_dir=Path("/app/logs"),
    )
    site = NginxSite(
        ServeConfig(
            project_dir=Path("/app"),
            name=config.name,
            server_name=config.server_name,
            bind="web:8000",
            static_root=Path("/srv/static"),
            media_root=Path("/srv/media"),
            deploy_root=Path(NGINX_MOUNT).parent / "app-deploy",
        ),
        acme_webroot=Path(NGINX_MOUNT) / "acme",
    )
    nginx_text = render_nginx_site(site).replace(str(site.nginx_dir), NGINX_MOUNT)
    return {
        "Dockerfile": render_template("docker/Dockerfile", context),
        ".dockerignore": render_template("docker/dockerignore", context),
        "docker-compose.yml": render_template("docker/docker-compose.yml", context),
        "deploy/docker/gunicorn.conf.py": render_gunicorn_conf(inside),
        "deploy/docker/nginx/site.conf": nginx_text,
        "deploy/docker/nginx/maintenance.html": render_template(
            "nginx/maintenance.html", {"title": config.name}
        ),
    }


def write_docker(config: ServeConfig, dest: Path | None = None, **options) -> list[Path]:
    """Write the Docker files into *dest* (the project by default); returns their paths."""
    root = Path(dest) if dest else config.project_dir
    return [
        write_file(root / name, text) for name, text in render_docker(config, **options).items()
    ]
