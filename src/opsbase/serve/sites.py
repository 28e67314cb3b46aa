"""What this machine already serves: the enabled nginx sites, and who listens on a port.

A new site must not take over a host name another site serves, nor a port another program
holds. These readers answer both before anything is linked: every ``server`` block nginx
would load from an nginx folder (its ``nginx.conf`` with every include followed, plus
``sites-enabled/*`` and ``conf.d/*.conf``), with the file and line that declare it, and the
programs listening on a TCP port. The configuration is read with crossplane, the parser the
nginx developers publish.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import process

#: nginx's own default when a server block has no ``listen`` (run as root).
DEFAULT_LISTEN_PORT = 80
_WILDCARDS_V4 = {"*", "0.0.0.0"}  # noqa: S104 - addresses read from configurations
_WILDCARDS_V6 = {"[::]", "::"}
_CATCH_ALL = {"", "_", "default_server"}


@dataclass(frozen=True)
class Listen:
    """One ``listen``: address (``*`` for every IPv4 address), port, and whether TLS."""

    address: str
    port: int
    ssl: bool = False

    @property
    def family(self) -> int:
        return 6 if self.address.startswith("[") or self.address == "::" else 4

    def overlaps(self, other: Listen) -> bool:
        """Whether both would bind the same socket (same port, overlapping addresses)."""
        if self.port != other.port or self.family != other.family:
            return False
        wild = _WILDCARDS_V4 | _WILDCARDS_V6
        return self.address in wild or other.address in wild or self.address == other.address

    def __str__(self) -> str:
        return f"{self.address}:{self.port}"


@dataclass(frozen=True)
class ServerBlock:
    """A ``server { }`` of an http context: where it is declared, its names and listens."""

    file: Path
    line: int
    names: tuple[str, ...]
    listens: tuple[Listen, ...]

    def serves(self, host: str) -> bool:
        return any(name_matches(name, host) for name in self.names)

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


def parse_listen(args: list[str]) -> Listen | None:
    """A ``listen`` directive's arguments; None for a unix socket."""
    if not args:
        return None
    target, params = args[0], args[1:]
    if target.startswith("unix:"):
        return None
    ssl = "ssl" in params or "quic" in params
    if target.startswith("["):
        address, _, port = target.rpartition("]:")
        address, port = (address + "]", port) if port else (target, "")
    elif target.isdigit():
        address, port = "*", target
    elif ":" in target:
        address, _, port = target.rpartition(":")
    else:
        address, port = target, ""
    if address == "localhost":
        address = "127.0.0.1"
    try:
        number = int(port) if port else DEFAULT_LISTEN_PORT
    except ValueError:
        return None
    return Listen(address or "*", number, ssl)


def name_matches(pattern: str, host: str) -> bool:
    """Whether the nginx ``server_name`` *pattern* matches *host* (nginx's rules: exact,
    ``*.example.com``, ``.example.com``, ``www.example.*``, ``~regex``); catch-alls never do."""
    pattern, host = pattern.strip().lower(), host.strip().lower().rstrip(".")
    if pattern in _CATCH_ALL or not host:
        return False
    if pattern.startswith("~"):
        try:
            return re.search(pattern[1:], host) is not None
        except re.error:
            return False
    if pattern.startswith("*."):
        return host.endswith(pattern[1:])
    if pattern.startswith("."):
        return host == pattern[1:] or host.endswith(pattern)
    if pattern.endswith(".*"):
        return host.startswith(pattern[:-1])
    return pattern == host


def _parse(path: Path, *, single: bool) -> dict[str, Any] | None:
    import crossplane

    try:
        payload: dict[str, Any] = crossplane.parse(
            str(path),
            catch_errors=True,
            single=single,
            comments=False,
            strict=False,
            check_ctx=False,
            check_args=False,
        )
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return payload


def _server_blocks(
    configs: list[dict[str, Any]], index: int, context: tuple[str, ...], seen: set[int]
) -> Iterator[ServerBlock]:
    """The http server blocks of config *index* and of what it includes, in *context*."""
    if index in seen or index >= len(configs):
        return
    seen.add(index)
    config = configs[index]
    yield from _walk(configs, Path(config["file"]), config.get("parsed") or [], context, seen)


def _walk(
    configs: list[dict[str, Any]],
    file: Path,
    statements: list[dict[str, Any]],
    context: tuple[str, ...],
    seen: set[int],
) -> Iterator[ServerBlock]:
    for statement in statements:
        directive = statement.get("directive")
        for included in statement.get("includes") or []:
            yield from _server_blocks(configs, included, context, seen)
        block = statement.get("block")
        if block is None:
            continue
        if directive == "server" and context and context[-1] == "http":
            yield _server_block(file, statement)
            continue
        yield from _walk(configs, file, block, (*context, str(directive)), seen)


def _server_block(file: Path, statement: dict[str, Any]) -> ServerBlock:
    names: list[str] = []
    listens: list[Listen] = []
    for inner in statement.get("block") or []:
        if inner.get("directive") == "server_name":
            names += [str(arg) for arg in inner.get("args") or []]
        elif inner.get("directive") == "listen":
            listen = parse_listen([str(arg) for arg in inner.get("args") or []])
            if listen is not None:
                listens.append(listen)
    if not listens:
        listens.append(Listen("*", DEFAULT_LISTEN_PORT))
    return ServerBlock(file, int(statement.get("line") or 0), tuple(names), tuple(listens))


def enabled_server_blocks(nginx_dirs: Iterable[Path]) -> list[ServerBlock]:
    """Every server block nginx loads from each folder of *nginx_dirs* (``/etc/nginx``...):
    ``nginx.conf`` and its includes, then ``sites-enabled/*`` and ``conf.d/*.conf`` that it
    does not include. A file nginx cannot read is skipped (``nginx -t`` reports it)."""
    blocks: list[ServerBlock] = []
    files_seen: set[Path] = set()
    for root in dict.fromkeys(Path(d).resolve() for d in nginx_dirs):
        if not root.is_dir():
            continue
        main = root / "nginx.conf"
        found: list[ServerBlock] = []
        if main.is_file():
            payload = _parse(main, single=False)
            if payload is not None:
                configs = payload.get("config") or []
                files_seen.update(Path(c["file"]).resolve() for c in configs)
                found += _server_blocks(configs, 0, (), set())
        loose = [*sorted((root / "sites-enabled").glob("*"))]
        loose += sorted((root / "conf.d").glob("*.conf"))
        for path in loose:
            if not path.is_file() or path.resolve() in files_seen:
                continue
            files_seen.add(path.resolve())
            payload = _parse(path, single=True)
            if payload is not None:
                found += _server_blocks(payload.get("config") or [], 0, ("http",), set())
        blocks += found
    return blocks


# -- who listens on a port -------------------------------------------------------------------


@dataclass(frozen=True)
class Listener:
    """A program listening on a TCP port (pid None when this user may not see it)."""

    address: str
    port: int
    program: str
    pid: int | None

    def __str__(self) -> str:
        return f"{self.program} (pid {self.pid})" if self.pid else self.program


_SS_USER = re.compile(r'\("([^"]+)",pid=(\d+)')


def listeners(port: int) -> list[Listener] | None:
    """Who listens on TCP *port*, on any address; None when ``ss`` is not installed."""
    ss = process.find_program("ss")
    if ss is None:
        return None
    result = process.run([ss, "-Hltnp", f"sport = :{port}"], timeout=10)
    if not result.ok:
        return None
    found: list[Listener] = []
    for line in result.stdout.splitlines():
        fields = line.split()
        if len(fields) < 4:
            continue
        local = fields[3]
        address = local.rpartition(":")[0] or "*"
        users = _SS_USER.findall(line)
        if not users:
            found.append(Listener(address, port, "another program", None))
        for program, pid in users:
            found.append(Listener(address, port, program, int(pid)))
    return found


def process_family(pid: int) -> set[int]:
    """*pid* and its children (nginx's master and its workers), read from /proc."""
    family = {pid}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        fields = text.rpartition(")")[2].split()
        if len(fields) > 1 and fields[1] == str(pid):
            family.add(int(stat.parent.name))
    return family
