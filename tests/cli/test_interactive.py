"""`opsbase new` on a terminal, as root: the Python it offers is one the app's own user can
run, a refused choice is asked again on the spot, and the answers survive a run that preflight
refused. Driven through a pseudo-terminal (pexpect); --dry-run, so nothing is created."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pytest

from .conftest import cli_env

SYSTEM_PYTHON = Path("/usr/bin/python3")
DOWN, CLEAR = "\x1b[B", "\x15"


def _closed_folder() -> Path | None:
    return next(
        (p for p in reversed(Path(sys.base_prefix).parents) if not p.stat().st_mode & 0o001),
        None,
    )


pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or _closed_folder() is None or not SYSTEM_PYTHON.exists(),
    reason="needs root, a Python inside a folder other users cannot enter, and /usr/bin/python3",
)


class _Collect:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> None:
        self.parts.append(text)

    def flush(self) -> None:
        pass

    def __str__(self) -> str:
        return "".join(self.parts)


def json_plan(transcript: str) -> dict:
    """The plan `--json` printed last (rich colours JSON on a terminal)."""
    text = re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", transcript).replace("\r\n", "\n")
    return json.loads(text[text.rindex('{\n  "ok"') :])


def spawn(root: Path, *args: str, env: dict[str, str]):
    pexpect = pytest.importorskip("pexpect")
    child = pexpect.spawn(
        sys.executable,
        ["-m", "opsbase.cli", "new", "--skip-system-packages", "--dry-run", "--json", *args],
        cwd=str(root), env=env, encoding="utf-8", timeout=120, dimensions=(60, 250),
    )  # fmt: skip
    child.logfile_read = _Collect()
    return child


def test_the_python_offered_is_usable_and_a_refused_one_is_asked_again(tmp_path):
    pexpect = pytest.importorskip("pexpect")
    env = cli_env(tmp_path, TERM="xterm")
    child = spawn(tmp_path, "--database", "sqlite", env=env)

    child.expect("App name")
    child.send("shopfront\r")
    child.expect("Public URL")
    child.send("https://shop.example.test\r")
    child.expect("Destination directory")
    child.send(CLEAR + str(tmp_path / "shopfront") + "\r")
    child.expect("Python interpreter")
    child.expect("current: the Python running opsbase")
    child.send(DOWN + "\r")  # the second choice: the Python running opsbase, under /root
    child.expect("cannot be used")
    child.expect("Python interpreter")  # asked again, right away
    child.send("\r")  # the default
    child.expect("Modules to enable")
    child.send("\r")
    child.expect("Superuser e-mail")
    child.send("\r")
    child.expect("Superuser password")
    child.send("\r")
    child.expect(pexpect.EOF, timeout=300)
    child.close()
    transcript = str(child.logfile_read)

    assert child.exitstatus == 0, transcript[-4000:]
    assert f"{_closed_folder()} is closed to other users" in transcript
    plan = json_plan(transcript)
    assert plan["python"].endswith(f"({SYSTEM_PYTHON})"), plan["python"]
    assert not (tmp_path / "shopfront").exists()


def test_answers_refused_by_preflight_come_back_as_the_defaults(tmp_path):
    pexpect = pytest.importorskip("pexpect")
    # Administrative access to PostgreSQL that cannot work: preflight refuses after the
    # questions.
    broken = "postgres://postgres@127.0.0.1:1/postgres"
    env = cli_env(tmp_path, TERM="xterm")
    first = spawn(tmp_path, "--database", "postgres", "--db-admin-url", broken, env=env)
    first.expect("App name")
    first.send("plantops\r")
    first.expect("Public URL")
    first.send("https://plant.example.test\r")
    first.expect("Destination directory")
    first.send(CLEAR + str(tmp_path / "plant") + "\r")
    first.expect("Python interpreter")
    first.send("\r")
    first.expect("Modules to enable")
    first.send("\r")
    first.expect("Superuser e-mail")
    first.send(CLEAR + "owner@plant.example.test\r")
    first.expect("Superuser password")
    first.send("\r")
    first.expect(pexpect.EOF, timeout=300)
    first.close()

    second = spawn(tmp_path, "--database", "sqlite", env=env)
    for prompt in ("App name", "Public URL", "Destination directory", "Python interpreter",
                   "Modules to enable", "Superuser e-mail", "Superuser password"):  # fmt: skip
        second.expect(prompt)
        second.send("\r")  # every answer from the first run, as it is offered
    second.expect(pexpect.EOF, timeout=300)
    second.close()
    transcript = str(second.logfile_read)

    assert first.exitstatus == 2, str(first.logfile_read)[-3000:]
    assert "cannot administer" in str(first.logfile_read)
    assert second.exitstatus == 0, transcript[-4000:]
    plan = json_plan(transcript)
    assert (plan["name"], plan["public_url"]) == ("plantops", "https://plant.example.test")
    assert plan["project"] == str(tmp_path / "plant")
    assert plan["superuser"]["email"] == "owner@plant.example.test"
