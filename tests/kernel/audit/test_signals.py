"""Sign-in, sign-out and failed sign-in are recorded, never with the password."""

import pytest
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import RequestFactory

from opsbase.core.context import bind, client_var
from opsbase.kernel.audit.models import AuditEvent
from opsbase.kernel.tenants.selectors import SESSION_KEY
from opsbase.testing.factories import PASSWORD, MembershipFactory, UserFactory

from .conftest import chain_of


def browser_request(session=None):
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="198.51.100.7")
    SessionMiddleware(lambda r: None).process_request(request)
    request.session.update(session or {})
    request.user = AnonymousUser()
    return request


def last_event(tenant, action):
    events = [e for e in chain_of(tenant) if e.action == action]
    return events[-1] if events else None


CLIENT = {"ip": "198.51.100.7", "user_agent": "pytest-browser"}


def test_a_sign_in_is_recorded_in_the_users_organization(world):
    member = world.members["manager"]
    request = browser_request()

    with bind(client_var, CLIENT):
        login(request, member.user, backend="django.contrib.auth.backends.ModelBackend")

    event = last_event(world.home, "login")
    assert event.actor_id == member.user_id
    assert event.target_label == member.user.email
    assert (event.ip, event.user_agent) == ("198.51.100.7", "pytest-browser")


def test_a_sign_in_goes_to_the_organization_chosen_in_the_session(world):
    user = world.members["user"].user
    MembershipFactory(tenant=world.away, user=user)
    request = browser_request({SESSION_KEY: world.away.pk})

    login(request, user, backend="django.contrib.auth.backends.ModelBackend")

    assert last_event(world.away, "login").actor_id == user.pk


def test_a_user_without_an_organization_signs_in_on_the_system_chain(db):
    user = UserFactory(email="loner@example.test")

    login(browser_request(), user, backend="django.contrib.auth.backends.ModelBackend")

    assert last_event(None, "login").actor_id == user.pk


def test_a_sign_out_is_recorded(world):
    member = world.members["admin"]
    request = browser_request({SESSION_KEY: world.home.pk})
    login(request, member.user, backend="django.contrib.auth.backends.ModelBackend")

    logout(request)

    assert last_event(world.home, "logout").actor_id == member.user_id


def test_signing_out_while_anonymous_records_nothing(db):
    logout(browser_request())

    assert chain_of(None) == []


@pytest.mark.parametrize("attempt", ["Admin@Acme.test", "admin@acme.test"])
def test_a_failed_sign_in_on_a_known_account_is_shown_to_its_organizations(world, attempt):
    member = world.members["admin"]

    with bind(client_var, CLIENT):
        assert authenticate(browser_request(), username=attempt, password="wrong guess") is None

    event = last_event(world.home, "login_failed")
    assert event.actor_id is None
    assert (event.target_type, event.target_id) == ("accounts.user", str(member.user_id))
    assert event.target_label == attempt
    assert event.ip == "198.51.100.7"
    assert "wrong guess" not in str(event.changes) + event.target_label
    assert last_event(world.away, "login_failed") is None


def test_a_failed_sign_in_on_an_unknown_account_goes_to_the_system_chain(world):
    authenticate(browser_request(), username="ghost@nowhere.test", password="hunter2-secret")

    event = last_event(None, "login_failed")
    assert event.target_label == "ghost@nowhere.test"
    assert event.target_id == ""
    stored = AuditEvent.objects.for_chain(0)
    assert not any("hunter2-secret" in str(vars(e)) for e in stored)


def test_a_correct_password_records_no_failure(world):
    user = world.members["user"].user
    assert authenticate(browser_request(), username=user.email, password=PASSWORD) == user
    assert last_event(world.home, "login_failed") is None
