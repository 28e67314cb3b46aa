"""The e-mailed link: sign in first, accept once, then act in the new organization."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from opsbase.kernel.roles.constants import RoleKind
from opsbase.kernel.tenants.models import Invitation, Membership
from opsbase.kernel.tenants.selectors import SESSION_KEY
from opsbase.kernel.tenants.services import invitation_create, invitation_revoke
from opsbase.testing.factories import UserFactory, role_of


@pytest.fixture
def invitation(world):
    return invitation_create(
        membership=world.members["admin"],
        email="newcomer@example.test",
        role=role_of(world.home, RoleKind.MANAGER),
        site_url="http://testserver/",
    )


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url_of(invitation) -> str:
    return reverse("tenants:invitation_accept", args=[invitation.token])


def test_a_signed_out_visitor_is_sent_to_sign_in_and_back(invitation):
    response = Client().get(url_of(invitation))
    assert response.status_code == 302
    login, _, query = response["Location"].partition("?")
    assert login == reverse("accounts:login")
    assert query == f"next={quote(url_of(invitation), safe='/')}"
    assert Client().post(url_of(invitation)).status_code == 302


def test_the_page_names_the_organization_and_role(invitation):
    response = signed_in(UserFactory(email="newcomer@example.test")).get(url_of(invitation))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Join Acme" in html and "Manager" in html


def test_opening_the_link_does_not_accept_it(world, invitation):
    signed_in(UserFactory(email="newcomer@example.test")).get(url_of(invitation))
    assert Invitation.objects.for_tenant(world.home).get(pk=invitation.pk).accepted_at is None


def test_accepting_joins_and_switches_to_the_organization(world, invitation):
    user = UserFactory(email="newcomer@example.test")
    client = signed_in(user)
    response = client.post(url_of(invitation))
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    member = Membership.objects.for_tenant(world.home).get(user=user)
    assert member.role.kind == RoleKind.MANAGER
    assert client.session[SESSION_KEY] == world.home.pk


def test_a_member_of_another_organization_lands_in_the_new_one(world):
    globex_user = world.away_members["user"].user
    invitation = invitation_create(
        membership=world.members["admin"],
        email=globex_user.email,
        role=role_of(world.home, RoleKind.USER),
        site_url="http://testserver/",
    )
    client = signed_in(globex_user)
    client.post(url_of(invitation))
    assert client.session[SESSION_KEY] == world.home.pk


def test_a_used_link_shows_a_friendly_page(world, invitation):
    client = signed_in(UserFactory(email="newcomer@example.test"))
    client.post(url_of(invitation))
    response = client.get(url_of(invitation))
    assert response.status_code == 410
    assert "already used" in response.content.decode()
    assert client.post(url_of(invitation)).status_code == 410


def test_an_expired_link_shows_a_friendly_page(world, invitation):
    Invitation.objects.for_tenant(world.home).filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    client = signed_in(UserFactory(email="newcomer@example.test"))
    response = client.post(url_of(invitation))
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert not Membership.objects.for_tenant(world.home).filter(user__email=invitation.email)


def test_a_revoked_link_shows_a_friendly_page(world, invitation):
    invitation_revoke(membership=world.members["admin"], invitation=invitation)
    response = signed_in(UserFactory(email="newcomer@example.test")).get(url_of(invitation))
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()


def test_the_wrong_account_is_told_to_use_the_invited_address(world, invitation):
    client = signed_in(world.away_members["admin"].user)
    response = client.post(url_of(invitation))
    assert response.status_code == 400
    assert "another e-mail address" in response.content.decode()
    assert Invitation.objects.for_tenant(world.home).get(pk=invitation.pk).accepted_at is None


def test_a_made_up_token_is_404(world):
    response = signed_in(world.spare.user).get(
        reverse("tenants:invitation_accept", args=["made-up"])
    )
    assert response.status_code == 404
    assert "not valid" in response.content.decode()
