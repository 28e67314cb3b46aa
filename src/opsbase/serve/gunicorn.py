"""``gunicorn.conf.py`` for a project: workers from the CPU count, socket or port, logs."""

from __future__ import annotations

from pathlib import Path

from .config import ServeConfig
from .rendering import render_template, write_file


def render_gunicorn_conf(config: ServeConfig) -> str:
    """The text of ``gunicorn.conf.py`` for *config* (valid Python, read by gunicorn)."""
    env = [f"DJANGO_SETTINGS_MODULE={config.settings_module}"]
    env += [f"{key}={value}" for key, value in sorted(config.extra_env.items())]
    return render_template(
        "gunicorn/gunicorn.conf.py.tmpl",
        {
            "name": config.name,
            "name_py": repr(config.name),
            "wsgi_app": repr(config.wsgi_app),
            "project_dir": repr(str(config.project_dir)),
            "env": repr(env),
            "bind": repr(config.gunicorn_bind),
            "socket": config.bind is None,
            "workers": repr(str(config.workers or "")),
            "timeout": config.timeout,
            "graceful_timeout": config.graceful_timeout,
            "log_dir": repr(str(config.log_dir)),
            "user": repr(config.user) if config.user else None,
            "group": repr(config.group) if config.group else None,
            "socket_group": repr(config.socket_group) if config.socket_group else None,
        },
    )


def write_gunicorn_conf(config: ServeConfig, dest: Path | None = None) -> Path:
    """Write ``gunicorn.conf.py`` (into the project unless *dest* is given); returns its path."""
    path = Path(dest) if dest else config.project_dir / "gunicorn.conf.py"
    return write_file(path, render_gunicorn_conf(config))
