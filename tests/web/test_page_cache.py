"""Whole pages kept in the cache (list page, dashboard): the shell follows every user, member,
role and tenant change at once; flash messages and CSRF tokens are never cached."""

import re
import shutil

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opsbase.core.cache import versioned_key
from opsbase.kernel.roles.constants import RoleKind
from opsbase.modules.tasks.services import task_create
from opsbase.testing.factories import MembershipFactory
from opsbase.testing.matrix import session_client
from opsbase.web import dashboard
from opsbase.web import page_cache as pages

PAGES = ["/", "/tasks/all/?page_size=50", "/tasks/"]


@pytest.fixture
def page_cache(settings, web_urls):
    settings.OPSBASE_LIST_CACHE = True
    settings.OPSBASE_AUTH_CACHE_TIMEOUT = 60
    cache.clear()
    yield
    cache.clear()


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


# -- the deployment's release: a deploy never serves pages cached by the previous one ---------


@pytest.fixture
def release(monkeypatch):
    """Set the release id the page keys see: ``release("r1")``."""

    def use(value: str) -> None:
        monkeypatch.setattr(pages, "deploy_release", lambda: value)

    return use


def _home_key(rf, membership) -> str:
    request = rf.get("/")
    request.user, request.membership = membership.user, membership
    return versioned_key("page:home", membership.tenant_id, *pages.page_shell_parts(request))


def test_another_release_gives_another_page_key_and_the_same_release_the_same(
    page_cache, admin, rf, release
):
    release("2026.11.23-a1b2c3")
    before = _home_key(rf, admin)
    again = _home_key(rf, admin)

    release("2026.11.24-d4e5f6")
    after = _home_key(rf, admin)

    assert again == before
    assert after != before


@pytest.mark.parametrize("path", PAGES)
def test_a_page_cached_before_a_deploy_is_rendered_anew_after_it(
    page_cache, admin, release, monkeypatch, path
):
    rendered = []
    render = pages.render_to_string
    monkeypatch.setattr(
        pages,
        "render_to_string",
        lambda *args, **kw: rendered.append(args[0]) or render(*args, **kw),
    )
    client = session_client(admin)
    release("r1")
    _html(client, path)
    _html(client, path)
    assert len(rendered) == 1  # cached

    release("r2")
    _html(client, path)
    _html(client, path)
    assert len(rendered) == 2  # rendered once for the new release, then cached

    release("r1")  # the same release (another process of the old deployment) shares its pages
    _html(client, path)
    assert len(rendered) == 2


@pytest.mark.parametrize("path", ["/tasks/all/?page_size=50", "/tasks/"])
def test_a_list_content_cached_before_a_deploy_is_rendered_anew_after_it(
    page_cache, admin, release, monkeypatch, path
):
    """A page shown with a flash message is rendered in full around its list content, which
    is cached on its own: under the release too."""
    from opsbase.kit import views

    rendered = []
    render_to_string = views.render_to_string

    def spy(template, *args, **kwargs):
        if template == "kit/_list_content.html":
            rendered.append(template)
        return render_to_string(template, *args, **kwargs)

    monkeypatch.setattr(views, "render_to_string", spy)
    client = session_client(admin)

    def with_message():
        return client.get("/t/flash/", {"next": path}, follow=True).content.decode()

    release("r1")
    assert "Saved the pump." in with_message()
    with_message()
    assert len(rendered) == 1  # the content came from the cache the second time

    release("r2")
    with_message()
    assert len(rendered) == 2


def _release_of(templates, *, version="1.0", release=""):
    return pages.release_id(version, release, [templates])


def test_the_release_id_follows_every_template_file_and_the_named_release(tmp_path):
    templates = tmp_path / "templates"
    (templates / "orders").mkdir(parents=True)
    page = templates / "orders" / "list.html"
    page.write_text("<h1>Orders</h1>")
    first = _release_of(templates)

    assert _release_of(templates) == first  # nothing changed: the same id
    page.write_text("<h1>Work orders</h1>")
    edited = _release_of(templates)
    (templates / "orders" / "row.html").write_text("<tr></tr>")
    added = _release_of(templates)

    assert len({first, edited, added}) == 3
    assert _release_of(templates, release="abc123") != added
    assert _release_of(templates, version="1.1") != added
    page.write_text("<h1>Orders</h1>")
    (templates / "orders" / "row.html").unlink()
    assert _release_of(templates) == first  # the same files again: the same id
    elsewhere = shutil.copytree(templates, tmp_path / "another-host" / "templates")
    assert _release_of(elsewhere) == first  # wherever they are installed


def test_the_release_id_is_computed_once_per_process(monkeypatch):
    calls = []
    compute = pages.release_id
    monkeypatch.setattr(pages, "release_id", lambda *args: calls.append(args) or compute(*args))
    pages.deploy_release.cache_clear()
    try:
        first = pages.deploy_release()
        assert pages.deploy_release() == first
        assert len(calls) == 1
        # It covers the library's own templates (the shell, the lists).
        dirs = [str(d) for d in calls[0][2]]
        assert any(d.endswith("opsbase/web/templates") for d in dirs)
    finally:
        pages.deploy_release.cache_clear()


OLD_PLACEHOLDER = "opsbase-csrf-token-placeholder-5c1e8d27a9b4"


@pytest.mark.parametrize("path", ["/tasks/all/?page_size=50", "/tasks/"])
def test_a_title_holding_a_placeholder_never_shows_the_viewers_csrf_token(
    page_cache, world, admin, path
):
    # The placeholder that pages were cached with used to be a constant in the source.
    task_create(membership=admin, title=f"Look {OLD_PLACEHOLDER} here")
    client = session_client(admin)
    _html(client, path)  # cached

    page = _html(client, path)

    token = re.search(r'csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert f"Look {OLD_PLACEHOLDER} here" in page
    assert f"Look {token} here" not in page


def test_the_placeholder_is_unknowable_without_the_secret_key(settings):
    first = pages.csrf_placeholder()
    settings.SECRET_KEY = "another-" + "x" * 50
    assert pages.csrf_placeholder() != first
    assert OLD_PLACEHOLDER not in (first, pages.csrf_placeholder())


def test_a_lists_shell_is_rendered_once_for_its_filters_sorts_and_pages(page_cache, world):
    admin = world.members[RoleKind.ADMIN]
    MembershipFactory(tenant=world.away, user=admin.user, kind=RoleKind.USER)  # a switcher
    for title in ("Pump check", "Valve swap"):
        task_create(membership=admin, title=title)
    client = session_client(admin)

    first = client.get("/tasks/all/", {"sort": "title"})
    other = client.get("/tasks/all/", {"sort": "-title", "page_size": "25"})

    def shown(response):
        html = response.content.decode()
        return [t.name for t in response.templates], html.index("Pump"), html.index("Valve")

    first_templates, first_pump, first_valve = shown(first)
    other_templates, other_pump, other_valve = shown(other)
    assert "opsbase/base.html" in first_templates
    assert "opsbase/base.html" not in other_templates  # the shell came from the cache
    assert first_pump < first_valve and other_valve < other_pump  # each its own rows
    # The switcher sends each page back to itself, its own query escaped.
    assert 'name="next" value="/tasks/all/?sort=title"' in first.content.decode()
    assert 'name="next" value="/tasks/all/?sort=-title&amp;page_size=25"' in other.content.decode()
    assert "shell-" not in other.content.decode()  # no placeholder left


def test_a_role_change_renders_the_lists_shell_anew(page_cache, world):
    user = world.members[RoleKind.USER]
    client = session_client(user)
    before = _html(client, "/tasks/")

    user.role = world.members[RoleKind.ADMIN].role
    user.save()

    after = _html(client, "/tasks/?page=1")
    assert "/org/members/" not in before
    assert "/org/members/" in after  # the Admin's sidebar


def test_the_member_filters_names_come_from_the_cache_until_a_member_changes(page_cache, world):
    admin, user = world.members[RoleKind.ADMIN], world.members[RoleKind.USER]
    client = session_client(admin)
    # The names of a filtered list (its people filter in use lists them in the page).
    _html(client, f"/tasks/all/?assignee={admin.pk}&page=1")

    with CaptureQueriesContext(connection) as queries:
        again = _html(client, f"/tasks/all/?assignee={admin.pk}&page=2")  # computed
    # Read now: the next request empties the connection's query log.
    names_read = [q["sql"] for q in queries if 'AS "user__first_name"' in q["sql"]]
    user.user.first_name, user.user.last_name = "Ada", "Lovelace"
    user.user.save()
    renamed = _html(client, f"/tasks/all/?assignee={admin.pk}&page=3")
    fetched = _html(client, "/tasks/members/")  # what an unfiltered list's filters fetch

    assert names_read == []
    assert ">Ada Lovelace</option>" in renamed and ">Ada Lovelace</option>" not in again
    assert ">Ada Lovelace</option>" in fetched


def test_a_page_around_a_cached_shell_is_the_page_rendered_whole(page_cache, settings, world):
    admin = world.members[RoleKind.ADMIN]
    MembershipFactory(tenant=world.away, user=admin.user, kind=RoleKind.USER)  # a switcher
    task_create(membership=admin, title="Pump <check> & co")
    client = session_client(admin)
    client.get("/tasks/all/", {"sort": "title"})  # the shell is kept
    around = client.get("/tasks/all/", {"sort": "-title", "page_size": "25"})

    settings.OPSBASE_LIST_CACHE = False
    whole = client.get("/tasks/all/", {"sort": "-title", "page_size": "25"})

    assert "opsbase/base.html" not in [t.name for t in around.templates]
    assert _no_token(around.content.decode()) == _no_token(whole.content.decode())
