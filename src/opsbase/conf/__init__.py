"""Settings building blocks.

A project's settings module calls :func:`build_settings` once and then adjusts what it needs::

    from pathlib import Path
    from opsbase.conf import build_settings

    BASE_DIR = Path(__file__).resolve().parents[2]
    globals().update(build_settings(BASE_DIR, "prod"))
    ROOT_URLCONF = "config.urls"
"""

from __future__ import annotations

from typing import Any

from . import defaults
from .env import ConfigError, load_env
from .settings import build_settings

__all__ = ["ConfigError", "build_settings", "load_env", "setting"]


def setting(name: str) -> Any:
    """The value of ``OPSBASE_<name>`` from Django settings, else its documented default."""
    from django.conf import settings

    full = name if name.startswith("OPSBASE_") else f"OPSBASE_{name}"
    return getattr(settings, full, getattr(defaults, full))
