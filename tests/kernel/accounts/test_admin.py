import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from opsbase.testing.factories import UserFactory

User = get_user_model()


@pytest.fixture
def admin_client(client, db):
    client.force_login(User.objects.create_superuser("root@example.test", "x"))
    return client


def test_admin_adds_a_user_by_email(admin_client):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "New.Person@Example.test",
            "first_name": "New",
            "last_name": "Person",
            "usable_password": "true",
            "password1": "a long enough passphrase 7",
            "password2": "a long enough passphrase 7",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(email="new.person@example.test")
    assert user.check_password("a long enough passphrase 7")


def test_admin_refuses_an_address_taken_in_another_case(admin_client):
    UserFactory(email="taken@example.test")

    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "TAKEN@example.test",
            "usable_password": "false",
        },
    )

    assert response.status_code == 200
    assert "A user with this e-mail address already exists." in response.content.decode()


def test_admin_lists_searches_and_opens_users(admin_client):
    user = UserFactory(email="findme@example.test")

    listing = admin_client.get(reverse("admin:accounts_user_changelist"), {"q": "findme"})
    change = admin_client.get(reverse("admin:accounts_user_change", args=[user.pk]))

    assert "findme@example.test" in listing.content.decode()
    assert change.status_code == 200
    assert 'name="email"' in change.content.decode()
