"""The per-tenant hash chain: appending under a lock, and verifying what is stored.

Every event carries ``seq`` (1, 2, 3, ... within its chain), ``prev_hash`` (the previous
event's hash; 64 zeros for the first) and ``hash``: SHA-256 of a canonical JSON document of
its content and ``prev_hash``. A chain's :class:`AuditChainHead` row holds the last seq and
hash; appending locks it (``SELECT ... FOR UPDATE``) inside the caller's transaction, so two
transactions cannot both append after the same event: the second waits for the first to
commit or roll back, then continues from the new head.

Verification walks a chain in seq order and reports the first event that does not fit:
a content/hash mismatch (edited), a gap in seq (deleted), a repeated seq or an unknown
``prev_hash`` (inserted), a ``prev_hash`` that points at another event of the chain
(reordered), or a disagreement with the head (deleted or inserted at the end).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db import connections, router, transaction
from django.utils import timezone

from opsbase.core.rls import rls_row_scope

from .models import SYSTEM_CHAIN, AuditChainHead, AuditEvent

GENESIS = "0" * 64

# The stored columns that the hash covers; ``hash`` itself and the row id are not content.
HASHED_FIELDS = (
    "chain",
    "seq",
    "tenant_id",
    "actor_id",
    "actor_label",
    "action",
    "target_type",
    "target_id",
    "target_label",
    "changes",
    "request_id",
    "ip",
    "user_agent",
    "created_at",
    "prev_hash",
)


def _canonical_value(value: Any) -> Any:
    # Databases hand JSON numbers back in their own spelling (PostgreSQL's jsonb turns 1.0
    # into 1 and 1e16 into 10000000000000000), so a whole float hashes as the integer.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {str(k): _canonical_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical_value(v) for v in value]
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    return value


def event_digest(event: AuditEvent) -> str:
    """The SHA-256 (hex) of *event*'s content and ``prev_hash``, as it is (to be) stored."""
    content = {name: _canonical_value(getattr(event, name)) for name in HASHED_FIELDS}
    document = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(document.encode("utf-8")).hexdigest()


# The head is read and written with two plain statements: every audited write of the whole
# system passes here, inside its transaction and holding the chain's lock, so the time the ORM
# would spend building the queries is time other writers of the tenant wait.


def _head_sql(connection) -> tuple[str, str]:
    quote = connection.ops.quote_name
    table = quote(AuditChainHead._meta.db_table)
    columns = {f.name: quote(f.column) for f in AuditChainHead._meta.concrete_fields}
    pk, chain, seq, last, updated = (
        columns[name] for name in ("id", "chain", "last_seq", "last_hash", "updated_at")
    )
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    select = f"SELECT {pk}, {seq}, {last} FROM {table} WHERE {chain} = %s{lock}"  # noqa: S608
    update = f"UPDATE {table} SET {seq} = %s, {last} = %s, {updated} = %s WHERE {pk} = %s"  # noqa: S608
    return select, update


def _lock_head(connection, chain: int) -> tuple[int, int, str]:
    """(id, last seq, last hash) of *chain*'s head, locked until the transaction ends.

    A locking read: it sees the latest committed head even under MySQL's snapshot reads.
    """
    select, _update = _head_sql(connection)
    with connection.cursor() as cursor:
        cursor.execute(select, [chain])
        row = cursor.fetchone()
    if row is None:
        # The first writers of a chain race to create its head. An upsert makes the losers
        # wait for the winner's row and then lock it in turn; a plain INSERT would leave
        # them holding shared locks on MySQL/MariaDB and deadlock on the locking read.
        target = ["chain"] if connection.features.supports_update_conflicts_with_target else None
        AuditChainHead.objects.using(connection.alias).bulk_create(
            [AuditChainHead(chain=chain)],
            update_conflicts=True,
            unique_fields=target,
            update_fields=["updated_at"],
        )
        with connection.cursor() as cursor:
            cursor.execute(select, [chain])
            row = cursor.fetchone()
    pk, last_seq, last_hash = row
    return pk, last_seq, last_hash


def _move_head(connection, pk: int, last_seq: int, last_hash: str) -> None:
    _select, update = _head_sql(connection)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(update, [last_seq, last_hash, now, pk])


def chain_append(events: list[AuditEvent]) -> list[AuditEvent]:
    """Number, link, hash and insert *events* (all of one chain) after its locked head."""
    if not events:
        return events
    chain = events[0].chain
    if any(e.chain != chain for e in events):
        raise ValueError("chain_append() takes events of one chain at a time.")
    db = router.db_for_write(AuditEvent)
    connection = connections[db]
    # Joins the caller's transaction; the head stays locked until that transaction ends.
    # Written as the chain's own tenant's rows (PostgreSQL row-level security).
    with transaction.atomic(using=db, savepoint=False), rls_row_scope(events[0].tenant_id):
        head, seq, last_hash = _lock_head(connection, chain)
        last_hash = last_hash or GENESIS
        for event in events:
            seq += 1
            event.seq = seq
            event.prev_hash = last_hash
            event.hash = event_digest(event)
            last_hash = event.hash
        if len(events) == 1:
            events[0].save(using=db)
        else:
            AuditEvent.objects.using(db).bulk_create(events)
        _move_head(connection, head, seq, last_hash)
    return events


# -- verification ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainBreak:
    """The first event of a chain that does not fit, and why."""

    kind: str  # "edited", "deleted", "inserted" or "reordered"
    message: str
    event_id: int | None = None
    seq: int | None = None


@dataclass
class ChainReport:
    chain: int
    label: str
    events: int = 0
    last_seq: int = 0
    last_hash: str = GENESIS
    problem: ChainBreak | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


@dataclass
class VerifyResult:
    chains: list[ChainReport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.chains)

    @property
    def events(self) -> int:
        return sum(c.events for c in self.chains)

    @property
    def broken(self) -> list[ChainReport]:
        return [c for c in self.chains if not c.ok]


def _head_state(chain: int) -> tuple[int, str]:
    head = AuditChainHead.objects.filter(chain=chain).first()
    if head is None:
        return 0, GENESIS
    return head.last_seq, head.last_hash or GENESIS


def _link_problem(event: AuditEvent, expected_seq: int, prev_hash: str) -> ChainBreak | None:
    where = {"event_id": event.pk, "seq": event.seq}
    name = f"event {event.pk} (seq {event.seq})"
    if event.seq > expected_seq:
        missing = (
            f"seq {expected_seq} is"
            if event.seq == expected_seq + 1
            else f"seqs {expected_seq}..{event.seq - 1} are"
        )
        return ChainBreak(
            "deleted", f"{name}: {missing} missing before it; events were deleted.", **where
        )
    if event.seq < expected_seq:
        return ChainBreak(
            "inserted", f"{name}: repeats a seq already used; an event was inserted.", **where
        )
    if event.prev_hash != prev_hash:
        linked = (
            AuditEvent.objects.for_chain(event.chain)
            .filter(hash=event.prev_hash)
            .exclude(pk=event.pk)
            .first()
        )
        if linked is not None:
            return ChainBreak(
                "reordered",
                f"{name}: links to event {linked.pk} (seq {linked.seq}) instead of the event "
                f"before it; events were reordered.",
                **where,
            )
        return ChainBreak(
            "inserted",
            f"{name}: its previous hash matches no event before it; an event was inserted "
            f"or the link was rewritten.",
            **where,
        )
    if event_digest(event) != event.hash:
        return ChainBreak(
            "edited", f"{name}: its content does not match its hash; it was edited.", **where
        )
    return None


def chain_verify(chain: int, label: str = "") -> ChainReport:
    """Walk one chain in seq order and report the first event that breaks it, if any."""
    report = ChainReport(chain=chain, label=label or str(chain))
    head_seq, head_hash = _head_state(chain)
    expected_seq, prev_hash = 1, GENESIS
    for event in AuditEvent.objects.for_chain(chain).iterator(chunk_size=2000):
        if event.seq > head_seq:
            # Appended since the head was read? Then the head has moved on by now.
            head_seq, head_hash = _head_state(chain)
            if event.seq > head_seq:
                report.problem = ChainBreak(
                    "inserted",
                    f"event {event.pk} (seq {event.seq}): beyond the chain head (seq "
                    f"{head_seq}); it was inserted.",
                    event_id=event.pk,
                    seq=event.seq,
                )
                return report
        problem = _link_problem(event, expected_seq, prev_hash)
        if problem is not None:
            report.problem = problem
            return report
        report.events += 1
        report.last_seq = event.seq
        report.last_hash = event.hash
        expected_seq, prev_hash = event.seq + 1, event.hash
    if report.last_seq < head_seq:
        missing = (
            f"seq {head_seq} is"
            if head_seq == report.last_seq + 1
            else f"seqs {report.last_seq + 1}..{head_seq} are"
        )
        report.problem = ChainBreak(
            "deleted",
            f"the chain head is at seq {head_seq} but {missing} missing; the last events "
            f"were deleted.",
            seq=report.last_seq + 1,
        )
    elif report.last_seq and report.last_hash != head_hash:
        report.problem = ChainBreak(
            "edited",
            f"seq {report.last_seq}: the last event's hash differs from the chain head's; "
            f"it was replaced.",
            seq=report.last_seq,
        )
    return report


def chain_keys() -> list[int]:
    """Every chain that has events or a head, the system chain (0) first."""
    from_events = set(
        AuditEvent.objects.unscoped().order_by("chain").values_list("chain", flat=True).distinct()
    )
    from_heads = set(AuditChainHead.objects.values_list("chain", flat=True))
    return sorted(from_events | from_heads)


def chain_label(chain: int, tenants: dict[int, Any] | None = None) -> str:
    if chain == SYSTEM_CHAIN:
        return "(system)"
    tenant = (tenants or {}).get(chain)
    return tenant.slug if tenant is not None else f"tenant {chain} (deleted)"
