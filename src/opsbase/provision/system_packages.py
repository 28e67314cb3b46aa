"""gunicorn, nginx, Redis and Pango installed system-wide, through the machine's package
manager.

Redis is the production cache and Celery's broker: it counts as present when a server already
answers at 127.0.0.1:6379 (whatever installed it), else its package is installed like nginx.
Pango is the text layout library WeasyPrint renders PDFs with (billing's invoices): a shared
library, present when the dynamic loader finds ``libpango-1.0`` and ``libpangoft2-1.0``; on
Debian and Ubuntu it is two packages, ``libpango-1.0-0`` and ``libpangoft2-1.0-0``.
"""

from __future__ import annotations

import ctypes.util
import os
import shutil
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from .commands import CommandLog, run

REQUIRED = ("nginx", "gunicorn", "redis-server", "pango")
# Package names of each tool, per package manager (a tool may take several packages).
PACKAGE_NAMES: dict[str, dict[str, str | tuple[str, ...]]] = {
    "apt-get": {
        "nginx": "nginx",
        "gunicorn": "gunicorn",
        "redis-server": "redis-server",
        "pango": ("libpango-1.0-0", "libpangoft2-1.0-0"),
    },
    "dnf": {
        "nginx": "nginx",
        "gunicorn": "python3-gunicorn",
        "redis-server": "redis",
        "pango": "pango",
    },
    "yum": {
        "nginx": "nginx",
        "gunicorn": "python3-gunicorn",
        "redis-server": "redis",
        "pango": "pango",
    },
    "apk": {
        "nginx": "nginx",
        "gunicorn": "py3-gunicorn",
        "redis-server": "redis",
        "pango": "pango",
    },
    "pacman": {"nginx": "nginx", "gunicorn": "gunicorn", "redis-server": "redis", "pango": "pango"},
    "brew": {"nginx": "nginx", "gunicorn": "gunicorn", "redis-server": "redis", "pango": "pango"},
}
# The shared libraries a library "tool" stands for (found by the dynamic loader, not on PATH).
LIBRARIES = {"pango": ("pango-1.0", "pangoft2-1.0")}
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
REDIS_URL = f"redis://{REDIS_HOST}:{REDIS_PORT}"
MANAGERS = tuple(PACKAGE_NAMES)
SYSTEM_DIRS = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")


@dataclass
class Plan:
    manager: str | None
    missing: list[str]
    commands: list[list[str]]

    def describe(self) -> str:
        if not self.missing:
            return "gunicorn, nginx, Redis and Pango are installed"
        if not self.manager:
            return "missing " + ", ".join(self.missing) + "; no known package manager found"
        return (
            "install "
            + ", ".join(self.missing)
            + ": "
            + " && ".join(" ".join(c) for c in self.commands)
        )


def installed(tool: str) -> bool:
    """Whether *tool* is installed system-wide (a virtualenv's copy does not count)."""
    extra = ["/opt/homebrew/bin", "/opt/homebrew/sbin"] if sys.platform == "darwin" else []
    path = os.pathsep.join([*SYSTEM_DIRS, *extra])
    found = shutil.which(tool, path=path)
    return found is not None and ".venv" not in Path(found).parts


def redis_answers(host: str = REDIS_HOST, port: int = REDIS_PORT, timeout: float = 2.0) -> bool:
    """Whether a Redis server that needs no password answers PING at *host*:*port*."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def library_present(names: tuple[str, ...]) -> bool:
    """Whether the dynamic loader finds every shared library of *names* (``pango-1.0``)."""
    return all(ctypes.util.find_library(name) for name in names)


def present(tool: str) -> bool:
    """Installed system-wide; for Redis, also a server already answering here; for a
    library, found by the dynamic loader."""
    if tool in LIBRARIES:
        return library_present(LIBRARIES[tool])
    if tool == "redis-server" and redis_answers():
        return True
    return installed(tool)


def package_names(manager: str, tools: list[str]) -> list[str]:
    """The packages that install *tools* with *manager*, in order, each once."""
    names: list[str] = []
    for tool in tools:
        packages = PACKAGE_NAMES[manager][tool]
        for name in (packages,) if isinstance(packages, str) else packages:
            if name not in names:
                names.append(name)
    return names


def detect_manager() -> str | None:
    for manager in MANAGERS:
        if shutil.which(manager):
            return manager
    return None


def plan(*, missing: list[str] | None = None, manager: str | None = None) -> Plan:
    """What to install; *missing* and *manager* are detected on this machine when not given."""
    missing = [tool for tool in REQUIRED if not present(tool)] if missing is None else missing
    manager = manager or detect_manager()
    if not missing or manager is None:
        return Plan(manager, missing, [])
    names = package_names(manager, missing)
    sudo = [] if manager == "brew" or os.geteuid() == 0 else ["sudo"]
    commands = {
        "apt-get": [[*sudo, "apt-get", "install", "-y", "-q", *names]],
        "dnf": [[*sudo, "dnf", "install", "-y", *names]],
        "yum": [[*sudo, "yum", "install", "-y", *names]],
        "apk": [[*sudo, "apk", "add", *names]],
        "pacman": [[*sudo, "pacman", "-S", "--noconfirm", "--needed", *names]],
        "brew": [["brew", "install", *names]],
    }[manager]
    return Plan(manager, missing, commands)


def install(current: Plan, *, log: CommandLog) -> None:
    env = {"DEBIAN_FRONTEND": "noninteractive"}
    if current.manager == "apt-get":
        sudo = current.commands[0][:1] if current.commands[0][0] == "sudo" else []
        run([*sudo, "apt-get", "update", "-q"], log=log, env=env, timeout=900)
    for command in current.commands:
        run(
            command,
            log=log,
            env=env,
            timeout=1800,
            fix="install " + " ".join(current.missing) + " by hand, or pass --skip-system-packages",
        )


def start_redis(*, log: CommandLog) -> bool:
    """After installing Redis: make sure it answers (the package starts it where systemd runs;
    elsewhere nothing does). True when it answers at 127.0.0.1:6379."""
    if redis_answers():
        return True
    systemctl = shutil.which("systemctl")
    if systemctl and Path("/run/systemd/system").is_dir():
        for unit in ("redis-server", "redis"):
            result = run([systemctl, "enable", "--now", unit], log=log, check=False, timeout=120)
            if result.returncode == 0:
                break
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if redis_answers():
            return True
        time.sleep(0.5)
    return False
