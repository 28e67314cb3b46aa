"""The session's user read from the cache (``accounts.session_cache``) by the membership
middleware: no query once cached, and every sign-out rule of Django's still holds on the very
next request (password changed, account deactivated, session tampered, secret key rotated)."""

import pickle
import re

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opsbase.kernel.accounts.session_cache import session_user_cache_key
from opsbase.kernel.roles.constants import RoleKind
from opsbase.testing.matrix import session_client

PAGE = "/"


@pytest.fixture
def member(world):
    return world.members[RoleKind.MANAGER]


@pytest.fixture(params=["cached", "read"])
def either(request, settings):
    """The session's user from the auth cache, or read by the compiled query (cache off)."""
    if request.param == "cached":
        request.getfixturevalue("auth_cache")
    else:
        settings.OPSBASE_AUTH_CACHE_TIMEOUT = 0
    return request.param


def _user_queries(queries) -> list[str]:
    """The queries that read a user whole (its password hash: the session's user), on
    their own or joined to something else."""
    # PostgreSQL and SQLite quote names with "", MariaDB with ``.
    return [
        q["sql"] for q in queries if re.search(r"accounts_user[`\"]?\.[`\"]?password", q["sql"])
    ]


def test_a_repeated_request_does_not_query_the_user(auth_cache, member):
    client = session_client(member)
    client.get(PAGE)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(PAGE)

    assert response.status_code == 200
    assert response.wsgi_request.user == member.user
    assert _user_queries(queries) == []


def test_the_cached_user_carries_no_password_hash(auth_cache, member):
    session_client(member).get(PAGE)

    stamp_and_entry = cache.get(session_user_cache_key(str(member.user.pk)))

    assert stamp_and_entry is not None
    assert member.user.password.encode() not in pickle.dumps(stamp_and_entry)


def test_saving_the_cached_user_keeps_its_password(auth_cache, member):
    users = type(member.user).objects
    before = users.get(pk=member.user.pk).password
    client = session_client(member)
    client.get(PAGE)
    user = client.get(PAGE).wsgi_request.user
    assert "password" in user.get_deferred_fields()  # the cached one

    user.first_name = "Grace"
    user.save()

    saved = users.get(pk=member.user.pk)
    assert (saved.first_name, saved.password) == ("Grace", before)


def test_a_password_change_signs_the_other_sessions_out_on_the_next_request(either, member):
    client = session_client(member)
    client.get(PAGE)

    member.user.set_password("a-new-long-passphrase")
    member.user.save()

    assert client.get(PAGE).status_code == 302
    assert not client.get(PAGE).wsgi_request.user.is_authenticated


def test_a_deactivated_account_is_signed_out_on_the_next_request(either, member):
    client = session_client(member)
    client.get(PAGE)

    member.user.is_active = False
    member.user.save()

    assert not client.get(PAGE).wsgi_request.user.is_authenticated


def test_a_session_with_another_hash_is_not_answered_from_the_cache(either, member):
    client = session_client(member)
    client.get(PAGE)
    session = client.session
    session[HASH_SESSION_KEY] = "0" * 64
    session.save()

    assert not client.get(PAGE).wsgi_request.user.is_authenticated


def test_a_rotated_secret_key_is_not_answered_with_the_old_ones_hashes(either, settings, member):
    client = session_client(member)
    client.get(PAGE)

    settings.SECRET_KEY = "another-secret-key-" + "x" * 40

    assert not client.get(PAGE).wsgi_request.user.is_authenticated


def test_with_the_auth_cache_off_the_user_is_read_each_time(settings, member):
    settings.OPSBASE_AUTH_CACHE_TIMEOUT = 0
    client = session_client(member)
    client.get(PAGE)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(PAGE)

    # With its memberships, in the same query.
    (read,) = _user_queries(queries)
    assert "tenants_membership" in read
    assert response.wsgi_request.membership == member
    assert response.wsgi_request.tenant_memberships == [member]
    assert [m.user for m in response.wsgi_request.tenant_memberships] == [member.user]


def test_a_user_in_several_organizations_is_one_object_across_its_memberships(
    settings, world, member
):
    from opsbase.kernel.tenants.services import membership_add

    settings.OPSBASE_AUTH_CACHE_TIMEOUT = 0
    away_admin = world.away_members[RoleKind.ADMIN]
    membership_add(membership=away_admin, user=member.user, role_kind=RoleKind.USER)
    client = session_client(member)

    request = client.get(PAGE).wsgi_request

    memberships = request.tenant_memberships
    assert {m.tenant for m in memberships} == {world.home, world.away}
    assert all(m.user is request.user for m in memberships)
    assert request.membership == member  # the session's organization


@pytest.mark.parametrize("change", ["no membership", "membership deactivated", "tenant closed"])
def test_with_the_auth_cache_off_a_user_without_active_memberships_is_still_signed_in(
    settings, member, change
):
    """Nothing to join the user to: it is read on its own, as Django would."""
    settings.OPSBASE_AUTH_CACHE_TIMEOUT = 0
    client = session_client(member)
    if change == "no membership":
        member.delete()
    elif change == "membership deactivated":
        type(member).objects.unscoped().filter(pk=member.pk).update(is_active=False)
    else:
        type(member.tenant).objects.filter(pk=member.tenant_id).update(is_active=False)

    request = client.get(PAGE).wsgi_request

    assert request.user == member.user
    assert request.membership is None


def test_a_session_hashed_under_a_fallback_key_stays_signed_in(either, settings, member):
    client = session_client(member)
    client.get(PAGE)
    old = settings.SECRET_KEY

    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-rotated-key-" + "y" * 40, [old]

    response = client.get(PAGE)
    assert response.status_code == 200
    assert response.wsgi_request.user == member.user
    # Django moved the session to the new key's hash: it holds once the fallback is gone.
    settings.SECRET_KEY_FALLBACKS = []
    assert client.get(PAGE).wsgi_request.user == member.user


class NobodyBackend(ModelBackend):
    """A backend of a project's own, which signs nobody back in."""

    def get_user(self, user_id):
        return None


def test_a_session_of_another_backend_is_left_to_that_backend(settings, member):
    settings.OPSBASE_AUTH_CACHE_TIMEOUT = 0
    path = f"{__name__}.NobodyBackend"
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, path]
    client = session_client(member)
    session = client.session
    session[BACKEND_SESSION_KEY] = path
    session.save()

    # Django asks that backend for the user; it gives none, so nobody is signed in.
    assert not client.get(PAGE).wsgi_request.user.is_authenticated


def test_with_the_auth_cache_off_the_user_is_one_query_compiled_once(
    settings, member, compilations
):
    settings.OPSBASE_AUTH_CACHE_TIMEOUT = 0
    client = session_client(member)
    client.get(PAGE)
    recorded = compilations()

    with CaptureQueriesContext(connection) as queries:
        response = client.get(PAGE)

    assert response.wsgi_request.user == member.user
    assert len(_user_queries(queries)) == 1
    # The user (with the memberships) read by the query compiled before.
    assert "User" not in recorded
    assert "Membership" not in recorded
