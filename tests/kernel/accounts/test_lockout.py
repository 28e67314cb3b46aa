from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.test import Client

from opsbase.testing.factories import PASSWORD

LOGIN = "/accounts/login/"


def attempt(client, email, password):
    return client.post(LOGIN, {"username": email, "password": password})


def test_sixth_attempt_after_five_failures_is_refused_even_with_the_right_password(
    client, world, settings
):
    email = world.members["user"].user.email
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, email, "wrong password").status_code == 200
    # The failure that reaches the limit already answers with the lockout page.
    assert attempt(client, email, "wrong password").status_code == 429

    response = attempt(client, email, PASSWORD)

    assert response.status_code == 429
    assert AUTH_SESSION_KEY not in client.session
    page = response.content.decode()
    assert "Sign-in is paused" in page
    assert "try again in 15 minutes" in page


def test_four_failures_do_not_lock_the_account(client, world, settings):
    email = world.members["user"].user.email
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, email, "wrong password")

    response = attempt(client, email, PASSWORD)

    assert response.status_code == 302
    assert AUTH_SESSION_KEY in client.session


def test_changing_the_case_of_the_address_does_not_earn_more_attempts(client, world):
    email = world.members["user"].user.email
    for variant in (email, email.upper(), email.title(), email.swapcase(), email.capitalize()):
        attempt(client, variant, "wrong password")

    response = attempt(client, email.upper(), PASSWORD)

    assert response.status_code == 429


def test_a_successful_sign_in_resets_the_counter(client, world, settings):
    email = world.members["user"].user.email
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, email, "wrong password")
    assert attempt(client, email, PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, email, "wrong password")

    response = attempt(client, email, PASSWORD)

    assert response.status_code == 302


def test_lockout_is_per_account_and_address(client, world, settings):
    locked = world.members["user"].user.email
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, locked, "wrong password")

    other_account = attempt(client, world.members["admin"].user.email, PASSWORD)
    from_elsewhere = attempt(Client(REMOTE_ADDR="203.0.113.9"), locked, PASSWORD)

    assert other_account.status_code == 302
    assert from_elsewhere.status_code == 302
