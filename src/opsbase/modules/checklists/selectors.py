"""Reads of the forms engine: templates, their published versions, filled forms, the JSON
export, and a filled form as pages show it. Public to the modules that use forms
(inspections, procedures, maintenance)::

    versions = version_choices(membership=m)             # the latest version of each template
    version = version_get_for(membership=m, pk=12)       # 404 for another organization's
    rows = submission_rows(submission)                   # label, answer, unit, flag per field
"""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _lazy

from opsbase.kernel.policy import policy
from opsbase.kernel.tenants.models import Membership
from opsbase.kit.rows import DateTime, LongText, Number, RowSpec, Text
from opsbase.kit.selectors import record_get_for, record_list

from .constants import EXPORT_FORMAT, EXPORT_VERSION, IMAGE_TYPES_OF_FIELDS, VIEW, FieldType
from .engine import visible_keys
from .models import FormSubmission, FormTemplate, FormVersion

FORMTEMPLATE_ROWS = RowSpec(
    FormTemplate,
    columns=[
        Number("id", table=False, detail=False),
        Text("name", link=True),
        LongText("description"),
        Number("latest_version", table_label=_lazy("Version")),
        DateTime("created_at", table=False),
        DateTime("updated_at", table_label=_lazy("Changed")),
    ],
    sorts={"name": "name", "created_at": "created_at", "updated_at": "updated_at"},
    default_sort="name",
)


def formtemplate_list(*, membership: Membership) -> QuerySet[FormTemplate]:
    """The form templates of *membership*'s organization, by name."""
    templates = record_list(FormTemplate, membership=membership, codename=VIEW)
    return FORMTEMPLATE_ROWS.order(templates, [FORMTEMPLATE_ROWS.default_sort])


def formtemplate_get_for(*, membership: Membership, pk: int | str) -> FormTemplate:
    """Template *pk* of *membership*'s organization (``NotFound`` for any other)."""
    return record_get_for(FormTemplate, membership=membership, pk=pk, codename=VIEW)


def version_list(*, template: FormTemplate) -> QuerySet[FormVersion]:
    """The published versions of *template* (already checked visible), newest first."""
    return (
        FormVersion.objects.for_tenant(template.tenant_id)
        .filter(template_id=template.pk)
        .select_related("published_by__user")
        .order_by("-number")
    )


def version_get_for(*, membership: Membership, pk: int | str) -> FormVersion:
    """Published version *pk* of *membership*'s organization (``NotFound`` for any other)."""
    return record_get_for(
        FormVersion, membership=membership, pk=pk, codename=VIEW, related=("template",)
    )


def version_choices(*, membership: Membership) -> QuerySet[FormVersion]:
    """The latest published version of each template of the organization, by name: what a
    new filled form is filled against."""
    policy.require(membership, VIEW)
    latest = FormTemplate.objects.for_tenant(membership.tenant_id).filter(
        pk=OuterRef("template_id")
    )
    return (
        FormVersion.objects.for_tenant(membership.tenant_id)
        .filter(number=Subquery(latest.values("latest_version")[:1]))
        .order_by("name", "pk")
    )


def submission_get_for(*, membership: Membership, pk: int | str) -> FormSubmission:
    """Filled form *pk* of *membership*'s organization (``NotFound`` for any other)."""
    return record_get_for(
        FormSubmission, membership=membership, pk=pk, codename=VIEW, related=("version",)
    )


def formtemplate_export(template: FormTemplate) -> dict[str, Any]:
    """*template* as JSON a ``formtemplate_import`` reads back (its draft fields)."""
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "name": template.name,
        "description": template.description,
        "fields": list(template.draft or []),
    }


def version_data(version: FormVersion) -> dict[str, Any]:
    """A published version as the API answers it."""
    return {
        "id": version.pk,
        "template": version.template_id,
        "number": version.number,
        "name": version.name,
        "fields": version.fields,
        "published_at": version.created_at.isoformat().replace("+00:00", "Z"),
    }


def submission_data(submission: FormSubmission) -> dict[str, Any]:
    """A filled form as the API answers it (images as the URL that serves them)."""
    answers: dict[str, Any] = {}
    for key, value in (submission.answers or {}).items():
        if isinstance(value, dict) and value.get("file"):
            answers[key] = {"url": file_url(submission, key), "content_type": value["content_type"]}
        else:
            answers[key] = value
    return {
        "id": submission.pk,
        "version": submission.version_id,
        "answers": answers,
        "flags": submission.flags,
        "result": submission.result,
        "submitted_by": submission.submitted_by_id,
        "submitted_at": submission.created_at.isoformat().replace("+00:00", "Z"),
    }


def file_url(submission: FormSubmission, key: str) -> str:
    return reverse("checklists:submission_file", args=[submission.pk, key])


def submission_rows(submission: FormSubmission) -> list[dict[str, Any]]:
    """Each field shown when the form was filled, in order: its label, type, answer (an
    image's URL), unit, tolerance and flag."""
    answers = submission.answers or {}
    fields = submission.version.fields
    shown = set(visible_keys(fields, answers))
    rows = []
    for spec in fields:
        key = spec["key"]
        if key not in shown:
            continue
        value = answers.get(key)
        image = spec["type"] in IMAGE_TYPES_OF_FIELDS and isinstance(value, dict)
        rows.append(
            {
                "key": key,
                "label": spec["label"],
                "type": spec["type"],
                "value": None if image else value,
                "image_url": file_url(submission, key) if image else None,
                "unit": spec.get("unit", ""),
                "min": spec.get("min"),
                "max": spec.get("max"),
                "flag": (submission.flags or {}).get(key),
                "is_signature": spec["type"] == FieldType.SIGNATURE,
            }
        )
    return rows


def submission_file(submission: FormSubmission, key: str) -> dict[str, Any] | None:
    """The stored image answered in *key* (``file``, ``content_type``), or None."""
    value = (submission.answers or {}).get(key)
    return value if isinstance(value, dict) and value.get("file") else None
