"""Sample data for the demo site: two tenants with one member of every built-in role."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from opsbase.kernel.modules import modules_in_dependency_order
from opsbase.kernel.roles.constants import RoleKind
from opsbase.kernel.roles.services import roles_ensure_defaults
from opsbase.kernel.tenants.models import Membership, Tenant
from opsbase.kernel.tenants.services import membership_add, tenant_create

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
        for config in modules_in_dependency_order():
            # Each module's own sample records (ModuleConfig.demo_seed), for this tenant,
            # after those of the modules it builds on.
            config.demo_seed(tenant=tenant)
    return accounts
