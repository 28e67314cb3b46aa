"""Fail closed: tenant-owned data cannot be queried without naming a tenant."""

import pytest
from django.apps import apps

from opsbase.core.exceptions import TenantScopeRequired
from opsbase.core.models import TenantManager, TenantOwnedModel
from opsbase.kernel.roles.models import Role
from opsbase.kernel.tenants.models import Membership, Tenant


def tenant_owned_models():
    """Every installed model with a foreign key to Tenant (whatever the field is named)."""
    found = []
    for model in apps.get_models():
        if any(
            getattr(field, "related_model", None) is Tenant and not field.auto_created
            for field in model._meta.get_fields()
        ):
            found.append(model)
    return found


def test_the_kernel_has_tenant_owned_models():
    names = {m.__name__ for m in tenant_owned_models()}
    assert {"Membership", "Invitation", "Role"} <= names


@pytest.mark.parametrize("model", tenant_owned_models(), ids=lambda m: m._meta.label)
def test_every_tenant_owned_model_refuses_an_unscoped_query(model, db):
    assert issubclass(model, TenantOwnedModel), (
        f"{model._meta.label} must subclass TenantOwnedModel"
    )
    assert isinstance(model._default_manager, TenantManager)
    with pytest.raises(TenantScopeRequired, match=model.__name__):
        list(model._default_manager.all())
    with pytest.raises(TenantScopeRequired):
        model._default_manager.filter(pk=1).exists()
    with pytest.raises(TenantScopeRequired):
        model._default_manager.count()


def test_a_filter_on_the_tenant_is_enough(world):
    roles = Role.objects.filter(tenant=world.home)
    assert {r.tenant_id for r in roles} == {world.home.pk}
    assert Role.objects.for_tenant(world.away).count() == 3


def test_an_or_across_tenants_is_not_a_scope(world):
    from django.db.models import Q

    with pytest.raises(TenantScopeRequired):
        list(Role.objects.filter(Q(tenant=world.home) | Q(name="Admin")))


def test_unscoped_is_explicit(world):
    assert Membership.objects.unscoped().count() == 7


def test_updates_and_deletes_need_a_tenant_too(world):
    with pytest.raises(TenantScopeRequired):
        Membership.objects.filter(is_active=True).update(is_active=False)
    with pytest.raises(TenantScopeRequired):
        Membership.objects.filter(is_active=True).delete()
    assert Membership.objects.unscoped().filter(is_active=True).count() == 7


def test_related_managers_are_scoped_by_their_parent(world):
    admin_role = world.members["admin"].role
    assert [m.pk for m in admin_role.memberships.all()] == [world.members["admin"].pk]


def test_by_keys_reads_the_keys_of_a_scoped_queryset_and_nothing_else(world):
    home = Role.objects.for_tenant(world.home)
    keys = sorted(home.values_list("pk", flat=True))[:2]

    found = home.by_keys(keys)

    assert sorted(r.pk for r in found) == keys
    assert 'tenant_id" =' not in str(found.query).split("WHERE")[1]  # by key alone
    with pytest.raises(TenantScopeRequired):
        Role.objects.filter(name="Admin").by_keys(keys)  # only from a scoped queryset


def test_a_whole_tenant_is_a_tenant_filter_and_nothing_else(world):
    from django.db.models import Q

    roles = Role.objects.for_tenant(world.home)
    assert roles.is_whole_tenant()
    assert Role.objects.filter(tenant__in=[world.home]).is_whole_tenant()
    assert not roles.filter(name="Admin").is_whole_tenant()
    assert not roles.exclude(name="Admin").is_whole_tenant()
    assert not Role.objects.filter(Q(tenant=world.home) | Q(tenant=world.away)).is_whole_tenant()
