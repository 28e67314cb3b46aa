"""gunicorn and nginx installed system-wide, through the machine's package manager."""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from .commands import CommandLog, run

REQUIRED = ("nginx", "gunicorn")
# Package names of each tool, per package manager.
PACKAGE_NAMES = {
    "apt-get": {"nginx": "nginx", "gunicorn": "gunicorn"},
    "dnf": {"nginx": "nginx", "gunicorn": "python3-gunicorn"},
    "yum": {"nginx": "nginx", "gunicorn": "python3-gunicorn"},
    "apk": {"nginx": "nginx", "gunicorn": "py3-gunicorn"},
    "pacman": {"nginx": "nginx", "gunicorn": "gunicorn"},
    "brew": {"nginx": "nginx", "gunicorn": "gunicorn"},
}
MANAGERS = tuple(PACKAGE_NAMES)
SYSTEM_DIRS = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")


@dataclass
class Plan:
    manager: str | None
    missing: list[str]
    commands: list[list[str]]

    def describe(self) -> str:
        if not self.missing:
            return "gunicorn and nginx are installed"
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


def detect_manager() -> str | None:
    for manager in MANAGERS:
        if shutil.which(manager):
            return manager
    return None


def plan(*, missing: list[str] | None = None, manager: str | None = None) -> Plan:
    """What to install; *missing* and *manager* are detected on this machine when not given."""
    missing = [tool for tool in REQUIRED if not installed(tool)] if missing is None else missing
    manager = manager or detect_manager()
    if not missing or manager is None:
        return Plan(manager, missing, [])
    names = [PACKAGE_NAMES[manager][tool] for tool in missing]
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
