from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.urls import reverse

from opsbase.testing.factories import PASSWORD

LOGIN = "/accounts/login/"
LOGOUT = "/accounts/logout/"


def signed_in_user_id(client):
    return client.session.get(AUTH_SESSION_KEY)


def test_urls_have_the_agreed_names():
    assert reverse("accounts:login") == LOGIN
    assert reverse("accounts:logout") == LOGOUT


def test_login_page_shows_an_email_field(client, db):
    response = client.get(LOGIN)

    assert response.status_code == 200
    assert 'type="email"' in response.content.decode()
    assert 'name="username"' in response.content.decode()


def test_signing_in_with_the_right_password_lands_on_home(client, world):
    user = world.members["admin"].user

    response = client.post(LOGIN, {"username": user.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("web:home")
    assert signed_in_user_id(client) == str(user.pk)


def test_email_is_matched_whatever_its_case(client, world):
    user = world.members["admin"].user

    response = client.post(LOGIN, {"username": "  Admin@ACME.test ", "password": PASSWORD})

    assert response.status_code == 302
    assert signed_in_user_id(client) == str(user.pk)


def test_wrong_password_is_refused_with_a_message(client, world):
    user = world.members["admin"].user

    response = client.post(LOGIN, {"username": user.email, "password": "not it"})

    assert response.status_code == 200
    assert "Please enter a correct" in response.content.decode()
    assert signed_in_user_id(client) is None


def test_inactive_user_cannot_sign_in(client, world):
    user = world.members["user"].user
    user.is_active = False
    user.save()

    response = client.post(LOGIN, {"username": user.email, "password": PASSWORD})

    assert response.status_code == 200
    assert signed_in_user_id(client) is None


def test_sign_in_follows_a_safe_next_and_ignores_an_outside_one(client, world):
    email = world.members["admin"].user.email

    safe = client.post(
        LOGIN, {"username": email, "password": PASSWORD, "next": "/accounts/profile/"}
    )
    client.post(LOGOUT)
    outside = client.post(
        LOGIN, {"username": email, "password": PASSWORD, "next": "https://evil.example/"}
    )

    assert safe.url == "/accounts/profile/"
    assert outside.url == reverse("web:home")


def test_a_signed_in_user_opening_login_is_sent_on(client, world):
    client.force_login(world.members["admin"].user)

    response = client.get(LOGIN)

    assert response.status_code == 302


def test_logout_needs_post_and_signs_out(client, world):
    client.force_login(world.members["admin"].user)

    refused = client.get(LOGOUT)
    response = client.post(LOGOUT)

    assert refused.status_code == 405
    assert response.status_code == 302
    assert response.url == reverse("accounts:login")
    assert signed_in_user_id(client) is None


def test_the_login_page_carries_the_sites_name_not_the_host(client, db, settings):
    settings.OPSBASE_SITE_NAME = "Shop Front"

    body = client.get(LOGIN, HTTP_HOST="127.0.0.1").content.decode()

    assert "<title>" in body
    title = body.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "Shop Front" in title
    assert "127.0.0.1" not in title
    assert "127.0.0.1" not in body.split('class="navbar-brand', 1)[1].split("</a>", 1)[0]
