"""The Django admin writes only through the services: what a superuser changes there is
checked and audited with the superuser as actor; every other model is read-only."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client, RequestFactory
from django.urls import reverse

from opsbase.core.exceptions import PermissionDenied
from opsbase.kernel.audit.masking import MASK
from opsbase.kernel.audit.models import AuditEvent, chain_key
from opsbase.kernel.roles.models import Role
from opsbase.kernel.tenants.models import Tenant
from opsbase.kernel.tenants.services import tenant_staff_update
from opsbase.testing.factories import PASSWORD, UserFactory

User = get_user_model()

# What the admin may write, and through which service; everything else is read-only.
WRITABLE = {
    "accounts.User": {"add", "change"},  # user_staff_create, user_staff_update, user_set_password
    "tenants.Tenant": {"change"},  # tenant_staff_update
    "axes.AccessAttempt": {"delete"},  # login_lockouts_clear
}


@pytest.fixture
def root(db):
    return UserFactory(email="root@ops.test", is_staff=True, is_superuser=True)


@pytest.fixture
def superuser(root):
    client = Client(raise_request_exception=False)
    client.force_login(root)
    return client


def events(chain: int, action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.for_chain(chain).filter(action=action))


def test_only_models_with_a_service_behind_them_are_writable_in_the_admin(root):
    request = RequestFactory().get("/")
    request.user = root
    writable = {}
    for model, model_admin in admin.site._registry.items():
        kinds = {
            kind
            for kind, allowed in (
                ("add", model_admin.has_add_permission(request)),
                ("change", model_admin.has_change_permission(request)),
                ("delete", model_admin.has_delete_permission(request)),
            )
            if allowed
        }
        if kinds:
            writable[model._meta.label] = kinds

    assert writable == WRITABLE
    assert not admin.site.is_registered(Group)  # roles are OpsBase's permissions


def test_a_role_cannot_be_changed_in_the_admin(world, superuser):
    role = Role.objects.for_tenant(world.home).get(kind="user", is_builtin=True)
    url = reverse("admin:roles_role_change", args=[role.pk])

    page = superuser.get(url)
    response = superuser.post(
        url, {"name": "Owner", "kind": "admin", "permissions": '["roles.manage_roles"]'}
    )

    assert page.status_code == 200 and b'name="kind"' not in page.content
    assert response.status_code == 403
    role.refresh_from_db()
    assert (role.name, role.kind) == ("User", "user")


def test_renaming_an_organization_is_audited_in_its_chain(world, superuser, root):
    url = reverse("admin:tenants_tenant_change", args=[world.home.pk])

    response = superuser.post(url, {"name": "Acme Corporation", "is_active": ""})

    assert response.status_code == 302
    world.home.refresh_from_db()
    assert (world.home.name, world.home.is_active) == ("Acme Corporation", False)
    [event] = events(chain_key(world.home), "tenant.update")
    assert (event.actor_id, event.actor_label) == (root.pk, "root@ops.test")
    assert event.changes == {
        "name": {"old": "Acme", "new": "Acme Corporation"},
        "is_active": {"old": True, "new": False},
    }


def test_an_organization_is_neither_added_nor_deleted_in_the_admin(world, superuser):
    assert superuser.get(reverse("admin:tenants_tenant_add")).status_code == 403
    delete = reverse("admin:tenants_tenant_delete", args=[world.home.pk])
    assert superuser.post(delete, {"post": "yes"}).status_code == 403
    assert Tenant.objects.filter(pk=world.home.pk).exists()


def test_a_user_added_in_the_admin_is_audited_with_the_superuser_as_actor(superuser, root):
    response = superuser.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "New.Person@Example.test",
            "first_name": "New",
            "last_name": "Person",
            "usable_password": "true",
            "password1": "a long enough passphrase 7",
            "password2": "a long enough passphrase 7",
        },
    )

    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.test")
    [event] = events(0, "user.create")
    assert (event.actor_id, event.target_id) == (root.pk, str(user.pk))
    assert event.changes["email"] == {"old": None, "new": "new.person@example.test"}
    assert event.changes["password"]["new"] == MASK


def test_granting_superuser_and_deactivating_in_the_admin_are_audited(superuser, root):
    user = UserFactory(email="staff@ops.test", first_name="Sam", last_name="Staff")
    url = reverse("admin:accounts_user_change", args=[user.pk])

    response = superuser.post(
        url,
        {
            "email": "staff@ops.test",
            "first_name": "Sam",
            "last_name": "Staff",
            "is_staff": "on",
            "is_superuser": "on",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )

    assert response.status_code == 302, response.content
    user.refresh_from_db()
    assert (user.is_active, user.is_staff, user.is_superuser) == (False, True, True)
    [event] = events(0, "user.update")
    assert event.actor_id == root.pk and event.target_id == str(user.pk)
    assert event.changes == {
        "is_active": {"old": True, "new": False},
        "is_staff": {"old": False, "new": True},
        "is_superuser": {"old": False, "new": True},
    }


def test_the_last_superuser_cannot_be_demoted_and_nothing_is_saved(superuser, root):
    url = reverse("admin:accounts_user_change", args=[root.pk])

    response = superuser.post(
        url,
        {"email": "root@ops.test", "is_active": "on", "is_staff": "on"},
        follow=True,
    )

    assert response.status_code == 200
    assert "This is the last active superuser" in response.content.decode()
    root.refresh_from_db()
    assert root.is_superuser
    assert events(0, "user.update") == []


def test_setting_a_password_in_the_admin_is_audited(superuser, root):
    user = UserFactory(email="forgetful@ops.test")
    url = reverse("admin:auth_user_password_change", args=[user.pk])

    response = superuser.post(
        url,
        {
            "usable_password": "true",
            "password1": "another long passphrase 9",
            "password2": "another long passphrase 9",
        },
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("another long passphrase 9")
    [event] = events(0, "user.password_set")
    assert (event.actor_id, event.target_id) == (root.pk, str(user.pk))


def test_a_user_is_deactivated_not_deleted_in_the_admin(superuser):
    user = UserFactory(email="leaver@ops.test")

    response = superuser.post(
        reverse("admin:accounts_user_delete", args=[user.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert User.objects.filter(pk=user.pk).exists()


def test_clearing_a_lockout_in_the_admin_unlocks_and_is_audited(superuser, root, settings):
    victim = UserFactory(email="victim@ops.test")
    browser = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        browser.post("/accounts/login/", {"username": victim.email, "password": "wrong"})
    assert (
        browser.post("/accounts/login/", {"username": victim.email, "password": PASSWORD})
    ).status_code == 429
    attempt = AccessAttempt.objects.get(ip_address="203.0.113.9")

    response = superuser.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(pk=attempt.pk).exists()
    signed_in = browser.post("/accounts/login/", {"username": victim.email, "password": PASSWORD})
    assert signed_in.status_code == 302
    [event] = events(0, "login.unlock")
    assert (event.actor_id, event.target_label) == (root.pk, attempt.username)
    assert event.changes["ip_address"] == {"old": "203.0.113.9", "new": None}


def test_the_staff_services_refuse_anyone_but_a_superuser(world):
    staff = UserFactory(email="staff@ops.test", is_staff=True)

    with pytest.raises(PermissionDenied):
        tenant_staff_update(actor=staff, tenant=world.home, name="Hijacked", is_active=True)

    world.home.refresh_from_db()
    assert world.home.name == "Acme"
