"""Runs inside a new project (`manage.py shell -c`): the superuser, Admin of a first tenant.

Inputs come from the environment so that the password is in no command line and no log:
``OPSBASE_SUPERUSER_EMAIL``, ``OPSBASE_SUPERUSER_PASSWORD``, ``OPSBASE_TENANT_NAME``.
"""

from __future__ import annotations

import os

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.text import slugify


@transaction.atomic
def superuser_ensure() -> None:
    """The superuser exists with the given password and is Admin of the first tenant."""
    from opsbase.kernel.roles.constants import RoleKind
    from opsbase.kernel.roles.services import roles_ensure_defaults
    from opsbase.kernel.tenants.models import Membership, Tenant
    from opsbase.kernel.tenants.services import tenant_create

    email = os.environ["OPSBASE_SUPERUSER_EMAIL"]
    password = os.environ["OPSBASE_SUPERUSER_PASSWORD"]
    tenant_name = os.environ["OPSBASE_TENANT_NAME"]
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_superuser(email=email, password=password)
    else:
        user.is_staff = user.is_superuser = user.is_active = True
        user.set_password(password)
        user.save()
    tenant = Tenant.objects.filter(slug=slugify(tenant_name)[:60]).first()
    if tenant is None:
        tenant_create(name=tenant_name, owner=user)
        return
    roles = roles_ensure_defaults(tenant=tenant)
    membership = Membership.objects.for_tenant(tenant).filter(user=user).first()
    if membership is None:
        Membership.objects.create(tenant=tenant, user=user, role=roles[RoleKind.ADMIN])
    elif membership.role_id != roles[RoleKind.ADMIN].pk:
        membership.role = roles[RoleKind.ADMIN]
        membership.save(update_fields=["role"])
