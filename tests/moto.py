"""moto in server mode: a real S3 (and Route53) endpoint on a free loopback port."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager

# What boto3 reads; the machine's own profile or region must not leak into the tests.
AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "opsbase-test-key",
    "AWS_SECRET_ACCESS_KEY": "opsbase-test-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    # Never ask an instance-metadata address off this machine for a role.
    "AWS_EC2_METADATA_DISABLED": "true",
}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def moto_endpoint() -> Iterator[str]:
    """Start moto's server, with test credentials in the environment; its URL."""
    from moto.server import ThreadedMotoServer

    saved = {name: os.environ.get(name) for name in AWS_ENV}
    os.environ.update(AWS_ENV)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    try:
        host, port = server._server.server_address[:2]  # noqa: SLF001 - the bound port
        yield f"http://{host}:{port}"
    finally:
        server.stop()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
