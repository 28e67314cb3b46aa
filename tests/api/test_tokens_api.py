"""/api/v1/tokens/: list (paginated, filtered, ordered), create (secret once), revoke."""

import datetime as dt

import pytest
from django.utils import timezone

from opsbase.api.keys import key_hash
from opsbase.api.models import ApiToken
from opsbase.testing.api import token_client, token_for
from opsbase.testing.matrix import AccessMatrix

from .conftest import error_of

URL = "/api/v1/tokens/"


def many_tokens(membership, n: int) -> None:
    ApiToken.objects.bulk_create(
        ApiToken(
            tenant_id=membership.tenant_id,
            membership=membership,
            name=f"bulk {i:03d}",
            prefix=f"opb_bulk{i:03d}",
            key_hash=key_hash(f"bulk-{membership.pk}-{i}"),
        )
        for i in range(n)
    )


@pytest.fixture
def user_api(world):
    return token_client(world.members["user"])  # one token of their own already


def test_the_default_page_is_25_with_links(world, user_api):
    many_tokens(world.members["user"], 29)

    body = user_api.get(URL).json()

    assert body["count"] == 30
    assert len(body["results"]) == 25
    assert body["next"].endswith("page=2") and body["previous"] is None


def test_page_size_is_honoured(world, user_api):
    many_tokens(world.members["user"], 11)

    body = user_api.get(URL, {"page_size": 5, "page": 3}).json()

    assert len(body["results"]) == 2 and body["count"] == 12


def test_page_size_is_capped_at_100(world, user_api):
    many_tokens(world.members["user"], 120)

    body = user_api.get(URL, {"page_size": 500}).json()

    assert len(body["results"]) == 100


def test_a_page_past_the_end_is_404_in_the_error_format(world, user_api):
    response = user_api.get(URL, {"page": 9})

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_the_list_costs_the_same_queries_for_1_or_50_tokens(
    world, user_api, django_assert_max_num_queries
):
    many_tokens(world.members["user"], 50)
    # Token lookup + last_used (first use), count, page: no query per row.
    with django_assert_max_num_queries(4):
        assert user_api.get(URL, {"page_size": 100}).status_code == 200


def test_filters_by_status_and_name(world, user_api):
    member = world.members["user"]
    token_for(member, name="CI revoked", revoked_at=timezone.now())
    token_for(member, name="CI expired", expires_at=timezone.now() - dt.timedelta(days=1))
    token_for(member, name="CI live", expires_at=timezone.now() + dt.timedelta(days=1))

    def names(**params):
        return sorted(t["name"] for t in user_api.get(URL, params).json()["results"])

    assert names(status="revoked") == ["CI revoked"]
    assert names(status="expired") == ["CI expired"]
    assert names(status="active") == ["CI live", "test token"]
    assert names(name="ci") == ["CI expired", "CI live", "CI revoked"]
    assert names(search="live") == ["CI live"]


def test_an_unknown_status_is_a_validation_error(world, user_api):
    response = user_api.get(URL, {"status": "sleeping"})

    assert response.status_code == 400
    assert "status" in error_of(response)["fields"]


def test_ordering(world, user_api):
    member = world.members["user"]
    for name in ("b", "c", "a"):
        token_for(member, name=name)

    def names(ordering):
        return [t["name"] for t in user_api.get(URL, {"ordering": ordering}).json()["results"]]

    assert names("name") == ["a", "b", "c", "test token"]
    assert names("-name") == ["test token", "c", "b", "a"]
    assert names("-created_at")[0] == "a"  # newest first is also the default


def test_the_list_is_own_tokens_and_every_token_of_the_tenant_for_an_admin(world):
    for member in (world.members["manager"], world.spare, world.away_members["admin"]):
        token_for(member)

    def owners(client):
        return {t["membership"] for t in client.get(URL).json()["results"]}

    admin = world.members["admin"]
    assert owners(token_client(admin)) == {admin.pk, world.members["manager"].pk, world.spare.pk}
    assert owners(token_client(world.members["manager"])) == {world.members["manager"].pk}


def test_creating_returns_the_secret_once(world, user_api):
    response = user_api.post(URL, {"name": "Exporter", "expires_in_days": 30})

    assert response.status_code == 201
    body = response.json()
    assert body["token"].startswith(body["prefix"]) and body["status"] == "active"
    assert response["Cache-Control"] == "no-store, private"
    shown_later = user_api.get(f"{URL}{body['id']}/").json()
    assert "token" not in shown_later and shown_later["name"] == "Exporter"


def test_creating_without_a_name_is_400(world, user_api):
    response = user_api.post(URL, {})
    assert response.status_code == 400
    assert "name" in error_of(response)["fields"]


def test_revoking_the_token_in_use_ends_the_session_of_that_client(world, user_api):
    own = user_api.api_token

    revoked = user_api.post(f"{URL}{own.pk}/revoke/")
    after = user_api.get(URL)

    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    assert after.status_code == 401
    assert error_of(after)["code"] == "token_revoked"


def test_revoke_matrix_over_the_api(world):
    """Everyone revokes their own; only an Admin another member's; another tenant's is 404."""
    AccessMatrix(
        login=token_client,
        make=lambda owner: token_for(owner, name="target")[0],
        request=lambda client, token: client.post(f"{URL}{token.pk}/revoke/"),
        expect={
            "admin": {"own": 200, "other": 200, "foreign": 404},
            "manager": {"own": 200, "other": 403, "foreign": 404},
            "user": {"own": 200, "other": 403, "foreign": 404},
        },
    ).check(world)


def test_detail_matrix_over_the_api(world):
    AccessMatrix(
        login=token_client,
        make=lambda owner: token_for(owner, name="target")[0],
        request=lambda client, token: client.get(f"{URL}{token.pk}/"),
        expect={
            "admin": {"own": 200, "other": 200, "foreign": 404},
            "manager": {"own": 200, "other": 403, "foreign": 404},
            "user": {"own": 200, "other": 403, "foreign": 404},
        },
    ).check(world)
