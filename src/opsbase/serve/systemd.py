"""systemd units for a project (gunicorn socket + service, Celery worker and beat) and their
installation where systemd runs.

Where it does not (a container, CI), nothing is installed: the result says so and names the
commands that start the same processes by hand.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import process
from .config import ServeConfig
from .rendering import render_template, write_file

SYSTEMD_RUNTIME_DIR = Path("/run/systemd/system")
SYSTEM_UNIT_DIR = Path("/etc/systemd/system")


def systemd_running() -> bool:
    """True when systemd is the init system here (its runtime folder exists)."""
    return SYSTEMD_RUNTIME_DIR.is_dir()


def render_systemd_units(
    config: ServeConfig,
    *,
    celery: bool = True,
    beat: bool = True,
    socket_group: str | None = None,
    concurrency: int = 2,
) -> dict[str, str]:
    """Unit file name -> text: ``<name>.socket``, ``<name>.service``, and the Celery units."""
    if not config.user:
        raise ValueError("systemd units need a user to run as (ServeConfig.user); never root")
    context = {
        "name": config.name,
        "user": config.user,
        "group": config.group,
        "socket_group": socket_group or config.socket_group or "www-data",
        "project_dir": config.project_dir,
        "env_file": config.env_file,
        "settings_module": config.settings_module,
        "bin_dir": config.bin_dir,
        "celery_app": config.celery_app,
        "concurrency": concurrency,
        "listen": config.bind or config.socket_path,
        "unix": config.bind is None,
        "stop_timeout": config.graceful_timeout + 5,
        "workers": config.workers,
    }
    units = {
        f"{config.name}.socket": render_template("systemd/gunicorn.socket", context),
        f"{config.name}.service": render_template("systemd/gunicorn.service", context),
    }
    if celery:
        units[f"{config.name}-celery.service"] = render_template(
            "systemd/celery-worker.service", context
        )
    if celery and beat:
        units[f"{config.name}-celerybeat.service"] = render_template(
            "systemd/celery-beat.service", context
        )
    return units


def write_systemd_units(units: dict[str, str], dest: Path) -> list[Path]:
    """Write the units into *dest* (the project's ``deploy/systemd``); returns the paths."""
    return [write_file(Path(dest) / name, text) for name, text in units.items()]


@dataclass
class InstallReport:
    """What an installer did, in sentences a person reads; ``ok`` is False on a failure."""

    ok: bool = True
    installed: bool = False
    actions: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    #: Puts back what the installer changed (nginx: the links and the site file), if it can.
    rollback: Callable[[], InstallReport] | None = field(default=None, repr=False)

    def say(self, line: str) -> None:
        self.actions.append(line)

    def fail(self, line: str) -> None:
        self.ok = False
        self.problems.append(line)

    def __str__(self) -> str:
        lines = list(self.actions) + [f"problem: {line}" for line in self.problems]
        return "\n".join(lines)


def install_systemd_units(
    config: ServeConfig,
    units: dict[str, str],
    *,
    unit_dir: Path | None = None,
    activate: bool = True,
    force_systemd: bool | None = None,
) -> InstallReport:
    """Install *units* where systemd runs, enable and start them; elsewhere, say what instead.

    The units are always written to the project's ``deploy/systemd`` first. *unit_dir*
    overrides ``/etc/systemd/system``; ``activate=False`` copies without calling systemctl.
    """
    report = InstallReport()
    local = write_systemd_units(units, config.deploy_dir / "systemd")
    report.say(f"wrote {len(local)} unit files to {config.deploy_dir / 'systemd'}")
    running = systemd_running() if force_systemd is None else force_systemd
    if not running and unit_dir is None:
        report.say(
            "systemd is not running on this machine (a container or CI?): no unit was "
            "installed. Start the processes yourself or under your supervisor:"
        )
        report.say(f"  {config.bin_dir}/gunicorn --config {config.project_dir}/gunicorn.conf.py")
        if any(name.endswith("-celery.service") for name in units):
            report.say(f"  {config.bin_dir}/celery --app {config.celery_app} worker")
        if any(name.endswith("-celerybeat.service") for name in units):
            report.say(f"  {config.bin_dir}/celery --app {config.celery_app} beat")
        return report

    target = Path(unit_dir) if unit_dir else SYSTEM_UNIT_DIR
    target.mkdir(parents=True, exist_ok=True)
    for path in local:
        shutil.copyfile(path, target / path.name)
    report.installed = True
    report.say(f"installed {', '.join(p.name for p in local)} into {target}")
    if not (activate and running):
        return report

    systemctl = process.find_program("systemctl") or "systemctl"
    steps = [[systemctl, "daemon-reload"]]
    enable = [name for name in units if name != f"{config.name}.service"]
    steps.append([systemctl, "enable", "--now", *enable])
    # The web service restarts (not reloads) so a changed unit or conf takes effect.
    steps.append([systemctl, "enable", f"{config.name}.service"])
    steps.append([systemctl, "restart", f"{config.name}.service"])
    for args in steps:
        result = process.run(args, timeout=120)
        if not result.ok:
            report.fail(result.explain())
            report.say(f"see `journalctl -u {config.name} -n 50` for the service's own log")
            return report
        report.say(f"ran `{result.command}`")
    return report


def verify_units(paths: list[Path]) -> process.CommandResult | None:
    """``systemd-analyze verify`` on *paths*; None when the tool is not installed."""
    tool = process.find_program("systemd-analyze")
    if tool is None:
        return None
    return process.run([tool, "verify", *map(str, paths)], timeout=60)


def uninstall_systemd_units(
    names: list[str], *, unit_dir: Path | None = None, force_systemd: bool | None = None
) -> InstallReport:
    """Stop and disable the units *names* where systemd runs, then delete their files."""
    report = InstallReport()
    target = Path(unit_dir) if unit_dir else SYSTEM_UNIT_DIR
    running = systemd_running() if force_systemd is None else force_systemd
    present = [name for name in names if (target / name).exists()]
    if not present:
        report.say(f"no unit of this project in {target}")
        return report
    systemctl = process.find_program("systemctl") or "systemctl"
    if running:
        result = process.run([systemctl, "disable", "--now", *present], timeout=120)
        if not result.ok:
            report.fail(result.explain())
            return report
        report.say(f"stopped and disabled {', '.join(present)}")
    for name in present:
        (target / name).unlink()
    report.say(f"deleted {', '.join(present)} from {target}")
    if running:
        result = process.run([systemctl, "daemon-reload"], timeout=120)
        if not result.ok:
            report.fail(result.explain())
    return report
