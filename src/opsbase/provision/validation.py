"""Proof that a new project works: `manage.py check`, then the home page answering 200 from
`runserver` and from `gunicorn config.wsgi`, each on a free loopback port, then stopped."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess  # noqa: S404
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .commands import CommandLog, quote, run, tail
from .errors import StepFailed


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get_status(port: int, *, host: str = "127.0.0.1", https: bool = False) -> int | None:
    """Status of GET / on the loopback port, presented as *host* (None: no answer)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Host": host}
    if https:
        headers["X-Forwarded-Proto"] = "https"
    try:
        conn.request("GET", "/", headers=headers)
        return conn.getresponse().status
    except OSError:
        return None
    finally:
        conn.close()


def serve_and_get(
    argv: list[str],
    *,
    cwd: Path,
    env: dict[str, str],
    port: int,
    host: str,
    https: bool,
    log: CommandLog,
    what: str,
    timeout: float = 60,
) -> int:
    """Start a server, wait until `/` answers, stop it; the status, or StepFailed."""
    log.write(f"$ {quote(argv)}   (in {cwd}, background)")
    full_env = {**os.environ, **env}
    full_env.pop("VIRTUAL_ENV", None)
    process = subprocess.Popen(  # noqa: S603
        argv,
        cwd=cwd,
        env=full_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    status = None
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and process.poll() is None:
            status = get_status(port, host=host, https=https)
            if status is not None:
                break
            time.sleep(0.3)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
        try:
            output, _ = process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            output, _ = process.communicate()
    log.write(output or "")
    log.write(f"-> GET / answered {status}")
    if status != 200:
        raise StepFailed(
            f"{what}: GET / answered {status or 'nothing'} instead of 200",
            "read the server output below and logs/errors.log, fix, then run again",
            step=log.step,
            command=quote(argv),
            output_tail=tail(output or ""),
        )
    return status


def check(dest: Path, python: Path, *, log: CommandLog) -> None:
    run(
        [str(python), "manage.py", "check"],
        log=log,
        cwd=dest,
        env={"VIRTUAL_ENV": ""},
        timeout=300,
        fix="fix what Django's system check reports, then run again",
    )


def runserver(dest: Path, python: Path, *, log: CommandLog) -> int:
    port = free_port()
    return serve_and_get(
        [str(python), "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=dest,
        env={"DJANGO_ENV": "dev", "OPSBASE_SQL_LOG": "false"},
        port=port,
        host="127.0.0.1",
        https=False,
        log=log,
        what="runserver",
    )


def gunicorn(dest: Path, public_url: str, *, log: CommandLog) -> int:
    """gunicorn in the prod environment, asked as a proxy would for the public host."""
    port = free_port()
    binary = dest / ".venv" / "bin" / "gunicorn"
    # Started from an empty folder so that gunicorn does not read the project's
    # gunicorn.conf.py (its service user exists only once `opsbase deploy` made it): this
    # checks the app itself; deploy checks the configured server.
    with tempfile.TemporaryDirectory(prefix="opsbase-validate-") as elsewhere:
        return serve_and_get(
            [str(binary), "config.wsgi", "--chdir", str(dest), "--bind", f"127.0.0.1:{port}",
             "--workers", "1"],
            cwd=Path(elsewhere),
            env={"DJANGO_ENV": "prod"},
            port=port,
            host=urlsplit(public_url).netloc,
            https=True,
            log=log,
            what="gunicorn config.wsgi",
        )  # fmt: skip


def public_url(dest: Path, *, log: CommandLog) -> list[Any]:
    """The deployed project's URL checks (through the local nginx, then the public one); a
    failure through nginx is a failed step, the public one only a warning (DNS may lag)."""
    from .deploy import check_deployed

    checks = check_deployed(dest)
    for check in checks:
        log.write(str(check))
    failed = [c for c in checks if c.via != "public" and not c.ok]
    if failed:
        raise StepFailed(
            "the app does not answer through nginx: " + "; ".join(c.message for c in failed),
            f"run `opsbase deploy --dest {dest}` again and read its log (logs/deploy.log)",
            step=log.step,
        )
    return checks
