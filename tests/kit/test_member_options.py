"""A list's people filters and its bulk menu's "Assign to" are sent without the
organization's members: the page fetches them (``MemberOptionsView``, htmx) when the filter
panel or the bulk menu shows, so an unfiltered list is computed without reading them, and a
large organization's hundreds of names are not in every list page. A filter in use lists
them in the page, the chosen one selected."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from opsbase.kernel.roles.constants import RoleKind
from opsbase.kernel.tenants.models import Membership
from opsbase.modules.tasks.services import task_create
from opsbase.testing.factories import MembershipFactory
from opsbase.testing.matrix import session_client

LIST = "/tasks/all/"
MEMBERS = "/tasks/members/"


def _names_read(queries) -> list[str]:
    # PostgreSQL and SQLite quote names with "", MariaDB with ``.
    return [q["sql"] for q in queries if re.search(r"AS [`\"]user__first_name[`\"]", q["sql"])]


def _select(html: str, name: str) -> str:
    found = re.search(rf'<select name="{name}"[^>]*>.*?</select>', html, re.S)
    assert found, f"no {name} select"
    return found.group(0)


def _values(html: str) -> list[str]:
    return re.findall(r'<option value="([^"]*)"', html)


@pytest.fixture
def settings_computed(settings):
    """Every request computed (no list, page or auth cache): what is read is read."""
    settings.OPSBASE_LIST_CACHE = False
    settings.OPSBASE_AUTH_CACHE_TIMEOUT = 0
    return settings


def test_an_unfiltered_list_reads_no_member_names_and_fetches_them_later(settings_computed, world):
    admin = world.members[RoleKind.ADMIN]
    task_create(membership=admin, title="Check the pumps", notify=False)
    client = session_client(admin)
    client.get(LIST)

    with CaptureQueriesContext(connection) as queries:
        html = client.get(LIST).content.decode()
    names_read = _names_read(queries)

    assignee = _select(html, "assignee")
    assert names_read == []
    assert f'hx-get="{MEMBERS}"' in assignee and 'hx-trigger="intersect once"' in assignee
    assert _values(assignee) == ["", "null"]  # anyone, unassigned: the members come later
    bulk = re.search(r'<select[^>]*name="action".*?</select>', html, re.S).group(0)
    assert f'hx-get="{MEMBERS}?value=assign"' in bulk
    assigns = [v for v in _values(bulk) if v.startswith("assign:")]
    assert assigns == ["assign:"]  # nobody; the members are added to this group
    assert re.search(r'<optgroup label="[^"]+" data-opsbase-later><option value="assign:">', bulk)


def test_the_fetched_members_are_the_organizations_active_ones_by_name(world):
    admin = world.members[RoleKind.ADMIN]
    gone = MembershipFactory(tenant=world.home, kind=RoleKind.USER, is_active=False)
    client = session_client(admin)

    filters = client.get(MEMBERS)
    assigns = client.get(MEMBERS, {"value": "assign"})
    other = client.get(MEMBERS, {"value": "<script>"})

    home = Membership.objects.for_tenant(world.home).filter(is_active=True)
    names = {str(m.pk): (m.user.get_full_name().strip() or m.user.email) for m in home}
    shown = re.findall(r'<option value="(\d+)">([^<]*)</option>', filters.content.decode())
    assert filters.status_code == 200
    assert dict(shown) == names
    assert [name for _pk, name in shown] == sorted(names.values(), key=str.casefold)
    assert str(gone.pk) not in dict(shown)
    for away in world.away_members.values():
        assert f'value="{away.pk}"' not in filters.content.decode()
    assert _values(assigns.content.decode()) == [f"assign:{pk}" for pk, _name in shown]
    assert other.content == filters.content  # any other value: the filters' options


@pytest.mark.parametrize("kind", [RoleKind.ADMIN, RoleKind.MANAGER, RoleKind.USER])
@pytest.mark.parametrize("tenant", ["home", "away"])
def test_every_member_gets_the_members_of_their_own_organization_only(world, kind, tenant):
    member = (world.members if tenant == "home" else world.away_members)[kind]
    response = session_client(member).get(MEMBERS)

    assert response.status_code == 200
    shown = set(_values(response.content.decode()))
    own = {
        str(m.pk) for m in Membership.objects.for_tenant(member.tenant_id).filter(is_active=True)
    }
    other = world.away if tenant == "home" else world.home
    foreign = {str(m.pk) for m in Membership.objects.for_tenant(other)}
    assert shown == own
    assert not shown & foreign


def test_signed_out_the_members_are_not_given():
    response = Client().get(MEMBERS)

    assert response.status_code == 302
    assert "option" not in response.content.decode()


def test_a_list_filtered_by_a_member_lists_them_with_that_one_chosen(world):
    admin, chosen = world.members[RoleKind.ADMIN], world.members[RoleKind.USER]
    html = session_client(admin).get(LIST, {"assignee": chosen.pk}).content.decode()

    assignee = _select(html, "assignee")
    assert "hx-get" not in assignee
    assert f'<option value="{chosen.pk}" selected>' in assignee
    assert len(_values(assignee)) > 3
    name = chosen.user.get_full_name().strip() or chosen.user.email
    assert f"{name}</span>" in html  # its chip


def test_what_is_fetched_is_what_a_filtered_list_offers(world):
    admin, chosen = world.members[RoleKind.ADMIN], world.members[RoleKind.USER]
    client = session_client(admin)
    filtered = _select(client.get(LIST, {"assignee": chosen.pk}).content.decode(), "assignee")

    fetched = client.get(MEMBERS).content.decode()

    assert _values(filtered) == ["", "null", *_values(fetched)]
