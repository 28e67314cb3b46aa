"""gunicorn's settings for a project: workers from the CPU count, socket or port, logs, the
user it drops to, each overridable by a ``GUNICORN_*`` variable.

A project's ``gunicorn.conf.py`` (from the project template) is two lines that call
:func:`gunicorn_settings`, so the rules live here and an upgrade of OpsBase brings them;
:func:`render_gunicorn_conf` writes the same two lines with explicit values for any
``ServeConfig`` (the Docker image, the tests).
"""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path
from typing import Any

from .config import ServeConfig
from .rendering import render_template, write_file


def gunicorn_settings(
    project_dir: Path | str,
    *,
    name: str,
    bind: str | None = None,
    workers: int | None = None,
    timeout: int = 30,
    graceful_timeout: int = 30,
    log_dir: Path | str | None = None,
    user: str | None = None,
    group: str | None = None,
    wsgi_app: str = "config.wsgi:application",
    env: list[str] | None = None,
    socket_group: str | None = None,
) -> dict[str, Any]:
    """The settings of a gunicorn config file, read as gunicorn starts.

    ``GUNICORN_BIND``, ``GUNICORN_WORKERS``, ``GUNICORN_THREADS``, ``GUNICORN_LOG_DIR``,
    ``GUNICORN_ACCESS_LOG``/``GUNICORN_ERROR_LOG`` (``-``: standard output),
    ``GUNICORN_LOG_LEVEL``, ``GUNICORN_USER``/``GUNICORN_GROUP``, ``GUNICORN_SOCKET_GROUP`` and
    ``GUNICORN_FORWARDED_ALLOW_IPS`` override the arguments. Started as root without
    systemd, a unix socket is handed to *socket_group* (nginx's), mode 0660.
    """
    project = Path(project_dir).resolve()
    environ = os.environ
    address = environ.get("GUNICORN_BIND") or bind or f"unix:/run/{name}/gunicorn.sock"
    if address.startswith("unix:"):
        # Started by hand, the socket's folder may not exist yet (systemd makes it).
        os.makedirs(os.path.dirname(address[5:]), mode=0o755, exist_ok=True)
    logs = Path(environ.get("GUNICORN_LOG_DIR") or log_dir or project / "logs")
    logs.mkdir(parents=True, exist_ok=True)
    count = environ.get("GUNICORN_WORKERS") or (str(workers) if workers else "")
    root = os.geteuid() == 0
    # Never serve as root: started as root (a container, by hand), workers drop to this user.
    run_as = (environ.get("GUNICORN_USER") or user) if root else None
    run_group = (environ.get("GUNICORN_GROUP") or group or run_as) if root else None
    settings: dict[str, Any] = {
        "wsgi_app": wsgi_app,
        "chdir": str(project),
        "bind": [address],
        # 2 x CPU + 1 sync workers is gunicorn's own rule of thumb.
        "workers": int(count) if count else multiprocessing.cpu_count() * 2 + 1,
        "threads": int(environ.get("GUNICORN_THREADS") or 1),
        "worker_tmp_dir": "/dev/shm" if os.path.isdir("/dev/shm") else None,  # noqa: S108
        "timeout": timeout,
        "graceful_timeout": graceful_timeout,
        "keepalive": 5,
        # Recycle workers now and then so a slow leak never grows without bound.
        "max_requests": 1000,
        "max_requests_jitter": 100,
        "accesslog": environ.get("GUNICORN_ACCESS_LOG") or str(logs / "gunicorn-access.log"),
        "errorlog": environ.get("GUNICORN_ERROR_LOG") or str(logs / "gunicorn-error.log"),
        "loglevel": environ.get("GUNICORN_LOG_LEVEL") or "info",
        "capture_output": True,
        "proc_name": name,
        "user": run_as,
        "group": run_group,
        # Trust X-Forwarded-* only from the local nginx.
        "forwarded_allow_ips": environ.get("GUNICORN_FORWARDED_ALLOW_IPS") or "127.0.0.1,::1",
    }
    if env:
        settings["raw_env"] = list(env)
    if address.startswith("unix:"):
        # Under systemd the socket unit holds the socket and hands it over (no bind race).
        settings["umask"] = 0o007
        group_of_socket = environ.get("GUNICORN_SOCKET_GROUP") or socket_group
        if group_of_socket and root:
            settings["when_ready"] = _socket_to_group(address[5:], group_of_socket)
    return settings


def _socket_to_group(path: str, group: str) -> Any:
    """gunicorn's ``when_ready`` hook: the master made the socket in the workers' group; hand
    it to nginx's group instead, 0660, so nginx connects and nobody else does."""

    def when_ready(server: Any) -> None:
        import grp

        try:
            gid = grp.getgrnam(group).gr_gid
        except KeyError:
            return
        os.chown(path, -1, gid)
        os.chmod(path, 0o660)

    return when_ready


def render_gunicorn_conf(config: ServeConfig) -> str:
    """The text of ``gunicorn.conf.py`` for *config* (valid Python, read by gunicorn)."""
    env = [f"DJANGO_SETTINGS_MODULE={config.settings_module}"]
    env += [f"{key}={value}" for key, value in sorted(config.extra_env.items())]
    return render_template(
        "gunicorn/gunicorn.conf.py.tmpl",
        {
            "name": config.name,
            "arguments": {
                "project_dir": repr(str(config.project_dir)),
                "name": repr(config.name),
                "bind": repr(config.gunicorn_bind),
                "workers": repr(config.workers),
                "timeout": repr(config.timeout),
                "graceful_timeout": repr(config.graceful_timeout),
                "log_dir": repr(str(config.log_dir)),
                "user": repr(config.user),
                "group": repr(config.group),
                "wsgi_app": repr(config.wsgi_app),
                "env": repr(env),
                "socket_group": repr(config.socket_group),
            },
        },
    )


def write_gunicorn_conf(config: ServeConfig, dest: Path | None = None) -> Path:
    """Write ``gunicorn.conf.py`` (into the project unless *dest* is given); returns its path."""
    path = Path(dest) if dest else config.project_dir / "gunicorn.conf.py"
    return write_file(path, render_gunicorn_conf(config))
