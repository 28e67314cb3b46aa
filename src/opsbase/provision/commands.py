"""The one way provisioning runs an external command: logged, and a failure made clear."""

from __future__ import annotations

import datetime as dt
import os
import shlex
import subprocess  # noqa: S404 - running tools is this module's purpose
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .errors import StepFailed

TAIL_LINES = 20


@dataclass
class CommandLog:
    """Lines for `<project>/logs/provision.log`; kept in memory until the project exists."""

    path: Path | None = None
    pending: list[str] = field(default_factory=list)
    step: str = ""

    def attach(self, path: Path) -> None:
        """Write from now on to *path*, starting with what was held back."""
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        if self.pending:
            self._append("".join(self.pending))
            self.pending.clear()

    def write(self, text: str) -> None:
        stamp = dt.datetime.now(tz=dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        block = "".join(f"{stamp} [{self.step or '-'}] {line}\n" for line in text.splitlines())
        if self.path is None:
            self.pending.append(block)
        else:
            self._append(block)

    def _append(self, text: str) -> None:
        assert self.path is not None  # noqa: S101 - narrowed for the type checker
        # Commands and their output, secrets masked: still nothing for other users (0640).
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        with os.fdopen(fd, "a", encoding="utf-8") as handle:
            handle.write(text)


def quote(argv: Sequence[str | os.PathLike[str]]) -> str:
    return shlex.join(str(a) for a in argv)


def tail(text: str, lines: int = TAIL_LINES) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])


def run(
    argv: Sequence[str | os.PathLike[str]],
    *,
    log: CommandLog,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    fix: str = "",
    timeout: float | None = None,
    check: bool = True,
    input_text: str | None = None,
    secrets: Sequence[str] = (),
) -> subprocess.CompletedProcess[str]:
    """Run *argv*, log it and its output; on a non-zero exit raise StepFailed with the tail.

    *env* entries are added to the current environment (a value of "" removes the variable).
    *secrets* are masked wherever they would appear in the log or the error.
    """
    command = quote(argv)
    for secret in secrets:
        command = command.replace(secret, "***")
    full_env = dict(os.environ)
    for key, value in (env or {}).items():
        if value == "":
            full_env.pop(key, None)
        else:
            full_env[key] = value
    log.write(f"$ {command}" + (f"   (in {cwd})" if cwd else ""))
    try:
        result = subprocess.run(  # noqa: S603 - argv lists only, never a shell
            [str(a) for a in argv],
            cwd=cwd,
            env=full_env,
            capture_output=True,
            text=True,
            timeout=timeout,
            input=input_text,
            check=False,
        )
    except FileNotFoundError as error:
        log.write(f"! not found: {error.filename}")
        raise StepFailed(
            f"{argv[0]} is not installed or not on PATH",
            fix or f"install {argv[0]} and run again",
            step=log.step,
            command=command,
        ) from error
    except subprocess.TimeoutExpired as error:
        output = _text(error.stdout) + _text(error.stderr)
        log.write(_masked(output, secrets) + f"\n! timed out after {timeout} s")
        raise StepFailed(
            f"{command} did not finish within {timeout} s",
            fix or "run again; if it hangs, run the command by hand to see why",
            step=log.step,
            command=command,
            output_tail=tail(_masked(output, secrets)),
        ) from error
    output = _masked((result.stdout or "") + (result.stderr or ""), secrets)
    if output.strip():
        log.write(output)
    log.write(f"-> exit {result.returncode}")
    if check and result.returncode != 0:
        raise StepFailed(
            f"{command} exited with {result.returncode}",
            fix,
            step=log.step,
            command=command,
            output_tail=tail(output),
        )
    return result


def _text(data: bytes | str | None) -> str:
    if data is None:
        return ""
    return data.decode(errors="replace") if isinstance(data, bytes) else data


def _masked(text: str, secrets: Sequence[str]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text
