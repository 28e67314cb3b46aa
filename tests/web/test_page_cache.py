"""Whole pages kept in the cache (list page, dashboard): the shell follows every user, member,
role and tenant change at once; flash messages and CSRF tokens are never cached."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opsbase.apps.roles.constants import RoleKind
from opsbase.apps.tasks.services import task_create
from opsbase.testing.factories import MembershipFactory
from opsbase.testing.matrix import session_client
from opsbase.web import dashboard

PAGES = ["/", "/tasks/all/?page_size=50", "/tasks/"]


@pytest.fixture
def page_cache(settings, web_urls):
    settings.OPSBASE_LIST_CACHE = True
    settings.OPSBASE_AUTH_CACHE_TIMEOUT = 60
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def admin(world):
    return world.members[RoleKind.ADMIN]


def _html(client, path) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("path", PAGES)
def test_a_repeated_page_costs_no_query_but_the_session_and_its_user(page_cache, admin, path):
    client = session_client(admin)
    first = _html(client, path)

    with CaptureQueriesContext(connection) as queries:
        again = _html(client, path)

    session = ("accounts_user", "django_session")  # the tests keep sessions in the database
    assert [q["sql"] for q in queries if not any(t in q["sql"] for t in session)] == []
    assert _no_token(again) == _no_token(first)


def _no_token(html: str) -> str:
    return re.sub(r'(csrfmiddlewaretoken" value=|"X-CSRFToken": )"[^"]+"', r"\1TOKEN", html)


@pytest.mark.parametrize("path", PAGES)
def test_a_flash_message_is_shown_once_and_never_cached(page_cache, admin, path):
    client = session_client(admin)
    _html(client, path)  # the page is cached

    shown = client.get("/t/flash/", {"next": path}, follow=True).content.decode()
    after = _html(client, path)
    other = _html(session_client(admin), path)  # the same member in another browser

    assert "Saved the pump." in shown
    assert "Saved the pump." not in after
    assert "Saved the pump." not in other


@pytest.mark.parametrize("path", PAGES)
def test_a_flash_message_on_a_first_visit_is_not_kept_for_the_next(page_cache, admin, path):
    client = session_client(admin)

    assert (
        "Saved the pump." in client.get("/t/flash/", {"next": path}, follow=True).content.decode()
    )
    assert "Saved the pump." not in _html(client, path)


@pytest.mark.parametrize("path", PAGES)
def test_a_renamed_user_and_tenant_show_on_the_next_page(page_cache, admin, path):
    client = session_client(admin)
    _html(client, path)

    admin.user.first_name = "Grace"
    admin.user.save()
    admin.tenant.name = "Acme Pumps"
    admin.tenant.save()

    html = _html(client, path)
    assert "Grace" in html and "Acme Pumps" in html


@pytest.mark.parametrize("path", PAGES)
def test_a_membership_added_elsewhere_shows_in_the_switcher_at_once(page_cache, world, path):
    admin = world.members[RoleKind.ADMIN]
    client = session_client(admin)
    assert "Globex" not in _html(client, path)

    MembershipFactory(tenant=world.away, user=admin.user, kind=RoleKind.USER)

    assert "Globex" in _html(client, path)


def test_a_task_written_shows_on_the_next_dashboard_and_list(page_cache, admin):
    client = session_client(admin)
    _html(client, "/")
    assert "Check the pumps" not in _html(client, "/tasks/")

    task_create(membership=admin, title="Check the pumps", notify=False)

    assert "Check the pumps" in _html(client, "/tasks/")
    counts = re.findall(r'data-testid="count">(\d+)<', _html(client, "/"))
    assert counts[:1] == ["1"]


def test_a_dashboard_with_a_card_that_is_not_versioned_is_rendered_each_time(page_cache, admin):
    calls = []

    def counts(membership):
        calls.append(membership.pk)
        return [("Pumps", len(calls), None)]

    dashboard.register(dashboard.CountsCard(key="pumps", title="Pumps", counts=counts))
    try:
        client = session_client(admin)
        _html(client, "/")
        _html(client, "/")
    finally:
        dashboard.unregister("pumps")

    assert len(calls) == 2


def test_the_list_cache_off_renders_every_page(page_cache, settings, admin):
    settings.OPSBASE_LIST_CACHE = False
    client = session_client(admin)
    _html(client, "/tasks/")

    task_create(membership=admin, title="Check the pumps", notify=False)

    assert "Check the pumps" in _html(client, "/tasks/")
