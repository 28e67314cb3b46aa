import secrets
from datetime import timedelta

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from opsbase.kernel.roles.constants import RoleKind
from opsbase.kernel.tenants.models import Invitation, Membership, Tenant
from opsbase.kernel.tenants.selectors import SESSION_KEY
from opsbase.testing.factories import TenantFactory, UserFactory, role_of
from opsbase.testing.matrix import session_client
from opsbase.web.decorators import membership_required

WELCOME = "/org/welcome/"


@pytest.fixture
def newcomer(db):
    return UserFactory(email="newcomer@example.test", first_name="Nora")


@pytest.fixture
def newcomer_client(client, newcomer):
    client.force_login(newcomer)
    return client


def invite(tenant, email, **fields):
    values = {
        "tenant": tenant,
        "email": email,
        "role": role_of(tenant, RoleKind.MANAGER),
        "token_hash": secrets.token_hex(32),
        "expires_at": timezone.now() + timedelta(days=3),
    }
    values.update(fields)
    return Invitation.objects.create(**values)


def test_onboarding_has_the_agreed_url():
    assert reverse("tenants:onboarding") == WELCOME


def test_membership_required_sends_a_user_without_organization_to_onboarding(newcomer):
    request = RequestFactory().get("/somewhere/")
    request.user = newcomer
    request.membership = None
    view = membership_required(lambda request: HttpResponse("inside"))

    response = view(request)

    assert response.status_code == 302
    assert response.url == WELCOME


def test_onboarding_needs_a_signed_in_user(client, db):
    response = client.get(WELCOME)

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_a_user_without_organization_sees_a_welcome_page(newcomer_client):
    response = newcomer_client.get(WELCOME)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Welcome, Nora!" in page
    assert "Create an organization" in page
    assert "ask one of its Admins to invite you" in page
    assert "There is no invitation for your address" in page


def test_creating_an_organization_makes_the_user_its_admin_and_lands_on_home(
    newcomer_client, newcomer
):
    response = newcomer_client.post(WELCOME, {"name": "  Northwind Traders "})

    assert response.status_code == 302
    assert response.url == reverse("web:home")
    tenant = Tenant.objects.get(name="Northwind Traders")
    membership = Membership.objects.for_tenant(tenant).get(user=newcomer)
    assert membership.role.kind == RoleKind.ADMIN
    assert membership.is_active
    assert newcomer_client.session[SESSION_KEY] == tenant.pk
    following = newcomer_client.get(reverse("accounts:profile"))
    assert following.wsgi_request.membership == membership


def test_an_empty_name_is_refused_with_a_message(newcomer_client):
    response = newcomer_client.post(WELCOME, {"name": "   "})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Tenant.objects.exists()


def test_a_name_without_letters_or_digits_never_crashes(newcomer_client):
    response = newcomer_client.post(WELCOME, {"name": "!!!"})

    assert response.status_code == 302
    assert Tenant.objects.get(name="!!!").slug == "org"


def test_a_name_like_an_existing_organization_never_crashes(world, newcomer_client):
    taken = world.home.slug
    first = newcomer_client.post(WELCOME, {"name": world.home.name})
    second = newcomer_client.post(WELCOME, {"name": world.home.name})

    # Each namesake gets the next free address.
    assert (first.status_code, second.status_code) == (302, 302)
    slugs = set(Tenant.objects.filter(name=world.home.name).values_list("slug", flat=True))
    assert slugs == {taken, f"{taken}-2", f"{taken}-3"}


def test_pending_invitations_for_the_users_address_are_listed(world, newcomer_client, newcomer):
    invite(world.away, newcomer.email.upper())
    invite(world.home, newcomer.email, expires_at=timezone.now() - timedelta(minutes=1))
    invite(world.home, "someone.else@example.test")

    response = newcomer_client.get(WELCOME)

    page = response.content.decode()
    assert "Invitations waiting for you" in page
    assert "Globex" in page
    assert role_of(world.away, RoleKind.MANAGER).name in page
    assert "Acme" not in page


def test_revoked_and_accepted_invitations_are_not_listed(world, newcomer_client, newcomer):
    invite(world.away, newcomer.email, revoked_at=timezone.now())
    invite(world.home, newcomer.email, accepted_at=timezone.now())

    response = newcomer_client.get(WELCOME)

    assert "There is no invitation for your address" in response.content.decode()


def test_a_member_can_create_another_organization(world):
    member = world.members["user"]
    client = session_client(member)

    page = client.get(WELCOME)
    response = client.post(WELCOME, {"name": "Side Project"})

    assert page.status_code == 200
    assert "Add an organization" in page.content.decode()
    assert response.status_code == 302
    tenant = Tenant.objects.get(name="Side Project")
    assert client.session[SESSION_KEY] == tenant.pk
    assert Membership.objects.for_tenant(world.home).get(user=member.user).role.kind == (
        RoleKind.USER
    )


def test_onboarding_query_count_does_not_grow_with_invitations(
    world, newcomer_client, newcomer, django_assert_num_queries
):
    invite(world.away, newcomer.email)
    newcomer_client.get(WELCOME)
    with CaptureQueriesContext(connection) as one:
        newcomer_client.get(WELCOME)
    invite(world.home, newcomer.email)
    extra = TenantFactory(name="Initech", slug="initech")
    invite(extra, newcomer.email)

    with django_assert_num_queries(len(one.captured_queries)):
        response = newcomer_client.get(WELCOME)

    assert "Initech" in response.content.decode()
