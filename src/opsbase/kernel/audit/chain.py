"""The per-tenant hash chain: appending under a lock, and verifying what is stored.

Every event carries ``seq`` (1, 2, 3, ... within its chain), ``prev_hash`` (the previous
event's hash; 64 zeros for the first) and ``hash``: SHA-256 of a canonical JSON document of
its content and ``prev_hash``. A chain's :class:`AuditChainHead` row holds the last seq and
hash; appending locks it (``SELECT ... FOR UPDATE``) inside the caller's transaction, so two
transactions cannot both append after the same event: the second waits for the first to
commit or roll back, then continues from the new head. On PostgreSQL one event is appended
by a single statement that does all three (``_append_one``).

Verification walks a chain in seq order and reports the first event that does not fit:
a content/hash mismatch (edited), a gap in seq (deleted), a repeated seq or an unknown
``prev_hash`` (inserted), a ``prev_hash`` that points at another event of the chain
(reordered), or a disagreement with the head (deleted or inserted at the end).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db import connections, router, transaction
from django.utils import timezone

from opsbase.core.rls import rls_row_scope

from .checkpoints import CHAIN_CREATE_ACTION, Checkpoint
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


def _document(event: AuditEvent, **values: Any) -> str:
    """The canonical JSON document of *event*'s hashed fields (*values* stand in for some)."""
    content = {
        name: values[name] if name in values else _canonical_value(getattr(event, name))
        for name in HASHED_FIELDS
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_digest(event: AuditEvent) -> str:
    """The SHA-256 (hex) of *event*'s content and ``prev_hash``, as it is (to be) stored."""
    return hashlib.sha256(_document(event).encode("utf-8")).hexdigest()


def _document_around_link(event: AuditEvent) -> tuple[str, str, str]:
    """*event*'s document in three pieces around its ``prev_hash`` and ``seq``, which only the
    locked head knows: ``first + prev_hash + middle + str(seq) + last`` is the document.

    The two stand-ins are random, so no content can contain them; the keys are sorted, so
    ``prev_hash`` comes before ``seq``.
    """
    prev_mark, seq_mark = uuid.uuid4().hex, uuid.uuid4().hex
    document = _document(event, prev_hash=prev_mark, seq=seq_mark)
    first, found_prev, rest = document.partition(f'"{prev_mark}"')
    middle, found_seq, last = rest.partition(f'"{seq_mark}"')
    if not (found_prev and found_seq):
        raise AssertionError("the canonical document lost its prev_hash or seq")
    # prev_hash is a JSON string (hex: nothing to escape), seq a JSON number.
    return first + '"', '"' + middle, last


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


def _select_head(connection, chain: int) -> tuple[int, int, str] | None:
    """(id, last seq, last hash) of *chain*'s head, locked until the transaction ends, or
    None (no lock taken: READ COMMITTED on PostgreSQL and MySQL takes no gap lock).

    A locking read: it sees the latest committed head even under MySQL's snapshot reads.
    """
    select, _update = _head_sql(connection)
    with connection.cursor() as cursor:
        cursor.execute(select, [chain])
        row = cursor.fetchone()
    return None if row is None else (row[0], row[1], row[2])


def _lock_head(connection, chain: int) -> tuple[int, int, str]:
    """(id, last seq, last hash) of *chain*'s head, locked until the transaction ends; a new
    tenant chain is first announced on the system chain."""
    row = _select_head(connection, chain)
    if row is None and chain != SYSTEM_CHAIN:
        row = _announce_chain(connection, chain)
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
        row = _select_head(connection, chain)
    if row is None:
        raise AssertionError(f"the head of audit chain {chain} was not created")
    return row


def _announce_chain(connection, chain: int) -> tuple[int, int, str] | None:
    """Record on the system chain that tenant chain *chain* begins, so that verification can
    name it once it is gone; or, when another writer created it meanwhile, its locked head.

    Locks the system chain's head first: writers that create chains queue there, and each
    looks for the head again once it holds that lock, so a chain is announced once. The lock
    order is the services' own (the system chain before tenant chains).
    """
    from django.apps import apps

    from .services import _build  # the request's id and client address, as every event

    with rls_row_scope(None):
        system_head, seq, last_hash = _lock_head(connection, SYSTEM_CHAIN)
        row = _select_head(connection, chain)
        if row is not None:
            return row
        tenant = (
            apps.get_model("tenants", "Tenant")
            .objects.using(connection.alias)
            .filter(pk=chain)
            .values("name", "slug")
            .first()
        ) or {"name": "", "slug": ""}
        event = _build(
            tenant=None,
            actor=None,
            action=CHAIN_CREATE_ACTION,
            target_type="tenants.tenant",
            target_id=chain,
            target_label=tenant["name"],
            changes={"slug": {"old": None, "new": tenant["slug"]}},
        )
        _link_and_insert(connection, system_head, seq, last_hash, [event])
    return None


# On PostgreSQL, one event (what nearly every audited write appends) is linked in a single
# statement: lock the head, insert the event numbered and hashed by the database from the head
# (SHA-256 over the same canonical document ``event_digest`` hashes, assembled around the
# head's hash and next seq), and move the head. Writers of the tenant queue on the head for that
# statement and the commit only, not for three round trips and the Python between them.


_APPEND_ONE_SQL: dict[str, tuple[str, list[Any]]] = {}


def _append_one_sql(connection) -> tuple[str, list[Any]]:
    """The single-statement append and the event fields whose values it takes, in order
    (built once per database alias)."""
    if connection.alias not in _APPEND_ONE_SQL:
        _APPEND_ONE_SQL[connection.alias] = _build_append_one_sql(connection)
    return _APPEND_ONE_SQL[connection.alias]


def _build_append_one_sql(connection) -> tuple[str, list[Any]]:
    quote = connection.ops.quote_name
    head = {f.name: quote(f.column) for f in AuditChainHead._meta.concrete_fields}
    linked = ("id", "seq", "prev_hash", "hash")
    fields = [f for f in AuditEvent._meta.concrete_fields if f.name not in linked]
    ev = {f.name: quote(f.column) for f in AuditEvent._meta.concrete_fields}
    columns = ", ".join(ev[f.name] for f in fields)
    # Typed, because INSERT ... SELECT does not infer the columns' types from the literals.
    values = ", ".join(f"CAST(%s AS {f.cast_db_type(connection)})" for f in fields)
    head_table = quote(AuditChainHead._meta.db_table)
    sql = f"""WITH head AS (
    SELECT {head["id"]} AS id, {head["last_seq"]} + 1 AS seq,
        COALESCE(NULLIF({head["last_hash"]}, ''), %s) AS prev
    FROM {head_table} WHERE {head["chain"]} = %s FOR UPDATE
), event AS (
    INSERT INTO {quote(AuditEvent._meta.db_table)}
        ({columns}, {ev["seq"]}, {ev["prev_hash"]}, {ev["hash"]})
    SELECT {values}, head.seq, head.prev,
        encode(sha256(convert_to(%s || head.prev || %s || head.seq::text || %s, 'UTF8')), 'hex')
    FROM head
    RETURNING {ev["id"]} AS id, {ev["seq"]} AS seq, {ev["prev_hash"]} AS prev, {ev["hash"]} AS hash
)
UPDATE {head_table} SET {head["last_seq"]} = event.seq, {head["last_hash"]} = event.hash,
    {head["updated_at"]} = %s
FROM event, head WHERE {head_table}.{head["id"]} = head.id
RETURNING event.id, event.seq, event.prev, event.hash"""  # noqa: S608 - names quoted, values bound
    return sql, fields


def _append_one(connection, event: AuditEvent) -> bool:
    """Append *event* in one statement (PostgreSQL); False when its chain has no head yet."""
    sql, fields = _append_one_sql(connection)
    values = [f.get_db_prep_save(f.pre_save(event, True), connection) for f in fields]
    first, middle, last = _document_around_link(event)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(sql, [GENESIS, event.chain, *values, first, middle, last, now])
        row = cursor.fetchone()
    if row is None:
        return False
    event.pk, event.seq, event.prev_hash, event.hash = row
    event._state.adding = False
    event._state.db = connection.alias
    return True


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
        one = len(events) == 1 and connection.vendor == "postgresql"
        if one and _append_one(connection, events[0]):
            return events
        head, seq, last_hash = _lock_head(connection, chain)
        _link_and_insert(connection, head, seq, last_hash, events)
    return events


def _link_and_insert(
    connection, head: int, seq: int, last_hash: str, events: list[AuditEvent]
) -> None:
    """Number, link, hash and insert *events* after the locked head (*seq*, *last_hash*)."""
    last_hash = last_hash or GENESIS
    for event in events:
        seq += 1
        event.seq = seq
        event.prev_hash = last_hash
        event.hash = event_digest(event)
        last_hash = event.hash
    if len(events) == 1:
        events[0].save(using=connection.alias)
    else:
        AuditEvent.objects.using(connection.alias).bulk_create(events)
    _move_head(connection, head, seq, last_hash)


# -- verification ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainBreak:
    """The first event of a chain that does not fit, and why."""

    # "edited", "deleted", "inserted", "reordered"; against the checkpoints and the system
    # chain: "truncated", "rebuilt", "missing", "restarted"
    kind: str
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
    # Checkpoints that fail their signature or cannot be read, and a missing key: failures.
    problems: list[str] = field(default_factory=list)
    # Worth knowing, not a failure (e.g. no checkpoint file on this host).
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.chains) and not self.problems

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


def _when(checkpoint: Checkpoint) -> str:
    return f"{checkpoint.at} ({checkpoint.source})" if checkpoint.source else checkpoint.at


def _created(event: AuditEvent) -> str:
    return f"{event.created_at:%Y-%m-%d %H:%M:%S} UTC (system chain seq {event.seq})"


def chain_verify(
    chain: int,
    label: str = "",
    *,
    checkpoint: Checkpoint | None = None,
    created: Sequence[AuditEvent] = (),
) -> ChainReport:
    """Walk one chain in seq order and report the first event that breaks it, if any; then
    hold it against its highest *checkpoint* and its announcements on the system chain
    (*created*)."""
    report = ChainReport(chain=chain, label=label or str(chain))
    head_seq, head_hash = _head_state(chain)
    expected_seq, prev_hash = 1, GENESIS
    events = AuditEvent.objects.for_chain(chain).iterator(chunk_size=2000)
    if head_seq == 0 and (checkpoint is not None or created):
        first = next(events, None)
        if first is None:
            report.problem = _missing_problem(chain, label, checkpoint, created)
            return report
        events = itertools.chain([first], events)
    for event in events:
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
        if problem is None and checkpoint is not None and event.seq == checkpoint.seq:
            problem = _rebuilt_problem(event, checkpoint)
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
    elif len(created) > 1:
        first, again = created[0], created[-1]
        report.problem = ChainBreak(
            "restarted",
            f"the chain was begun again on {_created(again)} after it began on "
            f"{_created(first)}: its events and head were deleted before.",
            event_id=again.pk,
        )
    elif checkpoint is not None and report.last_seq < checkpoint.seq:
        deleted = (
            f"seq {checkpoint.seq} was"
            if checkpoint.seq == report.last_seq + 1
            else f"seqs {report.last_seq + 1}..{checkpoint.seq} were"
        )
        report.problem = ChainBreak(
            "truncated",
            f"the chain ends at seq {report.last_seq} but was checkpointed at seq "
            f"{checkpoint.seq} on {_when(checkpoint)}: {deleted} deleted and the head moved "
            f"back.",
            seq=report.last_seq + 1,
        )
    return report


def _rebuilt_problem(event: AuditEvent, checkpoint: Checkpoint) -> ChainBreak | None:
    if event.hash == checkpoint.hash:
        return None
    return ChainBreak(
        "rebuilt",
        f"event {event.pk} (seq {event.seq}): its hash differs from the checkpoint of "
        f"{_when(checkpoint)}; the chain was rewritten up to here and its hashes recomputed.",
        event_id=event.pk,
        seq=event.seq,
    )


def _missing_problem(
    chain: int, label: str, checkpoint: Checkpoint | None, created: Sequence[AuditEvent]
) -> ChainBreak:
    evidence = []
    if created:
        evidence.append(f"it was created on {_created(created[0])}")
    if checkpoint is not None:
        evidence.append(f"it was checkpointed at seq {checkpoint.seq} on {_when(checkpoint)}")
    return ChainBreak(
        "missing",
        f"the chain of {label} (tenant {chain}) has no events and no head, but "
        f"{' and '.join(evidence)}: it was deleted.",
    )


def chain_keys() -> list[int]:
    """Every chain that has events or a head, the system chain (0) first."""
    from_events = set(
        AuditEvent.objects.unscoped().order_by("chain").values_list("chain", flat=True).distinct()
    )
    from_heads = set(AuditChainHead.objects.values_list("chain", flat=True))
    return sorted(from_events | from_heads)


def chain_label(chain: int, tenants: dict[int, Any] | None = None, known: str = "") -> str:
    """The system chain's name, the tenant's slug, else the slug the checkpoints knew."""
    if chain == SYSTEM_CHAIN:
        return "(system)"
    tenant = (tenants or {}).get(chain)
    if tenant is not None:
        return str(tenant.slug)
    return known or f"tenant {chain} (deleted)"
