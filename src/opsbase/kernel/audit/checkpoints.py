"""Signed checkpoints of the chains' heads, kept where a database attacker cannot rewrite them.

The hash chain shows an edit, a deletion in the middle or an insertion, but not the newest
events deleted with the head moved back to the new last event, nor a chain deleted whole with
its head: what remains is a shorter, consistent chain, or none. A checkpoint says "chain C
had reached seq S, whose hash is H, at time T", with an HMAC-SHA256 under
``OPSBASE_AUDIT_KEY``, a key that lives in the environment and never in the database. Each is
written twice: as one JSON line of an append-only file (``logs/audit-checkpoints.jsonl``) and
inside an ``audit.checkpoint`` event of the system chain. Verification compares every chain
with the highest valid checkpoint it has: a chain that ends before it was truncated; a chain
whose event at that seq has another hash was rebuilt; a chain that is gone was deleted.

Someone who holds the key and the database (and the file) can still forge all of it; see
docs/audit.md.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.encoding import force_bytes

from .models import SYSTEM_CHAIN, AuditEvent

# Actions of the system chain's own events.
CHECKPOINT_ACTION = "audit.checkpoint"
CHAIN_CREATE_ACTION = "audit.chain_create"

_VERSION = 1
_FILE_NAME = "audit-checkpoints.jsonl"
# Environments where a key derived from SECRET_KEY is good enough.
_FALLBACK_ENVIRONMENTS = ("dev", "test")


class AuditKeyMissing(ImproperlyConfigured):
    """No ``OPSBASE_AUDIT_KEY`` in a deployed environment: checkpoints cannot be signed."""

    def __init__(self) -> None:
        super().__init__(
            "OPSBASE_AUDIT_KEY is not set, so audit checkpoints can be neither written nor "
            "checked and a truncated audit chain goes unnoticed. Add OPSBASE_AUDIT_KEY=<random> "
            "to .env.prod (python -c 'import secrets; print(secrets.token_urlsafe(32))'); keep "
            "it out of the database and its backups."
        )


class CheckpointWriteError(OSError):
    """The checkpoint file could not be written (its copy on the system chain was)."""


def audit_keys() -> list[bytes]:
    """The signing key first, then earlier keys that still verify (``..._FALLBACKS``)."""
    key = getattr(settings, "OPSBASE_AUDIT_KEY", "") or ""
    if not key:
        environment = getattr(settings, "OPSBASE_ENVIRONMENT", "prod")
        if environment not in _FALLBACK_ENVIRONMENTS:
            raise AuditKeyMissing()
        # Development and tests: stable per project, and no secret worth protecting.
        key = hmac.new(
            force_bytes(settings.SECRET_KEY), b"opsbase.audit.checkpoint-key", hashlib.sha256
        ).hexdigest()
    fallbacks = getattr(settings, "OPSBASE_AUDIT_KEY_FALLBACKS", None) or []
    return [k.encode("utf-8") for k in (key, *fallbacks) if k]


def checkpoint_file() -> Path:
    configured = getattr(settings, "OPSBASE_AUDIT_CHECKPOINT_FILE", None)
    if configured:
        return Path(configured)
    log_dir = (
        getattr(settings, "LOG_DIR", None) or Path(getattr(settings, "BASE_DIR", ".")) / "logs"
    )
    return Path(log_dir) / _FILE_NAME


@dataclass(frozen=True)
class Checkpoint:
    """Chain *chain* had reached *seq*, whose event's hash is *hash*, at *at* (UTC ISO)."""

    chain: int
    seq: int
    hash: str
    at: str
    label: str
    mac: str = ""
    # Where it was read (not signed): "line 12 of logs/..." or "system chain seq 9".
    source: str = field(default="", compare=False)

    def _document(self) -> bytes:
        content = {
            "v": _VERSION,
            "chain": self.chain,
            "seq": self.seq,
            "hash": self.hash,
            "at": self.at,
            "label": self.label,
        }
        return json.dumps(content, sort_keys=True, separators=(",", ":")).encode("utf-8")

    def signed(self, key: bytes) -> Checkpoint:
        return replace(self, mac=hmac.new(key, self._document(), hashlib.sha256).hexdigest())

    def valid(self, keys: Iterable[bytes]) -> bool:
        document = self._document()
        return any(
            hmac.compare_digest(self.mac, hmac.new(key, document, hashlib.sha256).hexdigest())
            for key in keys
        )

    def record(self) -> dict[str, Any]:
        """The checkpoint as stored: a file line, or an entry of a checkpoint event."""
        values = asdict(self)
        del values["source"]
        return {"v": _VERSION, **values}

    @classmethod
    def from_record(cls, record: Any, *, source: str, chain: int | None = None) -> Checkpoint:
        """Parse a stored checkpoint; ValueError when it is not one."""
        if not isinstance(record, dict):
            raise ValueError("not a JSON object")
        try:
            checkpoint = cls(
                chain=int(record["chain"] if chain is None else chain),
                seq=int(record["seq"]),
                hash=str(record["hash"]),
                at=str(record["at"]),
                label=str(record.get("label", "")),
                mac=str(record["mac"]),
                source=source,
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"missing or malformed field {error}") from None
        if record.get("v", _VERSION) != _VERSION:
            raise ValueError(f"unknown version {record.get('v')!r}")
        return checkpoint


def checkpoint_file_append(path: Path, checkpoints: list[Checkpoint]) -> None:
    """Append one JSON line per checkpoint to *path*, readable by owner and group only.

    ``O_APPEND``: every write lands at the end, whatever other processes appended meanwhile;
    the lines are written with one ``write`` and flushed to disk before returning.
    """
    if not checkpoints:
        return
    data = "".join(
        json.dumps(c.record(), sort_keys=True, separators=(",", ":")) + "\n" for c in checkpoints
    ).encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            mode = os.fstat(fd).st_mode & 0o777
            if mode & ~0o640:
                # Nobody else may write it, nor read it. A file made append-only by root
                # (chattr +a, the hardening docs/audit.md suggests) refuses any chmod: its
                # mode is then root's business, and appending is what matters.
                with contextlib.suppress(PermissionError):
                    os.fchmod(fd, mode & 0o640)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as error:
        raise CheckpointWriteError(
            f"the audit checkpoint file {path} cannot be written ({error.strerror or error}); "
            "let the application's user create and append to it, or point "
            "OPSBASE_AUDIT_CHECKPOINT_FILE elsewhere"
        ) from error


def checkpoint_file_read(path: Path) -> Iterator[Checkpoint | str]:
    """Each line of *path* as a :class:`Checkpoint`, or as a problem (text) when it is none."""
    try:
        handle = path.open(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            source = f"line {number} of {path}"
            try:
                yield Checkpoint.from_record(json.loads(line), source=source)
            except ValueError as error:
                yield f"{source} is not a checkpoint ({error})"


@dataclass
class Evidence:
    """What the file and the system chain say existed: the highest valid checkpoint of each
    chain, each tenant chain's announcements, and what could not be trusted."""

    latest: dict[int, Checkpoint] = field(default_factory=dict)
    created: dict[int, list[AuditEvent]] = field(default_factory=dict)
    labels: dict[int, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    file_lines: int = 0

    def chains(self) -> set[int]:
        return set(self.latest) | set(self.created)

    def _keep(self, checkpoint: Checkpoint, keys: list[bytes]) -> None:
        if not checkpoint.valid(keys):
            self.problems.append(
                f"FORGED checkpoint at {checkpoint.source} (chain {checkpoint.chain}, seq "
                f"{checkpoint.seq}): its signature does not match; it was edited, or signed with "
                "a key that is neither OPSBASE_AUDIT_KEY nor in OPSBASE_AUDIT_KEY_FALLBACKS."
            )
            return
        current = self.latest.get(checkpoint.chain)
        if current is None or checkpoint.seq > current.seq:
            self.latest[checkpoint.chain] = checkpoint
        if checkpoint.label:
            self.labels.setdefault(checkpoint.chain, checkpoint.label)


def evidence_collect() -> Evidence:
    """Read the checkpoint file and the system chain's checkpoints and announcements."""
    evidence = Evidence()
    try:
        keys = audit_keys()
    except AuditKeyMissing as error:
        # Announcements need no key; checkpoints cannot be trusted without one.
        evidence.problems.append(str(error))
        keys = []
    if keys:
        _read_file(evidence, keys)
    recorded = 0
    for event in (
        AuditEvent.objects.for_chain(SYSTEM_CHAIN)
        .filter(action__in=[CHECKPOINT_ACTION, CHAIN_CREATE_ACTION])
        .iterator(chunk_size=500)
    ):
        source = f"system chain seq {event.seq}"
        if event.action == CHAIN_CREATE_ACTION:
            try:
                chain = int(event.target_id)
            except ValueError:
                evidence.problems.append(f"{source} announces no chain ({event.target_id!r}).")
                continue
            evidence.created.setdefault(chain, []).append(event)
            slug = (event.changes.get("slug") or {}).get("new") if event.changes else None
            if slug:
                evidence.labels.setdefault(chain, str(slug))
            continue
        if not keys:
            continue
        for name, change in (event.changes or {}).items():
            recorded += 1
            try:
                checkpoint = Checkpoint.from_record((change or {}).get("new"), source=source)
            except (ValueError, AttributeError) as error:
                evidence.problems.append(f"{source}: entry {name} is not a checkpoint ({error}).")
                continue
            evidence._keep(checkpoint, keys)
    if recorded and not evidence.file_lines:
        evidence.warnings.append(
            f"The checkpoint file {checkpoint_file()} is missing or empty although the system "
            f"chain holds {recorded} checkpoint(s): truncation of the system chain's newest "
            "events goes unnoticed. Restore the file, or verify on the host that runs Celery "
            "beat."
        )
    return evidence


def _read_file(evidence: Evidence, keys: list[bytes]) -> None:
    for item in checkpoint_file_read(checkpoint_file()):
        evidence.file_lines += 1
        if isinstance(item, str):
            evidence.problems.append(f"UNREADABLE checkpoint: {item}.")
        else:
            evidence._keep(item, keys)
