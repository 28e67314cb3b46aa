"""Sample data for the demo site: two tenants with one member of every built-in role."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from opsbase.apps.roles.constants import RoleKind
from opsbase.apps.roles.services import roles_ensure_defaults
from opsbase.apps.tenants.models import Membership, Tenant
from opsbase.apps.tenants.services import membership_add, tenant_create

DEMO_TENANTS = (("Acme", "acme"), ("Globex", "globex"))
DEMO_KINDS = (RoleKind.ADMIN, RoleKind.MANAGER, RoleKind.USER)


@dataclass
class DemoAccount:
    email: str
    tenant: str
    role: str


def demo_password() -> str:
    return "demo-" + secrets.token_urlsafe(9)


@transaction.atomic
def demo_seed(*, password: str) -> list[DemoAccount]:
    """Create (or refresh) Acme and Globex with admin@, manager@ and user@ of each.

    Idempotent: re-running resets the demo accounts' password and keeps their data.
    """
    User = get_user_model()
    accounts = []
    for name, slug in DEMO_TENANTS:
        users = {}
        for kind in DEMO_KINDS:
            user, _created = User.objects.get_or_create(
                email=f"{kind}@{slug}.test",
                defaults={"first_name": kind.capitalize(), "last_name": name},
            )
            user.set_password(password)
            user.save(update_fields=["password"])
            users[kind] = user
        tenant = Tenant.objects.filter(slug=slug).first()
        if tenant is None:
            tenant, admin_membership = tenant_create(
                name=name, slug=slug, owner=users[RoleKind.ADMIN]
            )
        else:
            roles_ensure_defaults(tenant=tenant)
            admin_membership = Membership.objects.for_tenant(tenant).get(user=users[RoleKind.ADMIN])
        for kind in DEMO_KINDS:
            exists = Membership.objects.for_tenant(tenant).filter(user=users[kind]).exists()
            if not exists:
                membership_add(membership=admin_membership, user=users[kind], role_kind=kind)
            accounts.append(DemoAccount(users[kind].email, name, kind))
        if apps.is_installed("opsbase.apps.tasks"):
            demo_tasks_seed(tenant=tenant)
    return accounts


# (owner kind, assignee kind, title, priority, due in days, transitions to take)
DEMO_TASKS = (
    (RoleKind.MANAGER, RoleKind.USER, "Plan the quarterly maintenance", "high", 10, ()),
    (RoleKind.MANAGER, RoleKind.USER, "Replace the filter on line 2", "urgent", -2, ("start",)),
    (RoleKind.MANAGER, None, "Review supplier quotes", "normal", 14, ()),
    (RoleKind.MANAGER, RoleKind.MANAGER, "Order spare parts", "low", None, ("complete",)),
    (RoleKind.USER, None, "Update the safety checklist", "normal", 3, ("start",)),
    (RoleKind.USER, RoleKind.MANAGER, "Calibrate the scales", "high", 5, ("block",)),
    (RoleKind.USER, None, "Tidy the tool store", "low", -1, ()),
)


def demo_tasks_seed(*, tenant) -> None:
    """A handful of tasks in *tenant*: some owned by its Manager, some by its User, some
    assigned. Only for a tenant without tasks, so re-running the demo adds nothing."""
    from opsbase.apps.tasks.models import Task
    from opsbase.apps.tasks.services import task_create, task_transition

    if Task.objects.for_tenant(tenant).exists():
        return
    members = {
        m.role.kind: m
        for m in Membership.objects.for_tenant(tenant).select_related("role", "user")
        if m.user.email.endswith(f"@{tenant.slug}.test")
    }
    today = timezone.localdate()
    for owner_kind, assignee_kind, title, priority, due_in, moves in DEMO_TASKS:
        owner = members[owner_kind]
        task = task_create(
            membership=owner,
            title=title,
            priority=priority,
            due_date=None if due_in is None else today + timedelta(days=due_in),
            assignee=members[assignee_kind] if assignee_kind else None,
            notify=False,
        )
        for move in moves:
            task_transition(membership=owner, task=task, transition=move)
