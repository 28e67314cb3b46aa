import pytest
from django.urls import reverse

from opsbase.kernel.roles.constants import RoleKind
from opsbase.kernel.tenants.selectors import SESSION_KEY
from opsbase.testing.factories import MembershipFactory
from opsbase.testing.matrix import session_client

SWITCH = "/org/switch/"
PROFILE = "/accounts/profile/"


@pytest.fixture
def both(world):
    """Acme's Manager, who is also a User in Globex; signed in and acting in Acme."""
    home = world.members[RoleKind.MANAGER]
    away = MembershipFactory(tenant=world.away, user=home.user, kind=RoleKind.USER)
    return home, away, session_client(home)


def test_switch_has_the_agreed_url():
    assert reverse("tenants:switch") == SWITCH


def test_switching_changes_the_active_membership(both):
    home, away, client = both
    assert client.get(PROFILE).wsgi_request.membership == home

    response = client.post(SWITCH, {"tenant": away.tenant_id})

    assert response.status_code == 302
    assert response.url == reverse("web:home")
    assert client.session[SESSION_KEY] == away.tenant_id
    assert client.get(PROFILE).wsgi_request.membership == away
    client.post(SWITCH, {"tenant": home.tenant_id})
    assert client.get(PROFILE).wsgi_request.membership == home


def test_switching_to_an_organization_of_which_one_is_not_a_member_is_404(world):
    member = world.members[RoleKind.ADMIN]
    client = session_client(member)

    response = client.post(SWITCH, {"tenant": world.away.pk})

    assert response.status_code == 404
    assert client.session[SESSION_KEY] == world.home.pk
    assert client.get(PROFILE).wsgi_request.membership == member


def test_an_inactive_membership_is_not_selectable(both):
    home, away, client = both
    away.is_active = False
    away.save()

    response = client.post(SWITCH, {"tenant": away.tenant_id})

    assert response.status_code == 404
    assert client.get(PROFILE).wsgi_request.membership == home


def test_an_inactive_organization_is_not_selectable(both):
    home, away, client = both
    away.tenant.is_active = False
    away.tenant.save()

    response = client.post(SWITCH, {"tenant": away.tenant_id})

    assert response.status_code == 404


@pytest.mark.parametrize("value", ["", "abc", "-1", "0", str(2**70)])
def test_a_malformed_tenant_id_is_404(both, value):
    _home, _away, client = both

    assert client.post(SWITCH, {"tenant": value}).status_code == 404


def test_switch_accepts_post_only(both):
    _home, away, client = both

    assert client.get(SWITCH, {"tenant": away.tenant_id}).status_code == 405


def test_switch_needs_a_signed_in_user(client, world):
    response = client.post(SWITCH, {"tenant": world.home.pk})

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_switch_returns_to_a_safe_next_only(both):
    _home, away, client = both

    inside = client.post(SWITCH, {"tenant": away.tenant_id, "next": PROFILE})
    outside = client.post(SWITCH, {"tenant": away.tenant_id, "next": "https://evil.example/x"})
    sneaky = client.post(SWITCH, {"tenant": away.tenant_id, "next": "//evil.example/x"})

    assert inside.url == PROFILE
    assert outside.url == reverse("web:home")
    assert sneaky.url == reverse("web:home")


def test_switch_is_audited_in_the_chosen_organization(both, monkeypatch):
    home, away, client = both
    recorded = []
    monkeypatch.setattr(
        "opsbase.kernel.tenants.onboarding.audit_event", lambda **kw: recorded.append(kw)
    )

    client.post(SWITCH, {"tenant": away.tenant_id})

    assert len(recorded) == 1
    assert recorded[0]["action"] == "tenant.switch"
    assert recorded[0]["tenant"] == away.tenant
    assert recorded[0]["actor"] == home.user
