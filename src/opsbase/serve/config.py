"""What every serving renderer needs to know about a project, in one value."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")


@dataclass
class ServeConfig:
    """A project as it is served: where it lives, who runs it, how gunicorn listens.

    ``socket_path`` (a unix socket, the default) and ``bind`` (``host:port``) are the two ways
    gunicorn listens; ``bind`` wins when set. Paths default to folders inside the project.
    """

    project_dir: Path
    name: str = "opsbase"
    server_name: str = "localhost"
    settings_module: str = "config.settings.prod"
    wsgi_app: str = "config.wsgi:application"
    celery_app: str = "opsbase.core.celery"
    venv_dir: Path | None = None
    user: str | None = "opsbase"
    group: str | None = None
    socket_path: Path | None = None
    #: The group the unix socket is given to, mode 0660: nginx's workers' (Debian's www-data).
    socket_group: str | None = "www-data"
    bind: str | None = None
    workers: int | None = None
    timeout: int = 30
    graceful_timeout: int = 30
    static_root: Path | None = None
    media_root: Path | None = None
    log_dir: Path | None = None
    env_file: Path | None = None
    deploy_root: Path | None = None
    extra_env: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.project_dir = Path(self.project_dir).resolve()
        if not _NAME.match(self.name):
            raise ValueError(
                f"name {self.name!r} is not usable for files and units: use lower-case "
                "letters, digits, '-' or '_', starting with a letter"
            )
        if self.workers is not None and self.workers < 1:
            raise ValueError(f"workers must be at least 1, not {self.workers}")
        project = self.project_dir
        self.venv_dir = Path(self.venv_dir) if self.venv_dir else project / ".venv"
        self.group = self.group or self.user
        if self.socket_path is None and self.bind is None:
            self.socket_path = Path(f"/run/{self.name}/gunicorn.sock")
        self.static_root = Path(self.static_root) if self.static_root else project / "staticfiles"
        self.media_root = Path(self.media_root) if self.media_root else project / "media"
        self.log_dir = Path(self.log_dir) if self.log_dir else project / "logs"
        self.env_file = Path(self.env_file) if self.env_file else project / ".env"

    @property
    def deploy_dir(self) -> Path:
        """Where rendered configuration lives: the project's ``deploy/`` unless overridden."""
        return Path(self.deploy_root) if self.deploy_root else self.project_dir / "deploy"

    @property
    def bin_dir(self) -> Path:
        return self.venv_dir / "bin"  # type: ignore[operator]

    @property
    def upstream(self) -> str:
        """The address nginx proxies to: ``unix:/path.sock`` or ``host:port``."""
        if self.bind:
            return self.bind
        return f"unix:{self.socket_path}"

    @property
    def gunicorn_bind(self) -> str:
        return self.bind or f"unix:{self.socket_path}"
