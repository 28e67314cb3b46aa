"""Real processes for the serving tests: the example project under gunicorn, nginx in a
temporary prefix, and a small HTTP client that talks to loopback with any Host header."""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "example"
PUBLIC_HOST = "app.opsbase.test"
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, *, timeout: float = 20.0, what: str = "the condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def ensure_nginx() -> str:
    """The nginx binary; installed with apt-get when missing, else the test fails plainly."""
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if found:
        return found
    if shutil.which("apt-get") and os.geteuid() == 0:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env, timeout=300)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "nginx"], check=False, env=env, timeout=600
        )
        if Path("/usr/sbin/nginx").exists():
            return "/usr/sbin/nginx"
    pytest.fail(
        "nginx is not installed and could not be installed here: run "
        "`apt-get install -y nginx` (as root) and run the tests again"
    )


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: str
    cookies: dict[str, str] = field(default_factory=dict)

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


def fetch(
    port: int | str,
    path: str = "/",
    *,
    host: str = PUBLIC_HOST,
    https: bool = False,
    ca_file: Path | None = None,
    method: str = "GET",
    body: str | None = None,
    cookies: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """One request to 127.0.0.1:*port* (or a unix socket path) with *host* as Host and SNI."""
    if isinstance(port, str):
        connection = http.client.HTTPConnection(host, timeout=10)
        raw = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        raw.connect(port)
        connection.sock = raw
    else:
        connection = http.client.HTTPConnection(host, port, timeout=10)
        raw = socket.create_connection(("127.0.0.1", port), timeout=10)
        if https:
            context = ssl.create_default_context(cafile=str(ca_file) if ca_file else None)
            raw = context.wrap_socket(raw, server_hostname=host)
        connection.sock = raw
    sent = {"Accept-Encoding": "identity", **(headers or {})}
    if cookies:
        sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if body is not None:
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=body, headers=sent)
    answer = connection.getresponse()
    text = answer.read().decode("utf-8", "replace")
    jar = {}
    for name, value in answer.getheaders():
        if name.lower() == "set-cookie":
            key, _, rest = value.partition("=")
            jar[key.strip()] = rest.split(";", 1)[0]
    result = Response(answer.status, {k.lower(): v for k, v in answer.getheaders()}, text, jar)
    connection.close()
    return result


class Process:
    """A child process that is always stopped (and its output kept for the failure message)."""

    def __init__(self, args: list[str], *, env: dict[str, str], cwd: Path, log: Path) -> None:
        self.log = log
        self._out = log.open("wb")
        self.popen = subprocess.Popen(
            args,
            env=env,
            cwd=cwd,
            stdout=self._out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def alive(self) -> bool:
        return self.popen.poll() is None

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        if self.alive():
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=5)
        self._out.close()


def manage(*args: str, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=EXAMPLE,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
        )
    return result
