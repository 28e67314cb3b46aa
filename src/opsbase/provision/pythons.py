"""Python interpreters: those on the machine, those Poetry can install, and installing one."""

from __future__ import annotations

import os
import re
import shutil
import subprocess  # noqa: S404
import sys
from dataclasses import dataclass
from pathlib import Path

from .commands import CommandLog, run
from .errors import InputError, StepFailed

MINIMUM = (3, 11)
_ROW_RE = re.compile(r"^\s*(\d+\.\d+\.\d+)\s+(\S+)\s+(\S+)\s+(.+?)\s*$")


@dataclass(frozen=True)
class Interpreter:
    version: str  # "3.12.1"
    implementation: str  # "CPython"
    path: Path | None  # None: available for download through Poetry

    @property
    def installed(self) -> bool:
        return self.path is not None

    @property
    def series(self) -> str:
        return ".".join(self.version.split(".")[:2])

    @property
    def supported(self) -> bool:
        return tuple(int(p) for p in self.version.split(".")[:2]) >= MINIMUM

    def label(self) -> str:
        where = str(self.path) if self.path else "available for download (poetry python install)"
        mark = "installed" if self.installed else "not installed"
        return f"Python {self.version} ({mark}) {where}"


def poetry_command() -> list[str]:
    """Poetry as installed with the CLI extra, else the one on PATH."""
    beside = Path(sys.executable).parent / "poetry"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("poetry")
    if found:
        return [found]
    return [sys.executable, "-m", "poetry"]


def poetry_python_dir() -> Path:
    """Where `poetry python install` puts interpreters: Poetry's data folder."""
    configured = os.environ.get("POETRY_DATA_DIR", "").strip()
    if configured:
        return Path(configured).expanduser() / "python"
    data_home = os.environ.get("XDG_DATA_HOME", "").strip() or str(Path.home() / ".local/share")
    return Path(data_home).expanduser() / "pypoetry" / "python"


def current() -> Interpreter:
    version = ".".join(str(p) for p in sys.version_info[:3])
    return Interpreter(version, sys.implementation.name.replace("cpython", "CPython"), _current())


def _current() -> Path:
    return Path(sys.executable)


def parse_poetry_list(text: str) -> list[Interpreter]:
    """Rows of `poetry python list --all`, CPython only, one per (version, path)."""
    found: list[Interpreter] = []
    seen: set[tuple[str, str]] = set()
    for line in text.splitlines():
        match = _ROW_RE.match(line)
        if not match or match[2] != "CPython":
            continue
        version, _impl, _manager, where = match.groups()
        path = None if where.lower().startswith("available") else Path(where)
        key = (version, str(path))
        if key in seen:
            continue
        seen.add(key)
        found.append(Interpreter(version, "CPython", path))
    return found


def discover(*, include_downloads: bool = True, timeout: float = 60) -> list[Interpreter]:
    """Supported interpreters: installed ones first (newest first), then Poetry's downloads."""
    argv = [*poetry_command(), "python", "list", "--no-ansi"]
    if include_downloads:
        argv.append("--all")
    try:
        result = subprocess.run(  # noqa: S603
            argv, capture_output=True, text=True, timeout=timeout, check=False
        )
        listed = parse_poetry_list(result.stdout)
    except (OSError, subprocess.TimeoutExpired):
        listed = []
    here = current()
    interpreters = [here] + [i for i in listed if i.supported]
    unique: dict[tuple[str, bool], Interpreter] = {}
    for interp in interpreters:
        # One entry per version and installed-ness: the first path found for it wins.
        unique.setdefault((interp.version, interp.installed), interp)
    installed_versions = {i.version for i in unique.values() if i.installed}
    result_list = [i for i in unique.values() if i.installed or i.version not in installed_versions]

    def key(i: Interpreter) -> tuple[int, tuple[int, ...]]:
        return (0 if i.installed else 1, tuple(-int(p) for p in i.version.split(".")))

    return sorted(result_list, key=key)


def resolve(spec: str, interpreters: list[Interpreter] | None = None) -> Interpreter:
    """The interpreter for `--python` *spec*: 'current', a version ('3.12', '3.12.1') or a path."""
    spec = (spec or "current").strip()
    if spec == "current":
        return current()
    if os.sep in spec:
        path = Path(spec)
        if not path.exists():
            raise InputError(f"Python interpreter {spec} does not exist", "pass a version")
        return Interpreter(_version_of(path), "CPython", path)
    if not re.fullmatch(r"3\.\d+(\.\d+)?", spec):
        raise InputError(
            f"Python version {spec!r} is not a version",
            "pass e.g. --python 3.12, or --python current",
        )
    parts = tuple(int(p) for p in spec.split(".")[:2])
    if parts < MINIMUM:
        raise InputError(
            f"Python {spec} is too old for OpsBase",
            "choose Python " + ".".join(map(str, MINIMUM)) + " or newer",
        )
    candidates = interpreters if interpreters is not None else discover()
    matching = [i for i in candidates if i.version == spec or i.series == spec]
    for interp in matching:
        if interp.installed:
            return interp
    if matching:
        return matching[0]
    installed = sorted({i.series for i in candidates if i.installed})
    raise InputError(
        f"Python {spec} is neither installed nor available through Poetry",
        "choose an installed one: --python " + " or --python ".join(installed or ["current"]),
    )


def _version_of(path: Path) -> str:
    result = subprocess.run(  # noqa: S603
        [str(path), "-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise InputError(f"{path} is not a working Python interpreter", "pass a version")
    return result.stdout.strip()


def install(interp: Interpreter, *, log: CommandLog) -> Interpreter:
    """Install *interp* with `poetry python install`; offline, say which installed one to use."""
    if interp.installed:
        return interp
    try:
        run(
            [*poetry_command(), "python", "install", "--no-ansi", interp.version],
            log=log,
            timeout=900,
        )
    except StepFailed as error:
        installed = sorted({i.series for i in discover(include_downloads=False) if i.installed})
        raise StepFailed(
            f"could not install Python {interp.version} with Poetry (offline?)",
            "use an installed interpreter instead: --python "
            + " or --python ".join(installed or ["current"]),
            step=error.step,
            command=error.command,
            output_tail=error.output_tail,
        ) from error
    for found in discover(include_downloads=False):
        if found.version == interp.version and found.installed:
            return found
    raise StepFailed(
        f"Poetry reported Python {interp.version} installed, but it is not listed",
        "run `poetry python list` to see where it went, then pass --python with its path",
    )
