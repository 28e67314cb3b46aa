"""Reading the environment: `.env` files and typed, validated variables.

A missing or malformed *required* value stops start-up with one line naming the variable
(``ConfigError``, a ``SystemExit``), so a misconfigured server fails before serving anything.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal, overload
from urllib.parse import urlparse

from dotenv import load_dotenv

ENVIRONMENTS = ("dev", "test", "staging", "prod")


class ConfigError(SystemExit):
    """A configuration value is missing or malformed; the message names the variable."""

    def __init__(self, variable: str, problem: str, hint: str = "") -> None:
        self.variable = variable
        message = f"opsbase: configuration error: {variable} {problem}"
        if hint:
            message += f" ({hint})"
        super().__init__(message)


def load_env(base_dir: Path, environment: str) -> None:
    """Load ``.env`` then ``.env.<environment>`` from *base_dir*; real variables win."""
    if environment not in ENVIRONMENTS:
        raise ConfigError(
            "DJANGO_ENV", f"is {environment!r}", f"use one of {', '.join(ENVIRONMENTS)}"
        )
    for name in (".env", f".env.{environment}"):
        path = Path(base_dir) / name
        if path.is_file():
            load_dotenv(path, override=False)


@overload
def get_str(name: str, default: str, *, required: bool = False) -> str: ...
@overload
def get_str(name: str, default: None = None, *, required: Literal[True]) -> str: ...
@overload
def get_str(name: str, default: None = None, *, required: bool = False) -> str | None: ...
def get_str(name: str, default: str | None = None, *, required: bool = False) -> str | None:
    value = os.environ.get(name, "").strip()
    if value:
        return value
    if required:
        raise ConfigError(name, "is not set", f"add {name}=... to the environment or .env file")
    return default


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def get_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(name, f"is {value!r}, not a boolean", "use true or false")


def get_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ConfigError(name, f"is {value!r}, not an integer") from None


def get_list(name: str, default: list[str] | None = None, *, required: bool = False) -> list[str]:
    value = get_str(name, required=required)
    if value is None:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def get_url(
    name: str, *, schemes: tuple[str, ...], required: bool = False, default: str | None = None
) -> str | None:
    """A URL whose scheme is one of *schemes* and which names a host (or a path, for sqlite)."""
    value = get_str(name, default, required=required)
    if value is None:
        return None
    parsed = urlparse(value)
    if parsed.scheme not in schemes:
        raise ConfigError(
            name,
            f"has scheme {parsed.scheme or '(none)'!r}",
            f"expected one of {', '.join(schemes)}",
        )
    if not parsed.scheme.startswith("sqlite") and not parsed.hostname and not parsed.path:
        raise ConfigError(name, "names no host", "e.g. scheme://user:password@host:port/name")
    return value
