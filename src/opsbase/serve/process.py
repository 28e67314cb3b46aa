"""One way to run an external program: logged, never raising, with the output's tail kept.

A failure becomes a :class:`CommandResult` whose ``explain()`` names the command, its exit
status and the last lines it printed, which is what a person needs to act on it.
"""

from __future__ import annotations

import logging
import shlex
import shutil
import subprocess  # noqa: S404 - running system tools is this module's purpose
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)


@dataclass
class CommandResult:
    args: list[str]
    returncode: int
    stdout: str = ""
    stderr: str = ""

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def command(self) -> str:
        return shlex.join(self.args)

    def tail(self, lines: int = 15) -> str:
        text = (self.stderr.strip() + "\n" + self.stdout.strip()).strip()
        return "\n".join(text.splitlines()[-lines:])

    def explain(self) -> str:
        if self.ok:
            return f"`{self.command}` succeeded"
        return f"`{self.command}` failed (exit {self.returncode}):\n{self.tail()}"


def find_program(name: str, *extra_dirs: str) -> str | None:
    """The path of *name* on PATH or in the usual system folders (sbin is not always on PATH)."""
    found = shutil.which(name)
    if found:
        return found
    for folder in (*extra_dirs, "/usr/sbin", "/sbin", "/usr/local/sbin"):
        candidate = Path(folder) / name
        if candidate.is_file():
            return str(candidate)
    return None


def run(
    args: Sequence[str | Path],
    *,
    env: Mapping[str, str] | None = None,
    input: bytes | str | None = None,
    cwd: Path | str | None = None,
    timeout: float = 600,
) -> CommandResult:
    """Run *args*; a missing program or a timeout is reported as a failed result, not raised."""
    argv = [str(arg) for arg in args]
    logger.debug("running command", extra={"command": shlex.join(argv)})
    text = not isinstance(input, bytes)
    try:
        completed = subprocess.run(  # noqa: S603 - argv list, no shell
            argv,
            env=dict(env) if env is not None else None,
            input=input,
            cwd=cwd,
            capture_output=True,
            text=text,
            timeout=timeout,
            check=False,
        )
    except FileNotFoundError:
        return CommandResult(argv, 127, stderr=f"{argv[0]}: program not found")
    except subprocess.TimeoutExpired:
        return CommandResult(argv, 124, stderr=f"timed out after {timeout:.0f} s")
    stdout = completed.stdout if text else completed.stdout.decode("utf-8", "replace")
    stderr = completed.stderr if text else completed.stderr.decode("utf-8", "replace")
    result = CommandResult(argv, completed.returncode, stdout or "", stderr or "")
    if not result.ok:
        logger.warning("command failed", extra={"command": result.command, "tail": result.tail()})
    return result
