"""Writes of the forms engine: templates and their draft fields, publication of versions,
JSON import, and filled forms (checked by ``engine.evaluate``, kept against their version).

This is the public interface other modules use (inspections, procedures, maintenance)::

    from opsbase.modules.checklists.services import submission_create
    submission = submission_create(membership=m, version=v, answers={...},
                                   subject="quality.inspection")
    submission.result          # "pass" or "fail"; submission.flags names each failed field

A filled form with a missing required answer or a value not of its type raises
``ValidationError`` with ``fields`` ``{"answers.<key>": [...]}`` (400 through the API).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from opsbase.core.exceptions import Conflict, ValidationError
from opsbase.core.writes import atomic_write, row_lock
from opsbase.kernel.policy import policy
from opsbase.kernel.tenants.models import Membership
from opsbase.kit.services import fields_allowed, record_create, record_delete, record_update

from .constants import ADD, CHANGE, DELETE, EXPORT_FORMAT, EXPORT_VERSION, FILL, VIEW
from .engine import Evaluation, Image, SchemaError, clean_fields, evaluate
from .models import FormSubmission, FormTemplate, FormVersion


def _fields_error(problems: Mapping[str, list[str]], prefix: str = "") -> ValidationError:
    return ValidationError(
        _("Please correct the errors below."),
        extra={"fields": {f"{prefix}{k}": list(v) for k, v in problems.items()}},
    )


def _cleaned(fields: Any) -> list[dict[str, Any]]:
    try:
        return clean_fields(fields)
    except SchemaError as exc:
        raise _fields_error(exc.problems) from None


def _name_check(membership: Membership) -> Any:
    def check(row: FormTemplate, changed: frozenset[str]) -> None:
        if "name" not in changed:
            return
        taken = (
            FormTemplate.objects.for_tenant(membership.tenant_id)
            .filter(name__iexact=row.name)
            .exclude(pk=row.pk)
            .exists()
        )
        if taken:
            message = _("Another form template already has this name.")
            raise ValidationError(message, extra={"fields": {"name": [message]}})

    return check


@atomic_write
def formtemplate_create(
    *,
    membership: Membership,
    name: str,
    description: str = "",
    fields: list[dict[str, Any]] | None = None,
) -> FormTemplate:
    """A new template with *fields* as its draft (checked by ``engine.clean_fields``);
    nothing is published yet."""
    template = FormTemplate(
        name=name or "",
        description=description or "",
        draft=_cleaned(fields or []),
        created_by=membership.user,
    )
    return record_create(
        membership=membership, obj=template, codename=ADD, check=_name_check(membership)
    )


@atomic_write
def formtemplate_update(
    *, membership: Membership, formtemplate: FormTemplate, **changes: Any
) -> FormTemplate:
    """Rename or describe *formtemplate*, or replace its draft ``fields``; published
    versions never change."""
    fields_allowed(changes, ("name", "description", "fields"), "formtemplate_update", verb="change")
    if "fields" in changes:
        changes["draft"] = _cleaned(changes.pop("fields"))
    return record_update(
        membership=membership,
        obj=formtemplate,
        codename=CHANGE,
        changes=changes,
        check=_name_check(membership),
    )


def formtemplate_delete(*, membership: Membership, formtemplate: FormTemplate) -> None:
    """Delete a template never published (one with versions is kept: 409)."""
    record_delete(membership=membership, obj=formtemplate, codename=DELETE)


def _draft_change(membership: Membership, formtemplate: FormTemplate, change: Any) -> FormTemplate:
    row = row_lock(FormTemplate, pk=formtemplate.pk, tenant_id=membership.tenant_id)
    policy.require(membership, CHANGE, row)
    draft = [dict(f) for f in row.draft or []]
    change(draft)
    record_update(
        membership=membership, obj=formtemplate, codename=CHANGE, changes={"draft": _cleaned(draft)}
    )
    return formtemplate


def _index_of(draft: list[dict[str, Any]], key: str) -> int:
    for index, spec in enumerate(draft):
        if spec.get("key") == key:
            return index
    message = _("This form has no field %(key)s.") % {"key": key}
    raise ValidationError(message, extra={"fields": {"key": [message]}})


@atomic_write
def field_add(
    *,
    membership: Membership,
    formtemplate: FormTemplate,
    field: Mapping[str, Any],
    position: int | None = None,
) -> FormTemplate:
    """Add *field* to the draft (at *position*, else last)."""

    def change(draft: list[dict[str, Any]]) -> None:
        at = len(draft) if position is None else max(0, min(position, len(draft)))
        draft.insert(at, dict(field))

    return _draft_change(membership, formtemplate, change)


@atomic_write
def field_move(
    *, membership: Membership, formtemplate: FormTemplate, key: str, offset: int
) -> FormTemplate:
    """Move the draft's field *key* by *offset* places (-1: up). A field shown depending on
    another cannot move above it (the draft is refused with the reason)."""

    def change(draft: list[dict[str, Any]]) -> None:
        index = _index_of(draft, key)
        target = max(0, min(index + offset, len(draft) - 1))
        draft.insert(target, draft.pop(index))

    return _draft_change(membership, formtemplate, change)


@atomic_write
def field_remove(*, membership: Membership, formtemplate: FormTemplate, key: str) -> FormTemplate:
    """Remove the draft's field *key* (refused while another field is shown depending on
    it)."""

    def change(draft: list[dict[str, Any]]) -> None:
        draft.pop(_index_of(draft, key))

    return _draft_change(membership, formtemplate, change)


@atomic_write
def formtemplate_publish(*, membership: Membership, formtemplate: FormTemplate) -> FormVersion:
    """Freeze the draft as the template's next version (immutable; what forms are filled
    against from now on). An empty draft, or one unchanged since the last version, is
    refused."""
    row = row_lock(FormTemplate, pk=formtemplate.pk, tenant_id=membership.tenant_id)
    policy.require(membership, CHANGE, row)
    fields = _cleaned(row.draft or [])
    if not fields:
        raise ValidationError(_("Add at least one field before publishing."))
    if row.latest_version:
        last = (
            FormVersion.objects.for_tenant(membership.tenant_id)
            .filter(template_id=row.pk, number=row.latest_version)
            .values_list("fields", flat=True)
            .first()
        )
        if last == fields:
            raise Conflict(_("Version %(n)d already has these fields.") % {"n": row.latest_version})
    number = row.latest_version + 1
    version = FormVersion(
        template=row, number=number, name=row.name, fields=fields, published_by=membership
    )
    record_create(membership=membership, obj=version, codename=CHANGE)
    record_update(
        membership=membership, obj=formtemplate, codename=CHANGE, changes={"latest_version": number}
    )
    return version


@atomic_write
def formtemplate_import(
    *, membership: Membership, data: Any, name: str | None = None
) -> FormTemplate:
    """A new template from an export (``formtemplate_export``): its name (or *name*), its
    description and its fields as the draft."""
    if not isinstance(data, Mapping) or data.get("format") != EXPORT_FORMAT:
        message = _("This is not a form template export.")
        raise ValidationError(message, extra={"fields": {"file": [message]}})
    if int(data.get("version") or 0) > EXPORT_VERSION:
        message = _("This export is of a newer format than this server reads.")
        raise ValidationError(message, extra={"fields": {"file": [message]}})
    return formtemplate_create(
        membership=membership,
        name=str(name or data.get("name") or "").strip(),
        description=str(data.get("description") or ""),
        fields=data.get("fields") or [],
    )


# -- filled forms -----------------------------------------------------------------------------


def _store(tenant_id: int, image: Image) -> dict[str, Any]:
    path = f"checklists/{tenant_id}/{uuid.uuid4().hex}.{image.extension}"
    stored = default_storage.save(path, ContentFile(image.data))
    return {"file": stored, "content_type": image.content_type, "size": len(image.data)}


def submission_check(*, version: FormVersion, answers: Mapping[str, Any]) -> Evaluation:
    """What *answers* are worth against *version*, saving nothing (a preview)."""
    return evaluate(version.fields, answers)


@atomic_write
def submission_create(
    *,
    membership: Membership,
    version: FormVersion,
    answers: Mapping[str, Any],
    subject: str = "",
) -> FormSubmission:
    """Keep *answers* filled against *version*: checked on the server (``engine.evaluate``:
    required answers, types, tolerances), photos and signatures stored, flags and result
    kept. Input errors raise ``ValidationError`` (``answers.<key>``) and keep nothing."""
    policy.require(membership, FILL)
    if version.tenant_id != membership.tenant_id:
        raise ValidationError(
            _("Choose one of your organization's forms."),
            extra={"fields": {"version": [_("Choose one of your organization's forms.")]}},
        )
    if not isinstance(answers, Mapping):
        raise _fields_error({"answers": [_("Give the answers as an object.")]})
    evaluation = evaluate(version.fields, answers)
    if not evaluation.valid:
        raise _fields_error(evaluation.errors, prefix="answers.")
    kept = {
        key: _store(membership.tenant_id, value) if isinstance(value, Image) else value
        for key, value in evaluation.values.items()
    }
    submission = FormSubmission(
        version=version,
        answers=kept,
        flags=evaluation.flags,
        result=evaluation.result,
        subject=subject[:100],
        submitted_by=membership,
    )
    return record_create(membership=membership, obj=submission, codename=FILL)


__all__ = [
    "VIEW",
    "field_add",
    "field_move",
    "field_remove",
    "formtemplate_create",
    "formtemplate_delete",
    "formtemplate_import",
    "formtemplate_publish",
    "formtemplate_update",
    "submission_check",
    "submission_create",
]
