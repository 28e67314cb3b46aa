"""Creating, revoking and using API tokens (services and selectors, real database)."""

import datetime as dt

import pytest
from django.utils import timezone

from opsbase.api.keys import key_hash
from opsbase.api.models import ApiToken
from opsbase.api.selectors import api_token_get_by_key, api_token_list
from opsbase.api.services import api_token_create, api_token_mark_used, api_token_revoke
from opsbase.core.exceptions import NotFound, PermissionDenied, ValidationError
from opsbase.kernel.audit.models import AuditEvent
from opsbase.kernel.roles.services import role_create
from opsbase.testing.factories import MembershipFactory


def events(tenant, action):
    return list(AuditEvent.objects.for_tenant(tenant).filter(action=action))


def test_a_new_token_is_returned_raw_once_and_stored_only_as_its_hash(world):
    member = world.members["user"]

    token, raw = api_token_create(membership=member, name="CI pipeline")

    assert raw.startswith("opb_") and len(raw) >= 4 + 43
    stored = ApiToken.objects.for_tenant(world.home).get(pk=token.pk)
    assert stored.key_hash == key_hash(raw)
    assert raw not in {stored.key_hash, stored.prefix, stored.name}
    assert stored.prefix == raw[:12]
    assert stored.membership == member and stored.tenant_id == world.home.pk
    assert stored.status == "active"


def test_two_tokens_never_share_a_secret(world):
    member = world.members["user"]
    raws = {api_token_create(membership=member, name=f"t{i}")[1] for i in range(20)}
    assert len(raws) == 20


def test_the_prefix_setting_is_used(world, settings):
    settings.OPSBASE_API_TOKEN_PREFIX = "acme_"
    _token, raw = api_token_create(membership=world.members["user"], name="x")
    assert raw.startswith("acme_")


def test_creating_a_token_is_audited_without_the_secret(world):
    token, raw = api_token_create(membership=world.members["manager"], name="Reports")

    [event] = events(world.home, "api_token.create")
    assert event.actor_id == world.members["manager"].user_id
    assert event.target_id == str(token.pk)
    assert event.changes["name"]["new"] == "Reports"
    assert raw not in str(event.changes) and token.key_hash not in str(event.changes)


def test_a_token_needs_a_name(world):
    with pytest.raises(ValidationError) as caught:
        api_token_create(membership=world.members["user"], name="   ")
    assert "name" in caught.value.extra["fields"]
    assert not ApiToken.objects.for_tenant(world.home).exists()


def test_an_expiry_in_the_past_is_refused(world):
    with pytest.raises(ValidationError) as caught:
        api_token_create(
            membership=world.members["user"],
            name="old",
            expires_at=timezone.now() - dt.timedelta(minutes=1),
        )
    assert "expires_at" in caught.value.extra["fields"]


def test_a_role_without_the_permission_cannot_make_tokens(world):
    role = role_create(membership=world.members["admin"], name="Viewer", permissions=[])
    viewer = MembershipFactory(tenant=world.home, role=role)

    with pytest.raises(PermissionDenied):
        api_token_create(membership=viewer, name="nope")


def test_revoking_stops_the_token_and_is_audited(world):
    member = world.members["user"]
    token, raw = api_token_create(membership=member, name="CI")

    api_token_revoke(membership=member, token=token)

    found = api_token_get_by_key(raw=raw)
    assert found.revoked_at is not None and found.status == "revoked"
    [event] = events(world.home, "api_token.revoke")
    assert "revoked_at" in event.changes
    assert event.changes["revoked_at"]["old"] is None


def test_revoking_twice_is_refused(world):
    member = world.members["user"]
    token, _raw = api_token_create(membership=member, name="CI")
    api_token_revoke(membership=member, token=token)

    with pytest.raises(ValidationError):
        api_token_revoke(membership=member, token=token)


@pytest.mark.parametrize(
    ("actor", "allowed"), [("admin", True), ("manager", False), ("user", False)]
)
def test_only_an_admin_revokes_another_members_token(world, actor, allowed):
    token, _raw = api_token_create(membership=world.spare, name="spare's")

    if allowed:
        api_token_revoke(membership=world.members[actor], token=token)
        assert token.revoked_at is not None
    else:
        with pytest.raises(PermissionDenied):
            api_token_revoke(membership=world.members[actor], token=token)


def test_another_tenants_token_does_not_exist_for_an_admin(world):
    token, _raw = api_token_create(membership=world.away_members["user"], name="globex")

    with pytest.raises(NotFound):
        api_token_revoke(membership=world.members["admin"], token=token)


def test_a_token_past_its_expiry_is_expired(world):
    token, raw = api_token_create(
        membership=world.members["user"],
        name="short",
        expires_at=timezone.now() + dt.timedelta(minutes=5),
    )
    assert token.status == "active"
    ApiToken.objects.for_tenant(world.home).filter(pk=token.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert api_token_get_by_key(raw=raw).status == "expired"


def test_last_used_is_written_at_most_once_a_minute(world):
    token, _raw = api_token_create(membership=world.members["user"], name="busy")
    start = timezone.now()

    assert api_token_mark_used(token=token, now=start) is True
    assert api_token_mark_used(token=token, now=start + dt.timedelta(seconds=30)) is False
    assert api_token_mark_used(token=token, now=start + dt.timedelta(seconds=61)) is True

    stored = ApiToken.objects.for_tenant(world.home).get(pk=token.pk)
    assert stored.last_used_at == start + dt.timedelta(seconds=61)


def test_a_stale_copy_does_not_write_again_within_the_minute(world):
    """Two workers holding the same token row: only the first writes."""
    token, _raw = api_token_create(membership=world.members["user"], name="busy")
    copy = ApiToken.objects.for_tenant(world.home).get(pk=token.pk)
    now = timezone.now()

    assert api_token_mark_used(token=token, now=now) is True
    assert api_token_mark_used(token=copy, now=now + dt.timedelta(seconds=5)) is False


def test_unknown_or_empty_keys_find_nothing(world):
    api_token_create(membership=world.members["user"], name="x")
    assert api_token_get_by_key(raw="opb_not-a-token") is None
    assert api_token_get_by_key(raw="") is None


def test_the_list_is_own_tokens_except_for_an_admin(world):
    for member in (world.members["admin"], world.members["manager"], world.spare):
        api_token_create(membership=member, name="t")
    api_token_create(membership=world.away_members["admin"], name="foreign")

    admin_sees = {t.membership_id for t in api_token_list(membership=world.members["admin"])}
    manager_sees = {t.membership_id for t in api_token_list(membership=world.members["manager"])}

    assert admin_sees == {world.members["admin"].pk, world.members["manager"].pk, world.spare.pk}
    assert manager_sees == {world.members["manager"].pk}


def test_deleting_a_membership_deletes_its_tokens(world):
    member = world.spare
    api_token_create(membership=member, name="t")
    member.delete()
    assert not ApiToken.objects.for_tenant(world.home).exists()
