"""Merging two records of an entity into one, and undoing it exactly.

::

    journal = record_merge(
        membership=membership, keep=lead, other=duplicate, take={"phone", "company"},
        codename=MERGE, journal=LeadMerge, aside="merged_into", children=[(Activity, "lead")],
    )
    record_merge_undo(membership=membership, journal=journal, codename=MERGE,
                      aside="merged_into", children=[(Activity, "lead")])

The record kept takes the fields named in *take* from the other one (``record_update``:
checked, validated, audited); every child row (``children``: model and foreign key) moves to
it; the other record is set aside (*aside*: a nullable foreign key to its own model, which
the module's selectors leave out), not deleted. The *journal* model (the module's, a
``TenantOwnedModel`` with ``kept``/``merged`` foreign keys, ``kept_before`` a JSON field with
``DjangoJSONEncoder``, ``moved`` a JSON field and ``undone_at``) keeps what the undo needs:
the kept record's every field before, and the children moved. One transaction each, both
records locked in key order, audited.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opsbase.core.exceptions import InvalidTransition, NotFound, ValidationError
from opsbase.core.models import TenantOwnedModel
from opsbase.core.writes import atomic_write, row_lock
from opsbase.kernel.audit.services import audit_update, snapshot
from opsbase.kernel.policy import policy
from opsbase.kernel.tenants.models import Membership

from .services import record_update

Children = Sequence[tuple[type[models.Model], str]]


class MergeableBase(models.Model):
    """The fields of a record that may have duplicates: the likely one found on create
    (``kit.duplicates``), and the record it was merged into (``Merges(aside="merged_into")``:
    set aside, deleted with it)."""

    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=gettext_lazy("likely duplicate of"),
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    class Meta:
        abstract = True


class MergeJournalBase(TenantOwnedModel):
    """A journal of merges (the concrete model adds ``kept`` and ``merged`` foreign keys)."""

    kept_before = models.JSONField(encoder=DjangoJSONEncoder)
    moved = models.JSONField(default=dict)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # A concrete ``class Meta(MergeJournalBase.Meta)`` inherits the order: newest first.
        abstract = True
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.merged_id} → {self.kept_id}"  # type: ignore[attr-defined]


__all__ = ["MergeJournalBase", "MergeableBase", "Merges", "record_merge", "record_merge_undo"]


def _manager(model: type[models.Model], tenant_id: int) -> Any:
    return model._default_manager.for_tenant(tenant_id)  # type: ignore[attr-defined]


def _dumped(value: Any) -> Any:
    """*value* as JSON keeps it exactly (``DjangoJSONEncoder`` cuts times to milliseconds)."""
    if isinstance(value, datetime.datetime | datetime.time):
        return value.isoformat()
    return value


def _set_aside(membership: Membership, row: models.Model, aside: str, value: Any) -> None:
    before = snapshot(row)
    _manager(type(row), membership.tenant_id).filter(pk=row.pk).update(**{aside: value})
    setattr(row, aside, value)
    audit_update(membership=membership, obj=row, before=before)


@atomic_write
def record_merge(
    *,
    membership: Membership,
    keep: Any,
    other: Any,
    take: Iterable[str],
    codename: str,
    journal: type[models.Model],
    aside: str,
    children: Children = (),
    derive: Callable[..., Any] | None = None,
) -> Any:
    """Merge *other* into *keep* (see the module docstring); answers the journal entry."""
    model = type(keep)
    take = set(take)
    allowed = {
        f.name
        for f in model._meta.concrete_fields
        if f.editable and not f.primary_key and f.name not in ("tenant", aside)
    }
    if keep.pk == other.pk:
        raise ValidationError(extra={"fields": {"merge": [_("Choose another record.")]}})
    if take - allowed:
        message = _("These fields cannot be merged: %s.") % ", ".join(sorted(take - allowed))
        raise ValidationError(extra={"fields": {"fields": [message]}})
    tenant = membership.tenant_id
    rows = {pk: row_lock(model, pk=pk, tenant_id=tenant) for pk in sorted([keep.pk, other.pk])}
    kept, merged = rows[keep.pk], rows[other.pk]
    for row in (kept, merged):
        policy.require(membership, codename, row)
        if getattr(row, f"{aside}_id"):
            raise NotFound()
    moved = {}
    for child, fk in children:
        found = _manager(child, tenant).filter(**{fk: merged})
        moved[child._meta.label_lower] = list(found.values_list("pk", flat=True))
        found.update(**{fk: kept})
    entry = journal(
        tenant_id=tenant,
        kept=kept,
        merged=merged,
        kept_before={
            f.attname: _dumped(getattr(kept, f.attname)) for f in model._meta.concrete_fields
        },
        moved=moved,
    )
    entry.save()
    _set_aside(membership, merged, aside, kept)
    changes = {name: getattr(merged, model._meta.get_field(name).attname) for name in take}
    record_update(
        membership=membership, obj=keep, codename=codename, changes=changes, derive=derive
    )
    return entry


@atomic_write
def record_merge_undo(
    *, membership: Membership, journal: Any, codename: str, aside: str, children: Children = ()
) -> Any:
    """Undo the merge *journal* records: both records, field by field, and their children as
    they were before it. Answers the record kept."""
    if journal.undone_at is not None:
        raise InvalidTransition(_("This merge has already been undone."))
    tenant = membership.tenant_id
    model = type(journal).kept.field.related_model
    first, second = sorted([journal.kept_id, journal.merged_id])
    rows = {pk: row_lock(model, pk=pk, tenant_id=tenant) for pk in (first, second)}
    kept, merged = rows[journal.kept_id], rows[journal.merged_id]
    policy.require(membership, codename, kept)
    before = snapshot(kept)
    restored = {}
    for field in model._meta.concrete_fields:
        if not field.primary_key:
            saved = journal.kept_before[field.attname]
            restored[field.attname] = None if saved is None else field.to_python(saved)
    _manager(model, tenant).filter(pk=kept.pk).update(**restored)
    kept.refresh_from_db()
    audit_update(membership=membership, obj=kept, before=before)
    for child, fk in children:
        moved = journal.moved.get(child._meta.label_lower, [])
        _manager(child, tenant).filter(pk__in=moved).update(**{fk: merged})
    _set_aside(membership, merged, aside, None)
    journal.undone_at = timezone.now()
    journal.save(update_fields=["undone_at", "updated_at"])
    return kept


@dataclass(frozen=True)
class Merges:
    """A module's merge terms declared once; ``merge`` and ``undo`` are its services (the
    signatures ``MergePage`` and the API's merge actions call), ``page(fields)`` the
    entity's merge page over them::

        LEAD_MERGES = Merges(journal=LeadMerge, codename=MERGE, aside="merged_into",
                             children=((Activity, "lead"),), derive=LEAD_WRITES.derived)
    """

    journal: type[models.Model]
    codename: str
    aside: str
    children: Children = ()
    derive: Callable[..., Any] | None = None

    def merge(self, *, membership: Membership, keep: Any, merge: Any, fields: Any = None) -> Any:
        """Merge *merge* into *keep*: the fields marked ``"merge"`` come from it."""
        take = {name for name, side in (fields or {}).items() if side == "merge"}
        return record_merge(
            membership=membership,
            keep=keep,
            other=merge,
            take=take,
            codename=self.codename,
            journal=self.journal,
            aside=self.aside,
            children=self.children,
            derive=self.derive,
        )

    def undo(self, *, membership: Membership, merge: Any) -> Any:
        """Undo the merge *merge* (a journal entry): both records as they were."""
        return record_merge_undo(
            membership=membership,
            journal=merge,
            codename=self.codename,
            aside=self.aside,
            children=self.children,
        )

    def page(self, fields: Sequence[str], duplicate_field: str | None = "duplicate_of") -> Any:
        """The ``kit.merge_pages.MergePage`` of these terms (a ``Pages.merge``): *fields* the
        member picks, in order; *duplicate_field* the likely duplicate the detail page links
        to (``MergeableBase``'s; None: no link)."""
        from .merge_pages import MergePage  # the pages import the views: not at model time

        return MergePage(
            codename=self.codename,
            fields=fields,
            merge=self.merge,
            undo=self.undo,
            journal=self.journal,
            duplicate_field=duplicate_field,
        )
