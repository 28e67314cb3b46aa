"""The project's Poetry environment (an in-project `.venv`), its lock file, its installed
dependencies and the `requirements.txt` exported for pip-based deploys."""

from __future__ import annotations

import tomllib
import urllib.request
from pathlib import Path
from typing import Any

from .commands import CommandLog, run
from .pythons import poetry_command

# The per-release form is the one Poetry reads.
PYPI_JSON_PROBE = "https://pypi.org/pypi/pip/24.0/json"
SIMPLE_SOURCE = "pypi-simple"
SIMPLE_URL = "https://pypi.org/simple/"
INSTALL_FIX = (
    "check the network access to PyPI and the output above, then run the same "
    "`opsbase new` command again to resume"
)


def poetry_env() -> dict[str, str]:
    """Environment for every Poetry call: the venv inside the project, never the caller's."""
    return {
        "POETRY_VIRTUALENVS_IN_PROJECT": "true",
        "POETRY_VIRTUALENVS_CREATE": "true",
        "POETRY_NO_INTERACTION": "1",
        "VIRTUAL_ENV": "",  # an activated venv (opsbase's own) must not be reused
        "PYTHONPATH": "",
    }


def venv_python(dest: Path) -> Path:
    return dest / ".venv" / "bin" / "python"


def env_use(dest: Path, python: Path, *, log: CommandLog) -> None:
    run(
        [*poetry_command(), "env", "use", "--no-ansi", str(python)],
        log=log,
        cwd=dest,
        env=poetry_env(),
        timeout=600,
        fix="check that the interpreter works, or choose another with --python",
    )


def pypi_json_api_works(timeout: float = 10) -> bool:
    """Whether PyPI's JSON API (Poetry's default way to read package data) answers here."""
    request = urllib.request.Request(PYPI_JSON_PROBE, method="HEAD")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return bool(response.status == 200)
    except (OSError, ValueError):
        return False


def use_simple_index(dest: Path, *, log: CommandLog) -> bool:
    """Point the project at PyPI's simple index when the JSON API is not reachable (mirrors
    and proxies that serve only the simple API); True when the source was added."""
    pyproject = (dest / "pyproject.toml").read_text(encoding="utf-8")
    if "[[tool.poetry.source]]" in pyproject or pypi_json_api_works():
        return False
    log.write("PyPI's JSON API does not answer: using the simple index as the package source")
    run(
        [*poetry_command(), "source", "add", "--priority=primary", SIMPLE_SOURCE, SIMPLE_URL],
        log=log,
        cwd=dest,
        env=poetry_env(),
        timeout=120,
        fix=INSTALL_FIX,
    )
    return True


def lock(dest: Path, *, log: CommandLog) -> None:
    run(
        [*poetry_command(), "lock", "--no-ansi"],
        log=log,
        cwd=dest,
        env=poetry_env(),
        timeout=1200,
        fix=INSTALL_FIX,
    )


def install(dest: Path, *, log: CommandLog) -> None:
    run(
        [*poetry_command(), "install", "--no-ansi", "--no-root"],
        log=log,
        cwd=dest,
        env=poetry_env(),
        timeout=1800,
        fix=INSTALL_FIX,
    )


def has_export_plugin(*, log: CommandLog) -> bool:
    result = run([*poetry_command(), "export", "--help"], log=log, check=False, timeout=120)
    return result.returncode == 0


def export_requirements(dest: Path, *, log: CommandLog) -> Path:
    """`requirements.txt` pinned from `poetry.lock` (main group only)."""
    target = dest / "requirements.txt"
    if has_export_plugin(log=log):
        run(
            [*poetry_command(), "export", "--no-ansi", "--without-hashes", "-o", str(target)],
            log=log,
            cwd=dest,
            env=poetry_env(),
            timeout=600,
            fix=INSTALL_FIX,
        )
        return target
    lock_data = tomllib.loads((dest / "poetry.lock").read_text(encoding="utf-8"))
    target.write_text(requirements_from_lock(lock_data, base=dest), encoding="utf-8")
    log.write(f"wrote {target} from poetry.lock (poetry-plugin-export is not installed)")
    return target


def requirements_from_lock(lock_data: dict[str, Any], *, base: Path) -> str:
    """Pinned requirement lines of the main group of a parsed `poetry.lock`."""
    lines = ["# Exported from poetry.lock by opsbase; for pip-based deploys.", ""]
    for package in sorted(lock_data.get("package", []), key=lambda p: p["name"].lower()):
        groups = package.get("groups", ["main"])
        if "main" not in groups:
            continue
        name, version = package["name"], package["version"]
        source = package.get("source") or {}
        if source.get("type") in ("directory", "file"):
            where = Path(source["url"])
            where = where if where.is_absolute() else (base / where).resolve()
            requirement = f"{name} @ {where.as_uri()}"
        elif source.get("type") == "git":
            ref = source.get("resolved_reference") or source.get("reference", "")
            requirement = f"{name} @ git+{source['url']}@{ref}"
        else:
            requirement = f"{name}=={version}"
        markers = package.get("markers")
        if isinstance(markers, dict):
            markers = markers.get("main")
        if markers:
            requirement += f" ; {markers}"
        lines.append(requirement)
    return "\n".join(lines) + "\n"
