"""Does the site answer at its public URL? GET it, and locally through nginx with its Host.

Each answer is put plainly: 200, a redirect and where to, connection refused, a name that
does not resolve, a TLS problem (untrusted, expired, wrong name), with the certificate's
expiry for https. ``python -m opsbase.serve.urlcheck URL`` prints the same and exits 1 on a
problem (``scripts/monitor_services.sh`` uses it).
"""

from __future__ import annotations

import argparse
import http.client
import socket
import ssl
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from . import process

OK, REDIRECT, HTTP_ERROR = "ok", "redirect", "http-error"
REFUSED, DNS, TLS, TIMEOUT, ERROR = "refused", "dns", "tls", "timeout", "error"


@dataclass
class UrlCheck:
    """The outcome of one GET: ``outcome`` is one of ok, redirect, http-error, refused, dns,
    tls, timeout, error; ``message`` says it in a sentence."""

    url: str
    via: str
    outcome: str
    message: str
    status: int | None = None
    location: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    cert_expires: datetime | None = None
    tls_problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.outcome in (OK, REDIRECT)

    @property
    def cert_days_left(self) -> int | None:
        if self.cert_expires is None:
            return None
        return (self.cert_expires - datetime.now(tz=UTC)).days

    def __str__(self) -> str:
        line = f"[{'ok' if self.ok else 'PROBLEM'}] {self.url} ({self.via}): {self.message}"
        if self.cert_expires is not None:
            line += (
                f"; certificate expires {self.cert_expires:%Y-%m-%d} "
                f"(in {self.cert_days_left} days)"
            )
        return line


def _cert_expiry(der: bytes | None) -> datetime | None:
    if not der:
        return None
    try:
        from cryptography import x509

        cert = x509.load_der_x509_certificate(der)
        return cert.not_valid_after_utc
    except ImportError:
        pass
    openssl = process.find_program("openssl")
    if openssl is None:
        return None
    result = process.run([openssl, "x509", "-inform", "DER", "-noout", "-enddate"], input=der)
    text = result.stdout.strip() if isinstance(result.stdout, str) else ""
    if not result.ok or "=" not in text:
        return None
    stamp = ssl.cert_time_to_seconds(text.split("=", 1)[1])
    return datetime.fromtimestamp(stamp, tz=UTC)


def _request(
    parts, target: tuple[str, int], *, context: ssl.SSLContext | None, timeout: float
) -> tuple[http.client.HTTPResponse, bytes | None]:
    host = parts.hostname
    raw = socket.create_connection(target, timeout=timeout)
    der = None
    if context is not None:
        try:
            raw = context.wrap_socket(raw, server_hostname=host)
        except BaseException:
            raw.close()
            raise
        der = raw.getpeercert(binary_form=True)
    default_port = 443 if context is not None else 80
    port = parts.port or default_port
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    connection.sock = raw
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    connection.request("GET", path, headers={"User-Agent": "opsbase-urlcheck/1"})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response, der


def check_url(
    url: str,
    *,
    connect_to: tuple[str, int] | None = None,
    timeout: float = 5.0,
    ca_file: Path | str | None = None,
) -> UrlCheck:
    """GET *url* (without following redirects); *connect_to* sends it to that address instead
    of the name's, with the URL's host name in the Host header and TLS SNI."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return UrlCheck(url, "-", ERROR, "not an http(s) URL with a host name")
    https = parts.scheme == "https"
    target = connect_to or (parts.hostname, parts.port or (443 if https else 80))
    via = "public" if connect_to is None else f"local {target[0]}:{target[1]}"
    check = UrlCheck(url, via, ERROR, "")
    context = None
    if https:
        context = ssl.create_default_context(cafile=str(ca_file) if ca_file else None)
    try:
        try:
            response, der = _request(parts, target, context=context, timeout=timeout)
        except ssl.SSLCertVerificationError as exc:
            # Say what is wrong with the certificate, then look past it for the rest.
            check.tls_problem = exc.verify_message or str(exc)
            loose = ssl.create_default_context()
            loose.check_hostname = False
            loose.verify_mode = ssl.CERT_NONE
            response, der = _request(parts, target, context=loose, timeout=timeout)
    except socket.gaierror:
        check.outcome = DNS
        check.message = (
            f"the name {parts.hostname} does not resolve (DNS): point its A/AAAA record at "
            "this server, or wait for the record to spread"
        )
        return check
    except ConnectionRefusedError:
        check.outcome = REFUSED
        check.message = (
            f"connection refused on {target[0]}:{target[1]}: nothing listens there "
            "(is nginx running? is the port open in the firewall?)"
        )
        return check
    except TimeoutError:
        check.outcome = TIMEOUT
        check.message = f"no answer from {target[0]}:{target[1]} within {timeout:.0f} s"
        return check
    except ssl.SSLError as exc:
        check.outcome = TLS
        check.message = f"TLS handshake failed: {exc.reason or exc}"
        return check
    except OSError as exc:
        check.message = f"cannot connect to {target[0]}:{target[1]}: {exc}"
        return check

    check.status = response.status
    check.headers = {name.lower(): value for name, value in response.getheaders()}
    check.cert_expires = _cert_expiry(der)
    check.location = response.getheader("Location")
    if check.tls_problem:
        check.outcome = TLS
        check.message = (
            f"the certificate is not trusted ({check.tls_problem}); past that the server "
            f"answered {response.status}"
        )
    elif 300 <= response.status < 400:
        check.outcome = REDIRECT
        check.message = f"{response.status} redirect to {check.location}"
    elif response.status < 300:
        check.outcome = OK
        check.message = f"{response.status} {response.reason}"
    else:
        check.outcome = HTTP_ERROR
        check.message = f"{response.status} {response.reason}"
        if response.status in (502, 503, 504):
            check.message += ": nginx answers but the application behind it does not (gunicorn?)"
    if check.cert_expires and check.cert_days_left is not None and check.cert_days_left < 0:
        check.outcome = TLS
        check.message = f"the certificate expired on {check.cert_expires:%Y-%m-%d}"
    return check


def check_public_url(
    url: str,
    *,
    local: bool = True,
    local_address: str = "127.0.0.1",
    local_port: int | None = None,
    timeout: float = 5.0,
    ca_file: Path | str | None = None,
) -> list[UrlCheck]:
    """Check *url* as the world reaches it, and (with *local*) through this host's nginx."""
    checks = [check_url(url, timeout=timeout, ca_file=ca_file)]
    if local:
        parts = urlsplit(url)
        port = local_port or parts.port or (443 if parts.scheme == "https" else 80)
        checks.append(
            check_url(url, connect_to=(local_address, port), timeout=timeout, ca_file=ca_file)
        )
    return checks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m opsbase.serve.urlcheck", description=__doc__)
    parser.add_argument("url")
    parser.add_argument("--no-local", action="store_true", help="skip the check through nginx")
    parser.add_argument("--local-address", default="127.0.0.1")
    parser.add_argument("--local-port", type=int)
    parser.add_argument("--ca-file", help="trust this certificate (a self-signed one)")
    parser.add_argument("--timeout", type=float, default=5.0)
    args = parser.parse_args(argv)
    checks = check_public_url(
        args.url,
        local=not args.no_local,
        local_address=args.local_address,
        local_port=args.local_port,
        timeout=args.timeout,
        ca_file=args.ca_file,
    )
    for check in checks:
        print(check)  # noqa: T201 - a command-line report
    return 0 if all(check.ok for check in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
