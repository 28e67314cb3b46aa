"""Bulk actions of a list page: the rows a member ticks, assigned, moved or deleted at once.

Each record goes through the module's own services (``Entity.do_update``, the transition
service through ``record_move_to``, ``Entity.do_delete``), so each is checked by the policy
on its row and audited as if changed on its own page; a record the service refuses is named
in the answer and the others are still done.

The menu holds what the member's role allows: "Set status" (the workflow's states),
"Assign to" (the members of the organization; the Person column ``Pages.bulk_assign``,
else the entity's first optional member column) and "Delete".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from opsbase.core.exceptions import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from opsbase.core.text import text_of
from opsbase.kernel.policy import policy
from opsbase.kernel.tenants.models import Membership

from .listing import ASSIGN, members_by_name
from .rows import Person
from .services import record_move_to
from .views import PageView

if TYPE_CHECKING:
    from .views import Pages

#: The most rows one bulk action changes (a page holds at most the largest page size).
BULK_LIMIT = 500


def assign_column(pages: type[Pages]) -> Person | None:
    """The Person column a bulk "Assign to" sets, if the entity has one."""
    spec = pages.entity.rows
    name = getattr(pages, "bulk_assign", None)
    if name:
        column = spec.column(name)
        return column if isinstance(column, Person) else None
    for column in spec.columns:
        if isinstance(column, Person) and column.is_membership:
            field = column.model_field()
            if field is not None and field.null and field.editable:
                return column
    return None


def bulk_actions(
    pages: type[Pages], membership: Membership, request: Any = None, *, people_later: bool = False
) -> list[tuple[str, list[tuple[str, str]]]]:
    """The bulk menu's groups, ``(group label, [(action, label)])``, the member may use.
    *people_later*: "Assign to" offers only "Nobody"; the page fetches the members into it
    when the menu shows (``MemberOptionsView``), so a list is computed without them."""
    entity = pages.entity
    codenames = entity.codenames
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    may_change = bool(codenames.change and policy.can(membership, codenames.change))
    state = entity.state_field
    if may_change and state:
        from opsbase.kernel.workflows import state_field_of

        workflow = state_field_of(entity.model).workflow
        if workflow is not None:
            language = get_language()
            states = [
                (f"status:{v}", text_of(label, language)) for v, label in workflow.labels.items()
            ]
            groups.append((_("Set status"), states))
    column = assign_column(pages) if may_change and entity.update is not None else None
    if column is not None:
        people = (
            []
            if people_later
            else [(f"{ASSIGN}{pk}", name) for pk, name in members_by_name(request, membership)]
        )
        groups.append((_("Assign to"), [(ASSIGN, _("Nobody")), *people]))
    if codenames.delete and entity.delete is not None and policy.can(membership, codenames.delete):
        groups.append((_("Delete"), [("delete", _("Delete"))]))
    return groups


class RecordBulkView(PageView):
    """POST ``action`` and the ticked ``pk``s: each record changed through its service."""

    page = "bulk"
    http_method_names: ClassVar[list[str]] = ["post"]  # type: ignore[misc]

    def post(self, request: HttpRequest) -> HttpResponseBase:
        membership = request.membership  # type: ignore[attr-defined]
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}):
            back = ""
        back = back or str(self.base_context()["list_url"])
        action = request.POST.get("action", "")
        groups = bulk_actions(self.pages, membership, request)
        offered = {a for _group, actions in groups for a, _label in actions}
        pks = request.POST.getlist("pk")[:BULK_LIMIT]
        if action not in offered:
            messages.error(request, _("Choose what to do with the selected rows."))
            return redirect(back)
        if not pks:
            messages.error(request, _("Select at least one row first."))
            return redirect(back)
        done, refused = 0, []
        for pk in pks:
            try:
                obj = self.record(int(pk))
            except (ValueError, Http404, NotFound):
                refused.append(_("one row no longer exists"))
                continue
            try:
                self.apply(request, membership, obj, action)
            # A record the action cannot change as it is now (an issued invoice, a record
            # still used by others) is named with the rest: the other rows are still done.
            except (
                ValidationError,
                InvalidTransition,
                PermissionDenied,
                NotFound,
                Conflict,
            ) as exc:
                refused.append(f"“{obj}”: {getattr(exc, 'message', exc)}")
            else:
                done += 1
        name = self.entity.verbose_name
        plural = self.entity.verbose_name_plural
        if done:
            messages.success(
                request,
                ngettext("%(count)d %(name)s changed.", "%(count)d %(plural)s changed.", done)
                % {"count": done, "name": name, "plural": plural},
            )
        if refused:
            messages.error(
                request,
                _("Not changed: %(reasons)s") % {"reasons": "; ".join(refused[:5])},
            )
        return redirect(back)

    def apply(self, request: HttpRequest, membership: Membership, obj: Any, action: str) -> None:
        entity = self.entity
        kind, _sep, value = action.partition(":")
        if kind == "delete":
            entity.do_delete(request, membership, obj)
        elif kind == "status":
            if str(getattr(obj, entity.state_field or "")) == value:
                return  # there already
            record_move_to(
                membership=membership,
                obj=obj,
                state=value,
                move=lambda name: entity.do_transition(request, membership, obj, name),
            )
        elif kind == "assign":
            column = assign_column(self.pages)
            assert column is not None  # noqa: S101 - offered only with one
            member = None
            if value:
                member = Membership.objects.for_tenant(membership.tenant_id).get(pk=int(value))
            entity.do_update(request, membership, obj, {column.source: member})
