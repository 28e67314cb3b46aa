"""Django admin bases for kernel and module models: read-only, across organizations.

Every write of OpsBase goes through a service, which checks the policy and records the audit
event; the Django admin's own saves and deletes would do neither. So a model is either edited
in the admin through its services (the user and organization admins do that) or shown
read-only with these bases::

    from opsbase.kernel.admin import TenantReadOnlyAdmin

    @admin.register(WorkOrder)
    class WorkOrderAdmin(TenantReadOnlyAdmin):
        list_display = ["number", "tenant", "status"]
        list_filter = ["status", "tenant", "assignee"]   # a tenant-owned relation works too
        list_select_related = ["tenant", "assignee__user"]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.db import models
from django.http import HttpResponseRedirect

from opsbase.core.exceptions import PermissionDenied, ValidationError
from opsbase.core.models import TenantOwnedModel

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


class ReadOnlyAdmin(admin.ModelAdmin):
    """Lists and shows records; nothing can be added, changed or deleted, no bulk action."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_actions(self, request) -> dict[str, Any]:
        return {}


class UnscopedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """The sidebar filter of a relation to a tenant-owned model: its choices are every
    organization's rows, read deliberately across tenants (``unscoped()``)."""

    def field_choices(self, field, request, model_admin) -> list[tuple[str, str | _StrPromise]]:
        ordering = self.field_admin_ordering(field, request, model_admin)
        rows = field.related_model._default_manager.unscoped()
        if ordering:
            rows = rows.order_by(*ordering)
        return [(str(row.pk), str(row)) for row in rows]


def _is_tenant_relation(model: type[models.Model], name: str) -> bool:
    try:
        field = model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - a path ("role__kind") or a callable: not ours
        return False
    related = getattr(field, "related_model", None)
    return bool(
        field.is_relation and isinstance(related, type) and issubclass(related, TenantOwnedModel)
    )


class TenantReadOnlyAdmin(ReadOnlyAdmin):
    """Read-only admin of a tenant-owned model, for superusers, across every organization.

    Its querysets are ``unscoped()`` on purpose: the superuser's admin is the one place that
    reads every tenant's rows (PostgreSQL row-level security is lifted for staff there by
    ``AdminRlsBypassMiddleware``). Change pages show the record without a form, so no choice
    list or raw-id widget queries a tenant-owned model without a tenant (which raised
    ``TenantScopeRequired``); sidebar filters on relations to tenant-owned models list every
    organization's rows.
    """

    def get_queryset(self, request):
        rows = self.model._default_manager.unscoped()
        ordering = self.get_ordering(request)
        if ordering:
            rows = rows.order_by(*ordering)
        if self.list_select_related is True:
            return rows.select_related()
        if self.list_select_related:
            return rows.select_related(*self.list_select_related)
        return rows

    def get_list_filter(self, request) -> list[Any]:
        return [
            (entry, UnscopedRelatedFieldListFilter)
            if isinstance(entry, str) and _is_tenant_relation(self.model, entry)
            else entry
            for entry in super().get_list_filter(request)
        ]


class ServiceAdminMixin:
    """For an admin that saves through services: a service's refusal (``ValidationError``,
    ``PermissionDenied``) is shown as an error message and nothing is saved, instead of a
    server error."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            # Django runs the whole page in one transaction: a refusal rolls it back.
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (ValidationError, PermissionDenied) as error:
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
