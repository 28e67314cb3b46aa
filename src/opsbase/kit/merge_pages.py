"""The merge page of an entity: two likely duplicates side by side, the member picks each
field's value, one click merges them (the module's merge service, ``kit.merge``), and the
kept record's page offers the undo.

::

    class LeadPages(Pages):
        merge = MergePage(
            codename=MERGE, fields=("name", "company", "email", "phone", "owner"),
            merge=lead_merge, undo=lead_merge_undo, journal=LeadMerge,
            duplicate_field="duplicate_of",
        )

routes ``<model>_merge`` (``<pk>/merge/<other>/``: GET compares, POST merges *other* into
*pk*) and ``<model>_merge_undo`` (``merges/<journal pk>/undo/``, POST). With
*duplicate_field* (a foreign key the module's services set on a likely duplicate) the detail
page of a flagged record links to the comparison.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from opsbase.core.exceptions import InvalidTransition, NotFound, PermissionDenied, ValidationError
from opsbase.kernel.policy import policy

from .views import PageView  # views imports this module only when routing (no cycle)

KEEP, TAKE = "keep", "merge"


@dataclass(frozen=True)
class MergePage:
    codename: str
    #: The fields the member picks from either record, in the page's order.
    fields: Sequence[str]
    #: ``merge(*, membership, keep, merge, fields={name: "keep" | "merge"}) -> journal``.
    merge: Callable[..., Any]
    #: ``undo(*, membership, merge=journal)``.
    undo: Callable[..., Any]
    #: The journal model of the merges (``kit.merge``: ``kept``, ``merged``, ``undone_at``).
    journal: Any
    #: A foreign key to a likely duplicate, offered for merging on the detail page.
    duplicate_field: str | None = None


def _shown(obj: Any, name: str) -> str:
    """*obj*'s *name* as a person reads it ("" when empty)."""
    field = obj._meta.get_field(name)
    if field.choices:
        value = getattr(obj, f"get_{name}_display")()
    elif field.is_relation:
        value = getattr(obj, name)
    else:
        value = getattr(obj, field.attname)
    return "" if value in (None, "") else str(value)


def _label(model: Any, name: str) -> str:
    try:
        return capfirst(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # pragma: no cover - a declaration error
        return name


def merge_notice(pages: Any, membership: Any, obj: Any) -> dict[str, Any] | None:
    """What the detail page of *obj* shows about merging: its likely duplicate (when the
    member may merge it) and the merges into it that can still be undone."""
    terms: MergePage | None = getattr(pages, "merge", None)
    if terms is None or not policy.can(membership, terms.codename, obj):
        return None
    entity = pages.entity
    model = entity.model._meta.model_name
    duplicate = None
    pk = getattr(obj, f"{terms.duplicate_field}_id", None) if terms.duplicate_field else None
    if pk and pk != obj.pk:
        try:
            duplicate = entity.record(membership, pk)
        except (NotFound, PermissionDenied, Http404):
            duplicate = None
    merges = list(
        terms.journal._default_manager.for_tenant(membership.tenant_id)
        .filter(kept=obj, undone_at=None)
        .select_related("merged")
        .order_by("-created_at", "-pk")[:5]
    )
    if duplicate is None and not merges:
        return None
    app = entity.model._meta.app_label
    return {
        "duplicate": duplicate,
        "compare_url": (
            reverse(f"{app}:{model}_merge", args=[obj.pk, duplicate.pk]) if duplicate else ""
        ),
        "merges": [
            {"merged": m.merged, "undo_url": reverse(f"{app}:{model}_merge_undo", args=[m.pk])}
            for m in merges
        ],
    }


class RecordMergeView(PageView):
    """Two records side by side; the POST merges *other* into *pk* with the picked values."""

    page = "merge"

    @property
    def terms(self) -> MergePage:
        terms: MergePage = self.pages.merge
        return terms

    def records(self, pk: int, other: int) -> tuple[Any, Any]:
        if pk == other:
            raise NotFound()
        membership = self.request.membership  # type: ignore[attr-defined]
        keep, merged = self.record(pk), self.record(other)
        policy.require(membership, self.terms.codename, keep)
        policy.require(membership, self.terms.codename, merged)
        return keep, merged

    def get(self, request: HttpRequest, pk: int, other: int) -> HttpResponse:
        keep, merged = self.records(pk, other)
        return self.show(keep, merged, picks={})

    def post(self, request: HttpRequest, pk: int, other: int) -> HttpResponse:
        keep, merged = self.records(pk, other)
        picks = {name: request.POST.get(f"pick-{name}", KEEP) for name in self.terms.fields}
        refused = sorted(name for name, side in picks.items() if side not in (KEEP, TAKE))
        if refused:
            return self.show(
                keep, merged, picks, error=_("Pick one of the two values."), status=400
            )
        membership = request.membership  # type: ignore[attr-defined]
        try:
            self.terms.merge(membership=membership, keep=keep, merge=merged, fields=picks)
        except (ValidationError, InvalidTransition) as exc:
            return self.show(keep, merged, picks, error=exc.message, status=400)
        done = _("“%(merged)s” was merged into “%(kept)s”. You can undo it below.")
        messages.success(request, done % {"merged": merged, "kept": keep})
        return redirect(self.url("detail", keep.pk))

    def show(
        self, keep: Any, merged: Any, picks: dict[str, str], error: str = "", status: int = 200
    ) -> HttpResponse:
        model = self.entity.model
        rows = []
        for name in self.terms.fields:
            mine, theirs = _shown(keep, name), _shown(merged, name)
            # By default the kept record keeps its values, and fills its gaps from the other.
            side = picks.get(name) or (TAKE if theirs and not mine else KEEP)
            rows.append(
                {
                    "name": name,
                    "label": _label(model, name),
                    "keep": mine,
                    "merge": theirs,
                    "side": side,
                    "same": mine == theirs,
                }
            )
        context = {
            **self.base_context(),
            "keep": keep,
            "merged": merged,
            "rows": rows,
            "error": error,
            "swap_url": self.url("merge", merged.pk, keep.pk),
            "cancel_url": self.url("detail", keep.pk),
        }
        return render(self.request, self.template_names(), context, status=status)


class RecordMergeUndoView(PageView):
    """POST: undo one merge; back to the kept record's page."""

    page = "merge_undo"
    http_method_names = ["post"]  # noqa: RUF012 - Django's attribute

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        terms: MergePage = self.pages.merge
        membership = request.membership  # type: ignore[attr-defined]
        journal = (
            terms.journal._default_manager.for_tenant(membership.tenant_id).filter(pk=pk).first()
        )
        if journal is None:
            raise NotFound()
        try:
            kept = terms.undo(membership=membership, merge=journal)
        except (ValidationError, InvalidTransition) as exc:
            messages.error(request, exc.message)
            return redirect(self.url("detail", journal.kept_id))
        done = _("The merge was undone: “%(merged)s” is back as it was.")
        messages.success(request, done % {"merged": journal.merged})
        return redirect(self.url("detail", kept.pk))
