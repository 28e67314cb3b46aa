"""A real Celery worker for tests: one process, one private queue, stopped by the caller."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path


def start_worker(*, queue: str, env: Mapping[str, str], cwd: Path | str) -> subprocess.Popen:
    """Start ``celery worker`` for OpsBase's app, consuming only *queue* (solo pool).

    *env* must name the settings and the broker (``DJANGO_SETTINGS_MODULE``,
    ``CELERY_BROKER_URL``); the caller terminates the process and may read its output.
    """
    return subprocess.Popen(  # noqa: S603 - a fixed command line
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "opsbase.core.celery",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "-n",
            f"{queue}@%h",
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
            "-l",
            "WARNING",
        ],
        cwd=cwd,
        env=dict(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
