import re

import pytest
from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.core import mail
from django.test import Client

from opsbase.testing.factories import PASSWORD

CHANGE = "/accounts/password/change/"
RESET = "/accounts/password/reset/"
NEW_PASSWORD = "a brand new long passphrase 42"


def signs_in(email: str, password: str) -> bool:
    """Whether the sign-in page accepts *password* for *email* (in a fresh browser)."""
    return (
        Client().post("/accounts/login/", {"username": email, "password": password}).status_code
        == 302
    )


@pytest.fixture
def user(world):
    return world.members["user"].user


def test_password_change_needs_a_signed_in_user(client, db):
    response = client.get(CHANGE)

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_password_change_with_a_wrong_old_password_is_refused(client, user):
    client.force_login(user)

    response = client.post(
        CHANGE,
        {"old_password": "nope", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_change_keeps_the_user_signed_in_and_the_new_password_works(
    client, user, monkeypatch
):
    recorded = []
    monkeypatch.setattr(
        "opsbase.kernel.accounts.services.audit_account_event", lambda **kw: recorded.append(kw)
    )
    client.force_login(user)

    response = client.post(
        CHANGE,
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert response.url == "/accounts/password/change/done/"
    assert client.get(response.url).status_code == 200  # still signed in
    assert signs_in(user.email, NEW_PASSWORD)
    assert not signs_in(user.email, PASSWORD)
    assert [e["action"] for e in recorded] == ["user.password_change"]


def test_password_change_rejects_a_weak_password(client, user):
    client.force_login(user)

    response = client.post(
        CHANGE, {"old_password": PASSWORD, "new_password1": "123", "new_password2": "123"}
    )

    assert response.status_code == 200
    assert "This password is too short" in response.content.decode()


def reset_link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/\S+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_password_reset_sends_a_plain_text_email_with_a_working_link(client, user):
    response = client.post(RESET, {"email": user.email.upper()})

    assert response.status_code == 302
    assert response.url == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert message.alternatives == []  # plain text only
    assert "Set a new password" in message.subject
    assert "<" not in message.body

    form_page = client.get(reset_link(message), follow=True)
    assert form_page.status_code == 200
    assert form_page.context["validlink"] is True
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert done.status_code == 302
    assert done.url == "/accounts/password/reset/complete/"
    assert client.get(done.url).status_code == 200
    assert signs_in(user.email, NEW_PASSWORD)


def test_a_reset_link_works_only_once(client, user):
    client.post(RESET, {"email": user.email})
    link = reset_link(mail.outbox[0])
    page = client.get(link, follow=True)
    client.post(
        page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    again = Client().get(link, follow=True)

    assert again.context["validlink"] is False
    assert "no longer valid" in again.content.decode()


def test_password_reset_for_an_unknown_address_sends_nothing_and_reveals_nothing(client, db):
    response = client.post(RESET, {"email": "nobody@example.test"})

    assert response.status_code == 302
    assert response.url == "/accounts/password/reset/sent/"
    assert mail.outbox == []


def test_reset_pages_render(client, db):
    assert client.get(RESET).status_code == 200
    assert client.get("/accounts/password/reset/sent/").status_code == 200
    assert client.get("/accounts/password/reset/complete/").status_code == 200
    assert AUTH_SESSION_KEY not in client.session


def test_the_reset_email_names_the_site_not_the_host(client, user, settings):
    settings.OPSBASE_SITE_NAME = "Shop Front"

    client.post(RESET, {"email": user.email}, HTTP_HOST="127.0.0.1")

    message = mail.outbox[0]
    assert message.subject == "Set a new password for Shop Front"
    assert "on Shop Front." in message.body
