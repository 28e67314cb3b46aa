"""Cache invalidation: a change to what task lists show bumps the tenant's version.

Receivers on the models (not only in the services) so that every write path counts: the
services, the admin, data migrations, test factories. Lists show tasks and the e-mails of
their owners and assignees, and whom a member sees depends on memberships and roles.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save

from opsbase.conf import setting
from opsbase.core.cache import tenant_version_bump
from opsbase.kernel.tenants.models import Membership

from .models import Task


def _task_changed(sender, instance, **kwargs) -> None:
    if instance.tenant_id is not None:
        tenant_version_bump(instance.tenant_id)


def _membership_changed(sender, instance, **kwargs) -> None:
    if instance.tenant_id is not None:
        tenant_version_bump(instance.tenant_id)


def _user_changed(sender, instance, update_fields=None, **kwargs) -> None:
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # a sign-in changes nothing a list shows
    if not setting("LIST_CACHE"):
        return  # nothing cached: spare the query
    tenant_ids = (
        Membership.objects.unscoped()
        .filter(user_id=instance.pk)
        .values_list("tenant_id", flat=True)
        .distinct()
    )
    for tenant_id in tenant_ids:
        tenant_version_bump(tenant_id)


def connect() -> None:
    post_save.connect(_task_changed, sender=Task, dispatch_uid="opsbase.tasks.cache.task_save")
    post_delete.connect(_task_changed, sender=Task, dispatch_uid="opsbase.tasks.cache.task_del")
    post_save.connect(
        _membership_changed, sender=Membership, dispatch_uid="opsbase.tasks.cache.member_save"
    )
    post_delete.connect(
        _membership_changed, sender=Membership, dispatch_uid="opsbase.tasks.cache.member_del"
    )
    post_save.connect(
        _user_changed, sender=get_user_model(), dispatch_uid="opsbase.tasks.cache.user_save"
    )
