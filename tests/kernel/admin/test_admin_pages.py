"""Every page of the Django admin opens for a superuser: no model's changelist, add, change,
delete confirmation or history page answers 5xx.

The models are those registered in ``admin.site`` when the test runs, so a module that
registers one is covered without a line here; its records come from the demo data every
module declares (``ModuleConfig.demo_seed``).
"""

from __future__ import annotations

import contextlib

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from opsbase.api.services import api_token_create
from opsbase.kernel.demo import demo_seed
from opsbase.kernel.roles.constants import RoleKind
from opsbase.kernel.roles.models import Role
from opsbase.kernel.tenants.models import Membership, Tenant
from opsbase.kernel.tenants.services import invitation_create
from opsbase.testing.factories import UserFactory


@pytest.fixture
def records(db):
    """At least one record of every kernel model, and each module's demo records."""
    demo_seed(password="demo-password-for-the-admin")
    acme = Tenant.objects.get(slug="acme")
    admin_membership = (
        Membership.objects.for_tenant(acme).select_related("user", "role").get(role__kind="admin")
    )
    invitation_create(
        membership=admin_membership,
        email="invited@acme.test",
        role=Role.objects.for_tenant(acme).get(kind=RoleKind.USER, is_builtin=True),
        site_url="https://ops.test/",
    )
    api_token_create(membership=admin_membership, name="Deploy bot")
    Group.objects.create(name="Auditors")
    attempt = {"username": "admin@acme.test", "ip_address": "203.0.113.9", "user_agent": "curl"}
    AccessAttempt.objects.create(**attempt, failures_since_start=3, get_data="", post_data="")
    AccessLog.objects.create(**attempt, attempt_time=timezone.now())
    AccessFailureLog.objects.create(**attempt, attempt_time=timezone.now(), locked_out=False)


@pytest.fixture
def superuser():
    client = Client(raise_request_exception=False)  # a crash is a 500 to count, not to raise
    client.force_login(UserFactory(email="root@ops.test", is_staff=True, is_superuser=True))
    return client


def _first(model):
    manager = model._default_manager
    queryset = manager.unscoped() if hasattr(manager, "unscoped") else manager.all()
    return queryset.order_by("pk").first()


def _pages(model) -> list[str]:
    info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    pages = [reverse(f"{info}_changelist"), reverse(f"{info}_changelist") + "?q=a"]
    with contextlib.suppress(NoReverseMatch):
        pages.append(reverse(f"{info}_add"))
    obj = _first(model)
    assert obj is not None, (
        f"No {model._meta.label} record to open: give the module demo data "
        "(ModuleConfig.demo_seed) or add one to this test's fixture."
    )
    for view in ("change", "delete", "history"):
        pages.append(reverse(f"{info}_{view}", args=[obj.pk]))
    return pages


def test_every_admin_page_opens_for_a_superuser(records, superuser):
    failures = []
    opened = 0
    for model in admin.site._registry:
        for url in _pages(model):
            response = superuser.get(url)
            opened += 1
            if response.status_code >= 500:
                failures.append(f"{response.status_code} {url} ({model._meta.label})")

    assert failures == []
    assert opened >= 5 * len(admin.site._registry)


def test_every_changelist_filter_opens(records, superuser):
    # Each filter of the sidebar, chosen: a filter on a tenant-owned relation must not trip
    # the tenant scope either.
    failures = []
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        page = superuser.get(url)
        if page.status_code >= 500 or page.context is None or "cl" not in page.context:
            continue  # the page itself is the other test's business
        for spec in page.context["cl"].filter_specs:
            for choice in list(spec.choices(page.context["cl"]))[:3]:
                response = superuser.get(url + choice["query_string"])
                if response.status_code >= 500:
                    failures.append(f"{response.status_code} {url}{choice['query_string']}")

    assert failures == []
