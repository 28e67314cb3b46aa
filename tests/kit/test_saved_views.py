"""Saved views of a list (the tasks' lists): a member keeps named filters, opens them again,
shares them as a URL; nobody else sees or removes them."""

import pytest
from django.apps import apps

from opsbase.kernel.roles.constants import RoleKind
from opsbase.kit.models import SavedView
from opsbase.testing.matrix import session_client

pytestmark = pytest.mark.skipif(
    not apps.is_installed("opsbase.modules.tasks"), reason="tasks not installed"
)

VIEWS = "/tasks/views/"


def save(member, name, query, page="task_all"):
    return session_client(member).post(VIEWS, {"list": page, "name": name, "query": query})


def menu(member, page="task_all"):
    return session_client(member).get(VIEWS, {"list": page}).content.decode()


def test_a_saved_view_opens_the_list_with_its_filters_and_is_in_the_menu(manager):
    response = save(manager, "  Urgent   work ", "priority=urgent&sort=-due_date&page=3")

    assert response.status_code == 302
    assert response["Location"] == "/tasks/all/?priority=urgent&sort=-due_date"
    page = menu(manager)
    assert "Urgent work" in page and 'href="/tasks/all/?priority=urgent&amp;sort=-due_date"' in page


def test_saving_a_name_again_replaces_that_view(manager):
    save(manager, "Mine", "status=todo")
    save(manager, "Mine", "status=done")

    kept = SavedView.objects.for_tenant(manager.tenant_id).values_list("query", flat=True)
    assert list(kept) == ["status=done"]


def test_a_view_without_a_name_is_refused_and_nothing_kept(manager):
    response = save(manager, "   ", "status=todo")

    assert response.status_code == 302 and response["Location"] == "/tasks/all/?status=todo"
    assert not SavedView.objects.for_tenant(manager.tenant_id).exists()


def test_another_member_neither_sees_nor_removes_my_view(world, manager):
    save(manager, "Only mine", "status=todo")
    view = SavedView.objects.for_tenant(manager.tenant_id).get()
    colleague = world.members[RoleKind.ADMIN]

    assert "Only mine" not in menu(colleague)
    session_client(colleague).post(VIEWS, {"list": "task_all", "delete": view.pk})

    assert SavedView.objects.for_tenant(manager.tenant_id).filter(pk=view.pk).exists()
    session_client(manager).post(VIEWS, {"list": "task_all", "delete": view.pk})
    assert not SavedView.objects.for_tenant(manager.tenant_id).exists()


def test_views_are_kept_per_list_and_an_unknown_list_is_refused(manager):
    save(manager, "Todo", "status=todo", page="task_list")

    assert "Todo" in menu(manager, "task_list") and "Todo" not in menu(manager, "task_all")
    assert session_client(manager).get(VIEWS, {"list": "nope"}).status_code == 404
