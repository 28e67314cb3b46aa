"""The page shell: dashboard, sidebar, tenant switcher, user menu, messages, CSP, tags."""

import re

import pytest
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import reverse

from opsbase.kernel.roles.constants import RoleKind
from opsbase.testing.factories import MembershipFactory, UserFactory
from opsbase.testing.matrix import session_client
from opsbase.web import navigation
from opsbase.web.context_processors import tenant_memberships

from .conftest import ADMIN_ONLY


def sidebar(html: str) -> str:
    match = re.search(r'<aside class="opsbase-sidebar.*?</aside>', html, flags=re.DOTALL)
    assert match, "the page has no sidebar"
    return match.group(0)


def switcher(html: str) -> str:
    match = re.search(
        r'<li class="nav-item dropdown opsbase-tenant-switcher">.*?</li>\s*</ul>',
        html,
        flags=re.DOTALL,
    )
    assert match, "the page has no tenant switcher"
    return match.group(0)


# -- dashboard -----------------------------------------------------------------------------


def test_home_shows_the_tenant_the_role_and_the_dashboard_entry(world):
    response = session_client(world.members[RoleKind.MANAGER]).get(reverse("web:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Acme" in html and "Globex" not in html
    assert "You are signed in as Manager." in html
    assert 'href="/" aria-current="page"' in sidebar(html)
    assert "Dashboard" in sidebar(html)


def test_the_sidebar_hides_entries_the_role_cannot_use(world, admin_only_item):
    user_page = session_client(world.members[RoleKind.USER]).get("/").content.decode()
    admin_page = session_client(world.members[RoleKind.ADMIN]).get("/").content.decode()
    assert "Secret plans" not in user_page
    assert "Secret plans" in sidebar(admin_page)
    # the sidebar's entry only: the dashboard no longer repeats the sidebar
    assert admin_page.count('href="/t/items/"') == 1


def test_a_custom_role_granted_the_codename_sees_the_entry(world, admin_only_item):
    member = world.members[RoleKind.USER]
    member.role.permissions = [*member.role.permissions, ADMIN_ONLY]
    member.role.save()
    assert "Secret plans" in sidebar(session_client(member).get("/").content.decode())


def test_sidebar_sections_come_in_order_with_headings(world, admin_only_item):
    navigation.register(
        navigation.NavItem("Org settings", "webtest_item", section="organization", order=1)
    )
    try:
        html = sidebar(session_client(world.members[RoleKind.ADMIN]).get("/").content.decode())
    finally:
        navigation.unregister("webtest_item")
    # "webtest_item" needs an argument, so it cannot be reversed and is left out.
    assert "Org settings" not in html
    overview, organization = html.index("Overview"), html.find("Organization")
    assert overview < html.index("Dashboard") < html.index("Secret plans")
    assert organization == -1 or organization > html.index("Secret plans")


def test_each_module_s_entries_come_under_its_own_heading(world):
    html = sidebar(session_client(world.members[RoleKind.ADMIN]).get("/").content.decode())
    headings = re.findall(r"<h2 class=\"opsbase-sidebar-heading[^>]*>([^<]+)</h2>", html)

    assert headings[0].strip() == "Overview" and headings[-1].strip() == "Organization"
    assert {"Tasks", "Leads"} <= {h.strip() for h in headings}
    # A module's entries sit between its heading and the next one.
    tasks = html.index(">Tasks</h2>")
    assert tasks < html.index("My tasks") < html.index("All tasks") < html.index(">Leads</h2>")


def test_the_entry_of_the_current_section_is_highlighted_on_its_sub_pages(world, admin_only_item):
    html = sidebar(
        session_client(world.members[RoleKind.ADMIN]).get("/t/items/7/").content.decode()
    )
    assert re.search(r'class="nav-link[^"]* active" href="/t/items/" aria-current="page"', html)
    assert re.search(r'class="nav-link[^"]*link-body-emphasis" href="/"', html)


def test_sections_for_marks_the_longest_matching_entry():
    navigation.register(navigation.NavItem("Home again", "web:home"))
    try:
        entries = [e for s in navigation.sections_for(None, "/") for e in s["entries"]]
    finally:
        navigation.register(navigation.NavItem("Dashboard", "web:home", "speedometer2", order=0))
    assert [e["active"] for e in entries if e["url"] == "/"] == [True]


def test_entries_of_equal_rank_follow_their_labels_in_the_active_language():
    """The order is worked out once per language, and again after every change."""
    from django.utils import translation
    from django.utils.translation import gettext_lazy

    def order() -> list[str]:
        return [str(e["item"].label) for s in navigation.sections_for(None) for e in s["entries"]]

    navigation.register(navigation.NavItem(gettext_lazy("Sign out"), "accounts:login", order=999))
    navigation.register(navigation.NavItem(gettext_lazy("Sign in"), "accounts:logout", order=999))
    try:
        for _turn in range(2):
            for language in ("en", "de"):
                with translation.override(language):
                    labels = [
                        label
                        for label in order()
                        if label in {str(gettext_lazy("Sign out")), str(gettext_lazy("Sign in"))}
                    ]
                    assert labels == sorted(labels) and len(labels) == 2
        assert "Later" not in order()
        navigation.register(navigation.NavItem("Later", "web:home", order=1000))
        assert order()[-1] == "Later"
    finally:
        navigation.unregister("accounts:login")
        navigation.unregister("accounts:logout")
        navigation.register(navigation.NavItem("Dashboard", "web:home", "speedometer2", order=0))


def test_anonymous_visitors_are_sent_to_sign_in(db):
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_user_without_organization_is_sent_to_onboarding(db):
    client = Client()
    client.force_login(UserFactory())
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("tenants:onboarding")


# -- tenant switcher and user menu ---------------------------------------------------------


def test_switcher_lists_every_tenant_of_the_user_as_a_post_form(world):
    member = world.members[RoleKind.USER]
    MembershipFactory(tenant=world.away, user=member.user, kind=RoleKind.MANAGER)
    html = switcher(session_client(member).get("/").content.decode())
    assert "Acme" in html and "Globex" in html
    forms = re.findall(r'<form method="post" action="([^"]+)">(.*?)</form>', html, re.DOTALL)
    assert {action for action, _ in forms} == {reverse("tenants:switch")}
    assert {re.search(r'name="tenant" value="(\d+)"', f).group(1) for _, f in forms} == {
        str(world.home.pk),
        str(world.away.pk),
    }
    assert all("csrfmiddlewaretoken" in f for _, f in forms)


def test_switching_tenant_from_the_navbar_changes_the_dashboard(world):
    member = world.members[RoleKind.USER]
    MembershipFactory(tenant=world.away, user=member.user, kind=RoleKind.MANAGER)
    client = session_client(member)
    response = client.post(reverse("tenants:switch"), {"tenant": world.away.pk, "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert "You are signed in as Manager." in html
    assert re.search(r'class="dropdown-item[^"]*active"[^>]*>\s*<span>Globex', switcher(html))


def test_switcher_does_not_list_inactive_memberships(world):
    member = world.members[RoleKind.USER]
    MembershipFactory(tenant=world.away, user=member.user, kind=RoleKind.USER, is_active=False)
    assert "Globex" not in session_client(member).get("/").content.decode()


def test_the_switcher_list_is_queried_once_per_request(world, django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = world.members[RoleKind.USER].user
    with django_assert_num_queries(1):
        first = tenant_memberships(request)
        again = tenant_memberships(request)
    assert first is again and len(first) == 1


def test_the_dashboard_query_count_does_not_grow_with_tenants_or_entries(
    world, admin_only_item, django_assert_max_num_queries
):
    # Session, user, active membership, switcher list: nothing per tenant or per entry.
    member = world.members[RoleKind.ADMIN]
    client = session_client(member)
    client.get("/")
    with django_assert_max_num_queries(4):
        assert client.get("/").status_code == 200
    MembershipFactory(tenant=world.away, user=member.user, kind=RoleKind.USER)
    navigation.register(navigation.NavItem("More", "webtest_more", codename=ADMIN_ONLY))
    try:
        with django_assert_max_num_queries(4):
            html = client.get("/").content.decode()
        assert "Globex" in html and 'href="/t/more/"' in html
    finally:
        navigation.unregister("webtest_more")


def test_user_menu_links_to_the_account_pages_and_signs_out_by_post(world):
    html = session_client(world.members[RoleKind.USER]).get("/").content.decode()
    menu = html[html.index("opsbase-user-menu") :]
    assert f'href="{reverse("accounts:profile")}"' in menu
    assert f'href="{reverse("accounts:password_change")}"' in menu
    assert re.search(
        rf'<form method="post" action="{reverse("accounts:logout")}">\s*<input type="hidden" '
        r'name="csrfmiddlewaretoken"',
        menu,
    )


def test_signed_out_pages_offer_sign_in_and_no_member_menus(web_urls, db):
    html = Client().get("/t/items/").content.decode()
    assert f'href="{reverse("accounts:login")}"' in html
    assert "opsbase-user-menu" not in html
    assert "opsbase-tenant-switcher" not in html
    assert "opsbase-sidebar" not in html


# -- page furniture ------------------------------------------------------------------------


def test_messages_are_dismissible_alerts_and_errors_are_danger(world, web_urls):
    html = session_client(world.members[RoleKind.USER]).get("/t/messages/").content.decode()
    assert re.search(r"alert alert-success alert-dismissible[^>]*>\s*<div>Saved the pump.", html)
    assert re.search(r"alert alert-danger alert-dismissible[^>]*>\s*<div>The valve", html)
    assert re.search(r"alert alert-warning alert-dismissible[^>]*>\s*<div>Stock is low.", html)
    assert html.count('data-bs-dismiss="alert"') == 3


def test_pages_carry_a_strict_content_security_policy(world):
    response = session_client(world.members[RoleKind.USER]).get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp


def test_htmx_is_configured_for_csp_and_sends_the_csrf_token(world):
    response = session_client(world.members[RoleKind.USER]).get("/")
    html = response.content.decode()
    assert '"includeIndicatorStyles": false' in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    assert f"""hx-headers='{{"X-CSRFToken": "{token}"}}'""" in html


def test_color_mode_script_loads_blocking_in_head_before_the_stylesheets(world):
    html = session_client(world.members[RoleKind.USER]).get("/").content.decode()
    head = html[: html.index("</head>")]
    script = re.search(r'<script src="[^"]*/opsbase/js/color-mode\.js"></script>', head)
    assert script and script.start() < head.index("bootstrap.min.css")
    for value in ("light", "dark", "auto"):
        assert f'data-bs-theme-value="{value}"' in html


def test_page_actions_block_is_rendered_in_the_page_header(world):
    template = Template(
        '{% extends "opsbase/base.html" %}{% block page_actions %}'
        '<a class="btn btn-primary" href="/new/">New</a>{% endblock %}'
    )
    request = RequestFactory().get("/")
    request.user = world.members[RoleKind.USER].user
    request.membership = world.members[RoleKind.USER]
    html = template.render(Context({"request": request, "user": request.user}))
    assert '<div class="opsbase-page-actions"><a class="btn btn-primary" href="/new/">' in html


# -- template tags -------------------------------------------------------------------------


def render(source: str, membership, **context) -> str:
    request = RequestFactory().get("/")
    request.membership = membership
    return Template(source).render(Context({"request": request, **context})).strip()


def test_can_tag_answers_for_the_requests_membership(world, admin_only_item):
    source = '{% load opsbase_policy %}{% can "webtest.admin_only" as ok %}{{ ok|yesno:"y,n" }}'
    assert render(source, world.members[RoleKind.ADMIN]) == "y"
    assert render(source, world.members[RoleKind.USER]) == "n"
    assert render(source, None) == "n"


def test_can_tag_checks_the_object_tenant(world, admin_only_item):
    source = '{% load opsbase_policy %}{% can "webtest.admin_only" obj as ok %}{{ ok|yesno:"y,n" }}'
    admin = world.members[RoleKind.ADMIN]
    assert render(source, admin, obj=world.spare) == "y"
    assert render(source, admin, obj=world.away_members[RoleKind.USER]) == "n"


def test_denial_reason_tag_gives_the_rules_reason(world, admin_only_item):
    source = '{% load opsbase_policy %}{% denial_reason "webtest.admin_only" as why %}[{{ why }}]'
    assert render(source, world.members[RoleKind.USER]) == "[Admins only.]"
    assert render(source, world.members[RoleKind.ADMIN]) == "[]"


def test_url_or_none_resolves_installed_routes_only():
    source = (
        '{% load opsbase_shell %}{% url_or_none "web:home" as a %}'
        '{% url_or_none "nowhere:at_all" as b %}[{{ a }}|{{ b|default:"none" }}]'
    )
    assert Template(source).render(Context({})) == "[/|none]"


@pytest.mark.parametrize("level", ["debug", "info", "success", "warning", "error"])
def test_alert_class_maps_every_message_level(level):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message

    message = Message(getattr(constants, level.upper()), "x")
    html = Template("{% load opsbase_shell %}{{ m|alert_class }}").render(Context({"m": message}))
    assert html == {"error": "danger", "debug": "secondary"}.get(level, level)


# The switcher's entries and the account menu as their templates looped over them before
# they were built as text: the tags must give the same markup.
SWITCHER_LOOP = """{% load l10n %}{% for m in tenant_memberships %}
      <li>
        {% if switch_url %}
          <form method="post" action="{{ switch_url }}">
            {% csrf_token %}
            <input type="hidden" name="tenant" value="{{ m.tenant_id|unlocalize }}">
            <input type="hidden" name="next" value="{{ shell_next|default:request.get_full_path }}">
            <button type="submit" class="dropdown-item d-flex justify-content-between align-items-center gap-3{% if membership and m.pk == membership.pk %} active{% endif %}"{% if membership and m.pk == membership.pk %} aria-current="true"{% endif %}>
              <span>{{ m.tenant.name }} <small class="opacity-75">· {{ m.role.name }}</small></span>
              {% if membership and m.pk == membership.pk %}<i class="bi bi-check2" aria-hidden="true"></i>{% endif %}
            </button>
          </form>
        {% else %}
          <span class="dropdown-item-text">{{ m.tenant.name }}</span>
        {% endif %}
      </li>
    {% endfor %}"""  # noqa: E501

USER_MENU_ITEMS = """{% load i18n opsbase_shell %}
{% url_or_none "accounts:profile" as profile_url %}
{% url_or_none "accounts:password_change" as password_url %}
{% url_or_none "api:token_list" as tokens_url %}
{% url_or_none "accounts:logout" as logout_url %}
    <li><h6 class="dropdown-header text-truncate">{{ user.get_username }}</h6></li>
    {% if profile_url %}<li><a class="dropdown-item" href="{{ profile_url }}"><i class="bi bi-person me-2" aria-hidden="true"></i>{% translate "Profile" %}</a></li>{% endif %}
    {% if password_url %}<li><a class="dropdown-item" href="{{ password_url }}"><i class="bi bi-key me-2" aria-hidden="true"></i>{% translate "Change password" %}</a></li>{% endif %}
    {% if tokens_url and membership %}<li><a class="dropdown-item" href="{{ tokens_url }}"><i class="bi bi-braces-asterisk me-2" aria-hidden="true"></i>{% translate "API tokens" %}</a></li>{% endif %}
    {% if logout_url %}
      <li><hr class="dropdown-divider"></li>
      <li>
        <form method="post" action="{{ logout_url }}">
          {% csrf_token %}
          <button type="submit" class="dropdown-item"><i class="bi bi-box-arrow-right me-2" aria-hidden="true"></i>{% translate "Sign out" %}</button>
        </form>
      </li>
    {% endif %}"""  # noqa: E501


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("switch_url", ["/org/switch/", None])
@pytest.mark.parametrize("acting", [True, False])
def test_the_switcher_and_account_menu_tags_give_what_their_templates_gave(
    world, language, switch_url, acting
):
    from django.middleware.csrf import get_token
    from django.test.html import parse_html
    from django.utils import translation

    member = world.members[RoleKind.USER]
    away = MembershipFactory(tenant=world.away, user=member.user, kind=RoleKind.MANAGER)
    away.tenant.name = 'Globex <"&> Ltd'
    request = RequestFactory().get("/tasks/?q=a&b=<c>")
    request.user = member.user
    context = {
        "request": request,
        "user": member.user,
        "membership": member if acting else None,
        "tenant_memberships": [member, away],
        "switch_url": switch_url,
        "csrf_token": get_token(request),
    }

    with translation.override(language):
        old_items = Template(SWITCHER_LOOP).render(Context(context))
        new_items = Template(
            "{% load opsbase_shell %}{% tenant_switcher_items tenant_memberships switch_url %}"
        ).render(Context(context))
        old_menu = Template(USER_MENU_ITEMS).render(Context(context))
        new_menu = Template("{% load opsbase_shell %}{% user_menu_items %}").render(
            Context(context)
        )

    assert parse_html(new_items) == parse_html(old_items)
    assert parse_html(new_menu) == parse_html(old_menu)
    assert "Globex &lt;&quot;&amp;&gt; Ltd" in new_items
    assert ("API tokens" in new_menu or "API-Token" in new_menu) is acting


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_kept_sidebar_is_the_sidebar_computed_for_each_role_and_page(
    world, admin_only_item, language
):
    """Kept per what a role grants (not per member), the language and the current entry: for
    every member and page it is what ``sections_for`` gives."""
    from django.utils import translation

    paths = ["/", "/t/items/", "/t/items/7/", "/tasks/", "/tasks/all/", "/nowhere/", None]
    with translation.override(language):
        for membership in [*world.members.values(), *world.away_members.values(), world.spare]:
            for path in paths:
                for _turn in range(2):  # computed, then kept
                    kept = navigation.sidebar_html(membership, path)
                    computed = navigation.sections_html(navigation.sections_for(membership, path))
                    assert kept == computed, (membership, path)


def test_members_of_one_role_share_the_sidebar_and_a_change_of_grants_is_seen(
    world, admin_only_item
):
    user, spare = world.members[RoleKind.USER], world.spare
    assert user.role.grants_key() == spare.role.grants_key()
    assert navigation.sidebar_html(user, "/") is navigation.sidebar_html(spare, "/")
    assert "Secret plans" not in navigation.sidebar_html(user, "/")

    user.role.permissions = [*user.role.permissions, ADMIN_ONLY]

    assert "Secret plans" in navigation.sidebar_html(user, "/")
    assert "Secret plans" not in navigation.sidebar_html(spare, "/")  # its role is unchanged


def test_an_entry_registered_later_is_in_the_kept_sidebar(world, web_urls):
    admin = world.members[RoleKind.ADMIN]
    before = navigation.sidebar_html(admin, "/")
    navigation.register(navigation.NavItem("Later entry", "webtest_items"))
    try:
        assert "Later entry" not in before
        assert "Later entry" in navigation.sidebar_html(admin, "/")
    finally:
        navigation.unregister("webtest_items")
    assert "Later entry" not in navigation.sidebar_html(admin, "/")
