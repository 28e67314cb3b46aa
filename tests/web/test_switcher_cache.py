"""The tenant switcher read from the cache: a membership added, renamed or ended shows on the
next page."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from opsbase.kernel.roles.constants import RoleKind
from opsbase.testing.factories import MembershipFactory
from opsbase.testing.matrix import session_client


def _tenants(client) -> list[str]:
    html = client.get("/").content.decode()
    block = re.search(r"opsbase-tenant-switcher.*?</ul>", html, flags=re.DOTALL)
    return sorted(set(re.findall(r"(Acme|Globex|Initech)", block.group(0)))) if block else []


def test_a_membership_added_or_ended_shows_in_the_switcher_at_once(auth_cache, world):
    member = world.members[RoleKind.MANAGER]
    client = session_client(member)
    assert _tenants(client) == ["Acme"]

    elsewhere = MembershipFactory(tenant=world.away, user=member.user, kind=RoleKind.USER)
    assert _tenants(client) == ["Acme", "Globex"]

    elsewhere.is_active = False
    elsewhere.save()
    assert _tenants(client) == ["Acme"]


def test_a_tenant_renamed_shows_renamed(auth_cache, world):
    member = world.members[RoleKind.MANAGER]
    MembershipFactory(tenant=world.away, user=member.user, kind=RoleKind.USER)
    client = session_client(member)
    assert _tenants(client) == ["Acme", "Globex"]

    world.away.name = "Initech"
    world.away.save()

    assert _tenants(client) == ["Acme", "Initech"]


def test_the_switcher_costs_no_query_once_cached(auth_cache, world):
    member = world.members[RoleKind.MANAGER]
    MembershipFactory(tenant=world.away, user=member.user, kind=RoleKind.USER)
    client = session_client(member)
    client.get("/")

    with CaptureQueriesContext(connection) as queries:
        assert _tenants(client) == ["Acme", "Globex"]

    # Neither the list nor the membership the request acts with (picked from the list).
    assert not [q for q in queries if "tenants_membership" in q["sql"]]
