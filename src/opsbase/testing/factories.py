"""factory_boy factories for OpsBase models, for the library's tests and for projects'."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from opsbase.kernel.roles.constants import RoleKind
from opsbase.kernel.roles.models import Role
from opsbase.kernel.roles.services import roles_ensure_defaults
from opsbase.kernel.tenants.models import Membership, Tenant

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class TenantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tenant
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Organization {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")

    @factory.post_generation
    def roles(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            roles_ensure_defaults(tenant=obj)


def role_of(tenant, kind: str = RoleKind.USER) -> Role:
    """The built-in role of *kind* in *tenant* (created with the defaults)."""
    return Role.objects.for_tenant(tenant).get(kind=kind, is_builtin=True)


class MembershipFactory(factory.django.DjangoModelFactory):
    """``MembershipFactory(tenant=t, role__kind="manager")`` or ``kind="manager"``."""

    class Meta:
        model = Membership
        exclude = ("kind",)

    tenant = factory.SubFactory(TenantFactory)
    user = factory.SubFactory(UserFactory)
    kind = RoleKind.USER
    role = factory.LazyAttribute(lambda o: role_of(o.tenant, o.kind))
    is_active = True
