"""The mechanics of every write of a record: a module's service states only its business rule.

::

    @atomic_write
    def lead_update(*, membership, lead, **changes) -> Lead:
        return record_update(
            membership=membership, obj=lead, codename=CHANGE, changes=changes,
            check=lambda row, changed: _owner_is_a_member(membership, row),
            after_commit=lambda row, changed: _notify(row) if "owner" in changed else None,
        )

Each helper, in one transaction (``opsbase.core.writes.atomic_write``: joined when the module's
service already holds one; on SQLite a busy database is retried briefly):

* takes the record's row lock first and reads the row again (``row_lock``): a record deleted
  meanwhile, or another tenant's, is ``NotFound`` (404), never a failed save (500);
* checks the policy on that fresh row (ownership may have changed since the caller read it);
* works on the fresh row, so the "before" of its audit event is what the previous write left:
  parallel edits give a history where each event's old values are the previous one's new;
* validates (``full_clean``, relations excepted: the module checks those in ``check``),
  saves only what changed, and appends the audit event last, so the chain head is always the
  last lock taken (one lock order for every write: no deadlock between writers);
* queues ``after_commit(row, changed)`` (notifications) for after the commit, in the record's
  tenant context; a failing effect is logged, never turned into an error of the saved write.

Strings are stripped of surrounding whitespace. The caller's object is refreshed with the
saved row (its related objects stay at hand where they did not change).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from django.db import models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _

from opsbase.core.context import tenant_context
from opsbase.core.exceptions import Conflict, InvalidTransition, ValidationError
from opsbase.core.validation import validated
from opsbase.core.writes import atomic_write, locked_relations_keep, row_lock
from opsbase.kernel.audit.services import audit_create, audit_delete, audit_update, snapshot
from opsbase.kernel.policy import policy
from opsbase.kernel.tenants.models import Membership

from .hooks import listeners

logger = logging.getLogger(__name__)

M = TypeVar("M", bound=models.Model)
R = TypeVar("R")
Check = Callable[[M, frozenset[str]], None]
Effect = Callable[[M, frozenset[str]], None]
Derive = Callable[[M, frozenset[str]], Mapping[str, Any]]

__all__ = [
    "fields_allowed",
    "RowsInvalid",
    "record_create",
    "record_create_many",
    "record_delete",
    "record_move_to",
    "record_update",
    "plain_create",
    "plain_delete",
    "plain_update",
]


class RowsInvalid(ValidationError):
    """Some of the records of ``record_create_many`` were refused: ``rows`` maps each one's
    index to its messages. Nothing was written."""

    def __init__(self, rows: dict[int, list[str]]) -> None:
        super().__init__(_("Some records are invalid."), extra={"rows": rows})
        self.rows = rows


def _concrete(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def _clean_exclusions(model: type[models.Model]) -> list[str]:
    """Fields ``full_clean`` leaves to the service: the tenant and the other relations (their
    rows are the module's to check, against the member's tenant, without a query each) and
    workflow states (only a transition moves them)."""
    return [
        f.name
        for f in _concrete(model)
        if f.is_relation or getattr(f, "workflow", None) is not None
    ]


def _check_members(membership: Membership, row: models.Model, changed: frozenset[str]) -> None:
    """A record names only active members of its own organization (an assignee, a
    reviewer...): every changed relation to a membership is checked, whatever the module."""
    errors: dict[str, list[str]] = {}
    for field in _concrete(type(row)):
        if field.name not in changed or getattr(field, "related_model", None) is not Membership:
            continue
        member = getattr(row, field.name)
        if member is None:
            continue
        if member.tenant_id != membership.tenant_id:
            errors[field.name] = [_("Choose a member of this organization.")]
        elif not member.is_active:
            errors[field.name] = [_("This member is deactivated; choose another.")]
    if errors:
        raise ValidationError(extra={"fields": errors})


def _stripped(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _differs(row: models.Model, field: models.Field[Any, Any], value: Any) -> bool:
    if field.is_relation:
        return bool(getattr(row, field.attname) != getattr(value, "pk", value))
    return bool(getattr(row, field.attname) != value)


def _set(row: models.Model, field: models.Field[Any, Any], value: Any) -> None:
    if field.is_relation and not isinstance(value, models.Model):
        setattr(row, field.attname, value)  # an id (or None)
    else:
        setattr(row, field.name, value)


def _refresh(obj: M, row: M, changes: Mapping[str, Any]) -> None:
    """*obj* as the saved *row*; related objects given as the changes stay cached on it."""
    for field in _concrete(type(row)):
        value = changes.get(field.name)
        if field.is_relation and isinstance(value, models.Model):
            setattr(obj, field.name, value)
        else:
            setattr(obj, field.attname, getattr(row, field.attname))


def _after_commit(effect: Effect[M] | None, row: M, changed: frozenset[str]) -> None:
    if effect is None:
        return
    tenant_id = getattr(row, "tenant_id", None)
    label = f"{row._meta.label_lower} #{row.pk}"

    def run() -> None:
        try:
            # A background job queued here carries the record's tenant in its headers.
            with tenant_context(tenant_id):
                effect(row, changed)
        except Exception:
            # The write is committed: a broker or mail server outage must not turn the answer
            # into a 500 (nor hide that the effect was lost).
            logger.exception("After-commit effect of %s failed", label)

    transaction.on_commit(run)


def fields_allowed(
    fields: Iterable[str], allowed: Iterable[str], service: str, verb: str = "set"
) -> None:
    """Refuse (``TypeError``, a programming error) keywords a service does not set (or
    change: *verb*)."""
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise TypeError(f"{service}() cannot {verb} {', '.join(unknown)}.")


@atomic_write
def record_create(
    *,
    membership: Membership,
    obj: M,
    codename: str,
    check: Check[M] | None = None,
    after_commit: Effect[M] | None = None,
    derive: Derive[M] | None = None,
) -> M:
    """Save the new *obj* in *membership*'s tenant, checked, validated and audited.

    *derive(row, changed)* gives fields worked out from the others (a score, a normalized
    phone number): set after the check, saved and audited with the rest."""
    obj.tenant_id = membership.tenant_id  # type: ignore[attr-defined]  # a TenantOwnedModel
    policy.require(membership, codename, obj)
    fields = _concrete(type(obj))
    for field in fields:
        if not field.is_relation:
            setattr(obj, field.attname, _stripped(getattr(obj, field.attname)))
    changed = frozenset(f.name for f in fields)
    _check_members(membership, obj, changed)
    if check is not None:
        check(obj, changed)
    event = obj._meta.label_lower
    for fill in listeners(f"{event}.creating"):
        for name, value in (fill(obj) or {}).items():
            setattr(obj, name, value)
    if derive is not None:
        for name, value in derive(obj, changed).items():
            setattr(obj, name, value)
    validated(obj, exclude=_clean_exclusions(type(obj)))
    obj.save()
    audit_create(membership=membership, obj=obj)
    for created in listeners(f"{event}.created"):
        created(membership=membership, obj=obj)
    _after_commit(after_commit, obj, changed)
    return obj


@atomic_write
def record_create_many(
    *,
    membership: Membership,
    objs: list[M],
    codename: str,
    check: Check[M] | None = None,
    derive: Derive[M] | None = None,
    batch_size: int = 500,
) -> list[M]:
    """``record_create`` for many new records at once (an import): each one checked, derived
    and validated as ``record_create`` does, then inserted in batches with one audit event
    each. Any refused record raises ``RowsInvalid`` naming them all, and nothing is written."""
    if not objs:
        return objs
    model = type(objs[0])
    fields = _concrete(model)
    changed = frozenset(f.name for f in fields)
    exclude = _clean_exclusions(model)
    refused: dict[int, list[str]] = {}
    for index, obj in enumerate(objs):
        obj.tenant_id = membership.tenant_id  # type: ignore[attr-defined]
        try:
            policy.require(membership, codename, obj)
            for field in fields:
                if not field.is_relation:
                    setattr(obj, field.attname, _stripped(getattr(obj, field.attname)))
            _check_members(membership, obj, changed)
            if check is not None:
                check(obj, changed)
            if derive is not None:
                for name, value in derive(obj, changed).items():
                    setattr(obj, name, value)
            validated(obj, exclude=exclude)
        except ValidationError as exc:
            messages = [m for ms in (exc.extra.get("fields") or {}).values() for m in ms]
            refused[index] = messages or [exc.message]
    if refused:
        raise RowsInvalid(refused)
    now = timezone.now()
    for obj in objs:
        for name in ("created_at", "updated_at"):
            if hasattr(obj, name) and getattr(obj, name) is None:
                setattr(obj, name, now)
    from opsbase.core.rls import rls_row_scope
    from opsbase.kernel.audit.services import audit_bulk_create

    with rls_row_scope(membership.tenant_id):
        created: list[M] = model._default_manager.for_tenant(  # type: ignore[attr-defined]
            membership.tenant_id
        ).bulk_create(objs, batch_size=batch_size)
    # Audited by batches too: one statement for 10,000 events outgrows MariaDB's
    # max_allowed_packet.
    for start in range(0, len(created), batch_size):
        audit_bulk_create(membership=membership, objs=created[start : start + batch_size])
    # A bulk insert sends no post_save: the cached lists of the tenant are renewed here.
    from opsbase.core.cache import tenant_version_bump

    tenant_version_bump(membership.tenant_id)
    return created


@atomic_write
def record_update(
    *,
    membership: Membership,
    obj: M,
    codename: str,
    changes: Mapping[str, Any],
    check: Check[M] | None = None,
    after_commit: Effect[M] | None = None,
    derive: Derive[M] | None = None,
) -> M:
    """Apply *changes* (field name: value; relations as objects or ids) to *obj*'s row under
        its lock; save and audit only the fields whose values differ (and those *derive* then
    changes, as in ``record_create``). Returns *obj*, refreshed."""
    model = type(obj)
    by_name = {f.name: f for f in _concrete(model)}
    unknown = sorted(set(changes) - set(by_name))
    if unknown:
        raise TypeError(f"record_update() cannot change {', '.join(unknown)} of {model.__name__}.")
    row = row_lock(model, pk=obj.pk, tenant_id=membership.tenant_id)
    locked_relations_keep(obj, row)
    policy.require(membership, codename, row)
    wanted = {name: _stripped(value) for name, value in changes.items()}
    edits = {name: v for name, v in wanted.items() if _differs(row, by_name[name], v)}
    if edits:
        before = snapshot(row)
        for name, value in edits.items():
            _set(row, by_name[name], value)
        changed = frozenset(edits)
        _check_members(membership, row, changed)
        if check is not None:
            check(row, changed)
        if derive is not None:
            for name, value in derive(row, changed).items():
                if _differs(row, by_name[name], value):
                    _set(row, by_name[name], value)
                    edits[name] = value
        validated(row, exclude=_clean_exclusions(model))
        update_fields = [by_name[name].attname for name in edits]
        if "updated_at" in by_name:
            update_fields.append("updated_at")
        row.save(update_fields=update_fields)
        audit_update(membership=membership, obj=row, before=before)
        _after_commit(after_commit, row, changed)
    _refresh(obj, row, edits)
    return obj


@atomic_write
def record_delete(
    *,
    membership: Membership,
    obj: M,
    codename: str,
    after_commit: Effect[M] | None = None,
) -> None:
    """Delete *obj*'s row (and what cascades from it) under its lock; audited. A record still
    used by others (a protecting relation) is a ``Conflict`` (409) naming them."""
    model = type(obj)
    row = row_lock(model, pk=obj.pk, tenant_id=membership.tenant_id)
    policy.require(membership, codename, row)
    pk = row.pk
    try:
        row.delete()
    except (ProtectedError, RestrictedError) as exc:
        users = sorted({str(o._meta.verbose_name_plural) for o in exc.args[1]})
        raise Conflict(
            _("“%(record)s” is still used by %(users)s; it cannot be deleted.")
            % {"record": row, "users": ", ".join(users)},
            extra={"used_by": users},
        ) from None
    # Audited after the delete, so that the chain head is the last lock taken (the cascade
    # locks other rows); the event needs the id Django clears on delete.
    row.pk = pk
    audit_delete(membership=membership, obj=row)
    _after_commit(after_commit, row, frozenset())


def record_move_to(
    *,
    membership: Membership,
    obj: M,
    state: str,
    move: Callable[[str], Any] | None = None,
) -> M:
    """Move *obj* to *state* through the workflow transition that leads there from its state
    now (``move(transition name)``, the module's transition service; else the workflow's
    own). An unknown state is a field error; one that cannot be reached from here raises
    ``InvalidTransition`` naming the transitions possible now."""
    from opsbase.kernel.workflows import state_field_of, transition_apply, transitions_available

    field = state_field_of(type(obj))
    workflow = field.workflow
    assert workflow is not None  # noqa: S101 - state_field_of gives declared ones
    current = str(getattr(obj, field.attname))
    if state not in workflow.labels:
        message = _("“%(value)s” is not a valid choice.") % {"value": state}
        raise ValidationError(extra={"fields": {field.name: [message]}})
    leading = [t for t in workflow.leaving(current) if t.target == state]
    if not leading:
        options = transitions_available(membership=membership, obj=obj)
        allowed = [option.name for option in options if option.allowed]
        message = _("This %(model)s cannot go from %(old)s to %(new)s.") % {
            "model": obj._meta.verbose_name,
            "old": workflow.label_of(current),
            "new": workflow.label_of(state),
        }
        if allowed:
            message += " " + _("Possible now: %(allowed)s.") % {"allowed": ", ".join(allowed)}
        raise InvalidTransition(
            message, extra={"state": current, field.name: state, "allowed": allowed}
        )
    if move is not None:
        move(leading[0].name)
    else:
        transition_apply(membership=membership, obj=obj, transition=leading[0].name)
    return obj


def plain_create(model: type[M], codename: str) -> Callable[..., M]:
    """``<entity>_create(*, membership, **data)`` for a record with no rule of its own: the
    model's validation, the policy's *codename*, the audit (``record_create``)."""

    def create(*, membership: Membership, **data: Any) -> M:
        return record_create(membership=membership, obj=model(**data), codename=codename)

    create.__name__ = f"{model._meta.model_name}_create"
    return create


def plain_update(name: str, codename: str) -> Callable[..., Any]:
    """``<entity>_update(*, membership, <entity>, **changes)`` (``record_update``)."""

    def update(*, membership: Membership, **changes: Any) -> Any:
        obj = changes.pop(name)
        return record_update(membership=membership, obj=obj, codename=codename, changes=changes)

    update.__name__ = f"{name}_update"
    return update


def plain_delete(name: str, codename: str) -> Callable[..., None]:
    """``<entity>_delete(*, membership, <entity>)`` (``record_delete``)."""

    def delete(*, membership: Membership, **kwargs: Any) -> None:
        record_delete(membership=membership, obj=kwargs[name], codename=codename)

    delete.__name__ = f"{name}_delete"
    return delete


def record_service(
    name: str, write: Callable[..., R], record: str, /, **renamed: str
) -> Callable[..., R]:
    """The module's service *name* (``lead_move(*, membership, lead, ...)``) doing *write*, a
    kit engine's write taking its record as ``obj=`` (``Deals.update``, ``Timeline.add``,
    ``Conversion.run``...): the record by the entity's name, as ``Entity`` and ``Board`` pass
    it; *renamed* maps the service's other keywords to the write's (``lost_reason="lost"``)."""

    def service(*, membership: Membership, **kwargs: Any) -> R:
        if record not in kwargs:
            raise TypeError(f"{name}() missing the keyword argument {record!r}")
        kwargs["obj"] = kwargs.pop(record)
        for given, taken in renamed.items():
            if given in kwargs:
                kwargs[taken] = kwargs.pop(given)
        return write(membership=membership, **kwargs)

    service.__name__ = service.__qualname__ = name
    service.__doc__ = write.__doc__
    return service
