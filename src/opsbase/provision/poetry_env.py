"""The project's Poetry environment (an in-project `.venv`), its lock file, its installed
dependencies and the `requirements.txt` exported for pip-based deploys."""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
import tomllib
import urllib.request
from pathlib import Path
from typing import Any

from .commands import CommandLog, run
from .errors import StepFailed
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


def install(dest: Path, *, log: CommandLog, attempts: int = 2) -> None:
    """`poetry install`, tried again once when it fails: a download cut off by the network
    (or an install cut off by a killed run) usually goes through the second time, and only
    what is missing is installed then."""
    for attempt in range(1, attempts + 1):
        try:
            run(
                [*poetry_command(), "install", "--no-ansi", "--no-root"],
                log=log,
                cwd=dest,
                env=poetry_env(),
                timeout=1800,
                fix=INSTALL_FIX,
            )
            return
        except StepFailed:
            if attempt == attempts:
                raise
            log.write("poetry install failed: trying once more")


def has_export_plugin(*, log: CommandLog) -> bool:
    result = run([*poetry_command(), "export", "--help"], log=log, check=False, timeout=120)
    return result.returncode == 0


def export_requirements(dest: Path, *, log: CommandLog) -> Path:
    """`requirements.txt` pinned from `poetry.lock` (main group only); a path dependency (an
    OpsBase source checkout) becomes a wheel in `vendor/`, which any machine can install."""
    target = dest / "requirements.txt"
    lock_data = tomllib.loads((dest / "poetry.lock").read_text(encoding="utf-8"))
    if has_export_plugin(log=log):
        run(
            [*poetry_command(), "export", "--no-ansi", "--without-hashes", "-o", str(target)],
            log=log,
            cwd=dest,
            env=poetry_env(),
            timeout=600,
            fix=INSTALL_FIX,
        )
    else:
        target.write_text(requirements_from_lock(lock_data, base=dest), encoding="utf-8")
        log.write(f"wrote {target} from poetry.lock (poetry-plugin-export is not installed)")
    wheels = vendor_path_dependencies(dest, lock_data, log=log)
    if wheels:
        target.write_text(
            requirements_with_wheels(target.read_text(encoding="utf-8"), wheels), encoding="utf-8"
        )
    return target


# What a source checkout holds that its wheel never needs (and that may be large or private).
_BUILD_IGNORE = shutil.ignore_patterns(
    ".git", ".venv*", "__pycache__", "*.py[co]", "*.egg-info", "build", "dist", "node_modules",
    "*.sqlite3", "logs", "media", "staticfiles", "demo", ".pytest_cache", ".mypy_cache",
    ".ruff_cache", ".hypothesis", "test-artifacts",
)  # fmt: skip


def vendor_path_dependencies(
    dest: Path, lock_data: dict[str, Any], *, log: CommandLog
) -> dict[str, Path]:
    """Build a wheel of each main-group path dependency into `dest/vendor`; name -> wheel.

    The checkout is copied first, so the build leaves nothing in it and parallel builds do not
    share its `build/` folder.
    """
    wheels: dict[str, Path] = {}
    for package in lock_data.get("package", []):
        source = package.get("source") or {}
        if "main" not in package.get("groups", ["main"]) or source.get("type") != "directory":
            continue
        where = Path(source["url"])
        where = where if where.is_absolute() else (dest / where).resolve()
        vendor = dest / "vendor"
        vendor.mkdir(exist_ok=True)
        stem = re.sub(r"[-_.]+", "_", package["name"]).lower()
        for old in vendor.glob(f"{stem}-*.whl"):
            old.unlink()
        with tempfile.TemporaryDirectory(prefix="opsbase-wheel-") as tmp:
            copy = Path(tmp) / "source"
            shutil.copytree(where, copy, ignore=_BUILD_IGNORE)
            run(
                [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir",
                 str(vendor), str(copy)],
                log=log,
                timeout=900,
                fix=f"check that {where} builds (pip wheel {where}), then run again",
            )  # fmt: skip
        built = sorted(vendor.glob(f"{stem}-*.whl"))
        if built:
            wheels[package["name"]] = built[-1]
    return wheels


def requirements_with_wheels(text: str, wheels: dict[str, Path]) -> str:
    """*text* with each `name @ file:...` line of *wheels* pointing at its wheel in vendor/."""
    names = {re.sub(r"[-_.]+", "-", name).lower(): path for name, path in wheels.items()}
    lines = []
    for line in text.splitlines():
        requirement, _, markers = line.partition(";")
        name = re.split(r"[\s@=<>!~\[]", requirement.strip(), maxsplit=1)[0]
        wheel = names.get(re.sub(r"[-_.]+", "-", name).lower())
        if wheel is not None and "@" in requirement:
            line = f"./vendor/{wheel.name}" + (f" ;{markers}" if markers.strip() else "")
        lines.append(line)
    return "\n".join(lines) + "\n"


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
