import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opsbase.testing.factories import MembershipFactory, UserFactory
from opsbase.testing.matrix import session_client

PROFILE = "/accounts/profile/"


@pytest.fixture
def member(world):
    return world.members["manager"]


def test_profile_needs_a_signed_in_user(client, db):
    response = client.get(PROFILE)

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_profile_shows_email_and_memberships(member):
    client = session_client(member)

    response = client.get(PROFILE)

    page = response.content.decode()
    assert response.status_code == 200
    assert member.user.email in page
    assert "Acme" in page
    assert member.role.name in page
    assert "Globex" not in page


def test_profile_saves_names(member):
    client = session_client(member)

    response = client.post(PROFILE, {"first_name": "  Ada ", "last_name": "Lovelace"})

    assert response.status_code == 302
    member.user.refresh_from_db()
    assert (member.user.first_name, member.user.last_name) == ("Ada", "Lovelace")


def test_profile_with_a_too_long_name_shows_the_field_error_and_saves_nothing(member):
    client = session_client(member)
    before = member.user.first_name

    response = client.post(PROFILE, {"first_name": "x" * 151, "last_name": "Lovelace"})

    assert response.status_code == 200
    assert "Ensure this value has at most 150 characters (it has 151)." in response.content.decode()
    member.user.refresh_from_db()
    assert member.user.first_name == before
    assert member.user.last_name != "Lovelace"


def test_profile_cannot_change_the_email(member):
    client = session_client(member)
    email = member.user.email

    client.post(PROFILE, {"first_name": "A", "last_name": "B", "email": "new@example.test"})

    member.user.refresh_from_db()
    assert member.user.email == email


def test_a_user_without_organization_sees_the_profile_with_a_way_to_onboard(client, db):
    client.force_login(UserFactory())

    response = client.get(PROFILE)

    assert response.status_code == 200
    assert "/org/welcome/" in response.content.decode()


def test_profile_query_count_does_not_grow_with_memberships(world, django_assert_num_queries):
    member = world.members["manager"]
    client = session_client(member)
    client.get(PROFILE)  # warm up: session, content types
    with CaptureQueriesContext(connection) as one:
        client.get(PROFILE)
    for _ in range(3):
        MembershipFactory(user=member.user)

    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(PROFILE)

    assert response.content.decode().count("Switch to") == 3
