"""Recording audit events. Call these inside the service's transaction.

INTERFACE CONTRACT: other apps call exactly these names::

    @transaction.atomic
    def task_update(*, membership, task, **data) -> Task:
        before = snapshot(task)
        ...change and save task...
        audit_update(membership=membership, obj=task, before=before)

The event is appended to the tenant's hash chain in the same transaction as the change, so a
rolled-back change leaves no event and a committed change always has one. Request id, IP
address and user agent come from the request context (``opsbase.core.context``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.duration import duration_iso_string
from django.utils.ipv6 import clean_ipv6_address

from opsbase.core.context import current_client, current_request_id

from .chain import VerifyResult, chain_append, chain_keys, chain_label, chain_verify
from .checkpoints import (
    CHECKPOINT_ACTION,
    Checkpoint,
    audit_keys,
    checkpoint_file,
    checkpoint_file_append,
    evidence_collect,
)
from .masking import MASK, is_masked
from .models import SYSTEM_CHAIN, AuditAction, AuditChainHead, AuditEvent, chain_key

if TYPE_CHECKING:
    from opsbase.kernel.accounts.models import User
    from opsbase.kernel.tenants.models import Membership, Tenant

logger = logging.getLogger(__name__)

__all__ = [
    "audit_account_event",
    "audit_bulk_create",
    "audit_bulk_delete",
    "audit_bulk_update",
    "audit_chain_verify",
    "audit_checkpoint",
    "audit_create",
    "audit_delete",
    "audit_event",
    "audit_update",
    "snapshot",
]


class _Secret:
    """A masked field's value in a snapshot: comparable, never readable."""

    __slots__ = ("digest",)

    def __init__(self, value: Any) -> None:
        raw = json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True, default=str)
        self.digest = hashlib.sha256(raw.encode("utf-8")).hexdigest()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Secret) and other.digest == self.digest

    def __hash__(self) -> int:
        return hash(self.digest)

    def __repr__(self) -> str:
        return MASK


def _json_value(value: Any) -> Any:
    """*value* as plain JSON data: ids for relations, ISO strings for dates and durations."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return (
            value if value == value and value not in (float("inf"), float("-inf")) else str(value)
        )
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(dt.UTC)
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return duration_iso_string(value)
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, bytes | bytearray | memoryview):
        return f"<{len(bytes(value))} bytes>"
    if isinstance(value, models.Model):
        return _json_value(value.pk)
    if isinstance(value, Mapping):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_json_value(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    # Whatever else a custom field holds: its JSON spelling, or its text.
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, default=str))


def _audited_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    fields: list[models.Field[Any, Any]] = []
    for f in model._meta.concrete_fields:
        if f.primary_key or getattr(f, "auto_now", False):
            continue  # The id is the target id; "updated at" changes with every save.
        fields.append(f)
    return fields


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The audited field values of *obj*, taken before a change (for ``audit_update``)."""
    label = obj._meta.label_lower
    values: dict[str, Any] = {}
    for f in _audited_fields(obj.__class__):
        value = _json_value(f.value_from_object(obj))
        values[f.name] = _Secret(value) if is_masked(f.name, label) else value
    return values


def _public(name: str, value: Any, label: str | None) -> Any:
    if value is None:
        return None
    if isinstance(value, _Secret) or is_masked(name, label):
        return MASK
    return _json_value(value)


def _changes_of(
    old: Mapping[str, Any], new: Mapping[str, Any], label: str | None, *, only_changed: bool
) -> dict[str, dict[str, Any]]:
    changes = {}
    for name in sorted(set(old) | set(new)):
        before, after = old.get(name), new.get(name)
        if only_changed and before == after:
            continue
        changes[name] = {"old": _public(name, before, label), "new": _public(name, after, label)}
    return changes


def _client_ip(raw: str | None) -> str | None:
    if not raw:
        return None
    # Stored as the database will hand it back, so the hash still matches after a round trip.
    return clean_ipv6_address(raw) if ":" in raw else raw


def _build(
    *,
    tenant: Tenant | int | None,
    actor: User | int | None,
    action: str,
    target_type: str = "",
    target_id: Any = "",
    target_label: str = "",
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    tenant_id = tenant if tenant is None or isinstance(tenant, int) else tenant.pk
    client = current_client()
    actor_label = ""
    if actor is not None:
        actor_label = getattr(actor, "email", "") or str(actor)
    # A JSON round trip now, so the hash is computed over exactly what is read back later.
    stored_changes = json.loads(json.dumps(changes or {}, cls=DjangoJSONEncoder, default=str))
    return AuditEvent(
        tenant_id=tenant_id,
        chain=chain_key(tenant_id),
        actor_id=getattr(actor, "pk", actor),
        actor_label=actor_label[:254],
        action=str(action)[:64],
        target_type=target_type[:100],
        target_id="" if target_id is None else str(target_id)[:64],
        target_label=str(target_label or "")[:255],
        changes=stored_changes,
        request_id=(current_request_id() or "")[:128],
        ip=_client_ip(client.get("ip")),
        user_agent=(client.get("user_agent") or "")[:500],
        created_at=timezone.now(),
    )


def _tenant_of(membership: Membership | None, obj: models.Model) -> int | None:
    if membership is not None:
        return membership.tenant_id
    if obj._meta.label_lower == "tenants.tenant":
        return int(obj.pk)  # what happens to an organization is in its own chain
    return getattr(obj, "tenant_id", None)


def _actor_of(membership: Membership | None, actor: User | None = None) -> User | None:
    if actor is not None:
        return actor
    return membership.user if membership is not None else None


def _object_event(
    *,
    membership: Membership | None,
    obj: models.Model,
    action: str,
    changes: dict[str, Any],
    actor: User | None = None,
) -> AuditEvent:
    return _build(
        tenant=_tenant_of(membership, obj),
        actor=_actor_of(membership, actor),
        action=action,
        target_type=obj._meta.label_lower,
        target_id=obj.pk,
        target_label=str(obj),
        changes=changes,
    )


def _create_event(
    membership: Membership | None, obj: models.Model, action: str, actor: User | None = None
) -> AuditEvent:
    label = obj._meta.label_lower
    changes = _changes_of({}, snapshot(obj), label, only_changed=False)
    return _object_event(
        membership=membership, obj=obj, action=action, changes=changes, actor=actor
    )


def _update_event(
    membership: Membership | None,
    obj: models.Model,
    before: Mapping[str, Any],
    action: str,
    actor: User | None = None,
) -> AuditEvent | None:
    label = obj._meta.label_lower
    changes = _changes_of(before, snapshot(obj), label, only_changed=True)
    if not changes and action == AuditAction.UPDATE:
        return None
    return _object_event(
        membership=membership, obj=obj, action=action, changes=changes, actor=actor
    )


def _delete_event(
    membership: Membership | None, obj: models.Model, action: str, actor: User | None = None
) -> AuditEvent:
    label = obj._meta.label_lower
    changes = _changes_of(snapshot(obj), {}, label, only_changed=False)
    return _object_event(
        membership=membership, obj=obj, action=action, changes=changes, actor=actor
    )


def _append(events: list[AuditEvent]) -> list[AuditEvent]:
    by_chain: dict[int, list[AuditEvent]] = {}
    for event in events:
        by_chain.setdefault(event.chain, []).append(event)
    # A fixed order of chains, so two writers touching the same chains cannot deadlock.
    for chain in sorted(by_chain):
        chain_append(by_chain[chain])
    return events


def audit_create(
    *,
    membership: Membership | None,
    obj: models.Model,
    action: str = AuditAction.CREATE,
    actor: User | None = None,
) -> AuditEvent:
    """Record that *membership* created *obj* (every field's new value).

    *actor* names who acted when no membership does (a superuser in the Django admin).
    """
    return _append([_create_event(membership, obj, action, actor)])[0]


def audit_update(
    *,
    membership: Membership | None,
    obj: models.Model,
    before: dict[str, Any],
    action: str = AuditAction.UPDATE,
    actor: User | None = None,
) -> AuditEvent | None:
    """Record the fields of *obj* that differ from *before* (old and new values).

    A plain ``"update"`` that changed nothing records nothing; another action (a state
    change such as ``"task.complete"``) is recorded even without field changes.
    """
    event = _update_event(membership, obj, before, action, actor)
    return _append([event])[0] if event is not None else None


def audit_delete(
    *,
    membership: Membership | None,
    obj: models.Model,
    action: str = AuditAction.DELETE,
    actor: User | None = None,
) -> AuditEvent:
    """Record that *membership* deleted *obj* (every field's old value).

    Call it before ``obj.delete()`` (or keep the pk): Django clears ``obj.pk`` on delete.
    """
    return _append([_delete_event(membership, obj, action, actor)])[0]


def audit_event(
    *,
    tenant: Tenant | int | None,
    actor: User | int | None,
    action: str,
    target: models.Model | None = None,
    target_label: str = "",
    changes: dict[str, tuple[Any, Any]] | None = None,
    target_type: str = "",
    target_id: Any = "",
) -> AuditEvent:
    """Record any other event (login, failed login, state change) for *tenant* (may be None).

    *changes* maps field names to ``(old, new)``; fields whose names hold secrets are masked.
    Without a tenant the event goes to the system chain.
    """
    recorded: dict[str, dict[str, Any]] = {}
    for name, pair in (changes or {}).items():
        old, new = pair
        recorded[str(name)] = {"old": _public(name, old, None), "new": _public(name, new, None)}
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or target.pk
        target_label = target_label or str(target)
    event = _build(
        tenant=tenant,
        actor=actor,
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_label=target_label,
        changes=recorded,
    )
    return _append([event])[0]


def audit_account_event(
    *,
    user: User,
    action: str,
    actor: User | int | None = None,
    changes: dict[str, tuple[Any, Any]] | None = None,
) -> list[AuditEvent]:
    """Record a security event of *user*'s account (a password changed or reset, a sign-in
    lockout) on the system chain and on the chain of every organization *user* is an active
    member of, so each organization's Admins see it in their own audit log."""
    from opsbase.kernel.tenants.selectors import membership_list_for_user

    tenant_ids = dict.fromkeys(m.tenant_id for m in membership_list_for_user(user=user))
    recorded = {
        str(name): {"old": _public(name, old, None), "new": _public(name, new, None)}
        for name, (old, new) in (changes or {}).items()
    }
    events = [
        _build(
            tenant=tenant_id,
            actor=actor,
            action=action,
            target_type=user._meta.label_lower,
            target_id=user.pk,
            target_label=user.email,
            changes=recorded,
        )
        for tenant_id in (None, *tenant_ids)
    ]
    return _append(events)


def audit_bulk_create(
    *, membership: Membership | None, objs: Sequence[models.Model], action: str = AuditAction.CREATE
) -> list[AuditEvent]:
    """One create event per object of a bulk insert (objects need their pk, as after
    ``bulk_create`` on PostgreSQL, SQLite and MariaDB)."""
    return _append([_create_event(membership, obj, action) for obj in objs])


def audit_bulk_update(
    *,
    membership: Membership | None,
    objs: Sequence[models.Model],
    befores: Sequence[dict[str, Any]] | Mapping[Any, dict[str, Any]],
    action: str = AuditAction.UPDATE,
) -> list[AuditEvent]:
    """One update event per changed object of a bulk update.

    *befores* holds each object's :func:`snapshot`: in the order of *objs*, or keyed by pk.
    """
    if isinstance(befores, Mapping):
        pairs = [(obj, befores[obj.pk]) for obj in objs]
    else:
        if len(befores) != len(objs):
            raise ValueError("audit_bulk_update() needs one snapshot per object.")
        pairs = list(zip(objs, befores, strict=True))
    events = [_update_event(membership, obj, before, action) for obj, before in pairs]
    return _append([e for e in events if e is not None])


def audit_bulk_delete(
    *, membership: Membership | None, objs: Sequence[models.Model], action: str = AuditAction.DELETE
) -> list[AuditEvent]:
    """One delete event per object of a bulk delete (call before deleting)."""
    return _append([_delete_event(membership, obj, action) for obj in objs])


def audit_chain_verify(*, tenant: Tenant | int | None = None, system: bool = False) -> VerifyResult:
    """Check the stored chains: *tenant*'s, the system chain (``system=True``), or all, each
    against its signed checkpoints and its announcement on the system chain; with every
    chain, each chain that the checkpoints or the system chain know of and that is gone."""
    from opsbase.kernel.tenants.models import Tenant

    evidence = evidence_collect()
    if tenant is not None:
        keys = [chain_key(tenant)]
    elif system:
        keys = [chain_key(None)]
    else:
        keys = sorted(set(chain_keys()) | evidence.chains())
    tenants = Tenant.objects.in_bulk([k for k in keys if k])
    reports = [
        chain_verify(
            k,
            chain_label(k, tenants, evidence.labels.get(k, "")),
            checkpoint=evidence.latest.get(k),
            created=evidence.created.get(k, ()),
        )
        for k in keys
    ]
    return VerifyResult(chains=reports, problems=evidence.problems, warnings=evidence.warnings)


@dataclass
class CheckpointRun:
    """The checkpoints one run wrote (to *path* and in *event* of the system chain)."""

    checkpoints: list[Checkpoint] = field(default_factory=list)
    event: AuditEvent | None = None
    path: Path | None = None
    # Chains whose head is behind their last checkpoint: left alone, and logged.
    behind: list[int] = field(default_factory=list)


def audit_checkpoint(*, chains: Iterable[int] | None = None) -> CheckpointRun:
    """Sign the head of every chain (or of *chains*) that moved since its last checkpoint,
    and record them in the checkpoint file and in an event of the system chain.

    Raises ``AuditKeyMissing`` without a key (deployed), ``CheckpointWriteError`` when the
    file cannot be written (the system chain's copy is kept; the next run writes the file).
    """
    from opsbase.kernel.tenants.models import Tenant

    key = audit_keys()[0]
    wanted = None if chains is None else set(chains)
    at = timezone.now().astimezone(dt.UTC).isoformat(timespec="seconds")
    path = checkpoint_file()
    run = CheckpointRun(path=path)
    with transaction.atomic():
        heads = list(AuditChainHead.objects.exclude(chain=SYSTEM_CHAIN).order_by("chain"))
        if wanted is not None:
            heads = [h for h in heads if h.chain in wanted]
        run.behind = [h.chain for h in heads if h.last_seq < h.checkpoint_seq]
        moved = [h for h in heads if h.last_seq > h.checkpoint_seq]
        system = AuditChainHead.objects.filter(chain=SYSTEM_CHAIN).first()
        system_moved = system is None or system.last_seq > system.checkpoint_seq
        if not moved and not (system_moved and (wanted is None or SYSTEM_CHAIN in wanted)):
            _log_behind(run.behind)
            return run
        tenants = Tenant.objects.in_bulk([h.chain for h in moved])
        run.checkpoints = [
            Checkpoint(h.chain, h.last_seq, h.last_hash, at, chain_label(h.chain, tenants)).signed(
                key
            )
            for h in moved
        ]
        run.event = audit_event(
            tenant=None,
            actor=None,
            action=CHECKPOINT_ACTION,
            target_label=f"{len(run.checkpoints)} chain(s)",
            changes={str(c.chain): (None, c.record()) for c in run.checkpoints},
        )
        # The system chain as it stands with this event, so that the file also protects it.
        run.checkpoints.append(
            Checkpoint(SYSTEM_CHAIN, run.event.seq, run.event.hash, at, "(system)").signed(key)
        )
    _log_behind(run.behind)
    # After the commit: a line must never claim an event that was rolled back.
    checkpoint_file_append(path, run.checkpoints)
    now = timezone.now()
    for checkpoint in run.checkpoints:
        # One short statement each: no lock held across chains while appenders hold theirs.
        AuditChainHead.objects.filter(
            chain=checkpoint.chain, checkpoint_seq__lt=checkpoint.seq
        ).update(checkpoint_seq=checkpoint.seq, checkpoint_at=now)
    return run


def _log_behind(chains: list[int]) -> None:
    if chains:
        logger.error(
            "Audit chains behind their last checkpoint (truncated, or restored from a backup): "
            "%s. Run manage.py audit_verify.",
            ", ".join(str(c) for c in chains),
        )
