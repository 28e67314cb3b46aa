"""The project's operations scripts: thin shell wrappers over tested commands."""

from __future__ import annotations

from pathlib import Path

from .rendering import render_template, write_file

SCRIPTS = (
    "backup_db.sh",
    "restore_db.sh",
    "deploy.sh",
    "run_tests.sh",
    "monitor_services.sh",
    "sync_cdn.sh",
)


def render_scripts(dest: Path, *, service: str = "opsbase") -> list[Path]:
    """Write the scripts (and their shared ``_common.sh``) into *dest*, normally
    ``<project>/scripts``; *service* is the systemd unit name they reload and check."""
    dest = Path(dest)
    context = {"service": service, "local_url": "http://127.0.0.1"}
    paths = [write_file(dest / "_common.sh", render_template("scripts/_common.sh", context))]
    for name in SCRIPTS:
        paths.append(
            write_file(dest / name, render_template(f"scripts/{name}", context), mode=0o755)
        )
    return paths
