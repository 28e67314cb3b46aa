"""Cached token lookups: a change to the token, account, membership, role or tenant is seen
by the very next request; the cache never holds a password hash."""

import pickle

import pytest
from django.utils import timezone

from opsbase.api.auth_cache import token_cached
from opsbase.api.keys import key_hash
from opsbase.api.services import api_token_revoke
from opsbase.kernel.roles.constants import RoleKind

from .conftest import error_of
from .test_authentication import with_header

ME = "/api/v1/me/"
TASKS = "/api/v1/tasks/"


@pytest.fixture(autouse=True)
def auth_cache(settings):
    settings.OPSBASE_AUTH_CACHE_TIMEOUT = 60


@pytest.fixture
def spare_client(world, make_token):
    """The spare User's token, used once so that its lookup is in the cache."""
    token, raw = make_token(world.spare)
    client = with_header(f"Token {raw}")
    assert client.get(ME).status_code == 200
    assert token_cached(key_hash(raw)) is not None
    return token, client


def test_a_cached_token_request_queries_nothing_to_authenticate(
    world, spare_client, django_assert_num_queries
):
    _token, client = spare_client
    with django_assert_num_queries(0):
        assert client.get(ME).status_code == 200


def test_a_token_revoked_after_use_is_refused_on_the_next_request(world, spare_client):
    token, client = spare_client
    api_token_revoke(membership=world.members[RoleKind.ADMIN], token=token)

    response = client.get(ME)

    assert response.status_code == 401
    assert error_of(response)["code"] == "token_revoked"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ("membership", "membership_inactive"),
        ("user", "user_inactive"),
        ("tenant", "tenant_inactive"),
    ],
)
def test_a_deactivation_after_use_is_seen_on_the_next_request(world, spare_client, change, code):
    _token, client = spare_client
    target = {"membership": world.spare, "user": world.spare.user, "tenant": world.home}[change]
    target.is_active = False
    target.save()

    response = client.get(ME)

    assert response.status_code == 401
    assert error_of(response)["code"] == code


def test_a_role_change_after_use_is_seen_on_the_next_request(world, spare_client):
    _token, client = spare_client
    assert client.get(TASKS).status_code == 200
    role = world.spare.role
    role.permissions = [p for p in role.permissions if p != "tasks.view_task"]
    role.save()

    assert client.get(TASKS).status_code == 403


def test_the_cached_token_holds_no_password_hash(world, spare_client):
    token, _client = spare_client
    password = world.spare.user.password
    assert password

    stored = pickle.dumps(token_cached(token.key_hash))

    assert password.encode() not in stored


def test_last_use_is_still_recorded_once_a_minute_with_the_cache(world, spare_client):
    from opsbase.api.models import ApiToken

    token, client = spare_client
    first = ApiToken.objects.for_tenant(world.home).get(pk=token.pk).last_used_at
    client.get(ME)
    assert ApiToken.objects.for_tenant(world.home).get(pk=token.pk).last_used_at == first
    assert first is not None and first <= timezone.now()


def test_a_cached_token_is_read_with_the_auth_version_in_one_round_trip(
    world, spare_client, cache_reads
):
    _token, client = spare_client
    reads = cache_reads("opsbase:auth")

    assert client.get(ME).status_code == 200

    assert len(reads.calls) == 1
    call, keys = reads.calls[0]
    assert call == "get_many"
    assert sorted(key.split(":")[2] for key in keys) == ["token", "version"]


def test_with_a_per_process_cache_a_cached_request_reads_its_versions_in_one_query(
    world, spare_client, settings, django_assert_num_queries
):
    # Versions in the database (a new project's local-memory cache): the auth version and
    # the token's tenant's, together, whatever the request then reads from the cache.
    settings.OPSBASE_CACHE_SHARED = False
    settings.OPSBASE_LIST_CACHE = True
    _token, client = spare_client
    assert client.get(TASKS).status_code == 200  # cached under the database's versions
    with django_assert_num_queries(1):
        assert client.get(TASKS).status_code == 200


def test_with_a_per_process_cache_a_revoked_token_is_refused_on_the_next_request(
    world, spare_client, settings
):
    settings.OPSBASE_CACHE_SHARED = False
    token, client = spare_client
    assert client.get(ME).status_code == 200
    api_token_revoke(membership=world.members[RoleKind.ADMIN], token=token)

    response = client.get(ME)

    assert response.status_code == 401
    assert error_of(response)["code"] == "token_revoked"
